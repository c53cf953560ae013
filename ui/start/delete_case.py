"""Deleting a case at the end of its retention period: both passphrases and the case id typed out.

``CaseStore.delete`` runs in the background: it checks both passphrases and
that the case is due, destroys the case's keys (crypto-shredding), then its
files, and writes the deletion in the incident register. A wrong passphrase
changes nothing. ``today`` is passed in (a seam for tests).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from evidence_app import CaseStore, DeletionReport, WrongPassphrase
from ui.background import run_in_background
from ui.errors import describe
from ui.passphrase import PassphrasePair
from ui.start.retention import SHREDDING
from ui.start.sign_in import MESSAGE_STYLE, busy_bar, heading


class DeleteCaseDialog(QDialog):
    """Delete a case that is due: both passphrases and its id typed out. Emits :attr:`deleted`."""

    deleted = Signal(object)  # DeletionReport

    def __init__(self, store: CaseStore, case_id: str, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.case_id = case_id
        self.today = today
        self.busy = False
        self.setWindowTitle(f"Delete case {case_id}")
        self.setAccessibleName("Delete a case")
        self.setMinimumWidth(640)
        explain = QLabel(f"Case {case_id} has reached the end of its retention period. {SHREDDING} "
                         "This cannot be undone.")
        explain.setWordWrap(True)
        self.pair = PassphrasePair()
        self.confirm = QLineEdit()
        self.confirm.setPlaceholderText(case_id)
        self.confirm.setAccessibleName("Type the case number to confirm")
        confirm_form = QFormLayout()
        confirm_form.addRow(f"Type {case_id} to confirm", self.confirm)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setAccessibleName("Deletion message")
        self.progress = busy_bar("Deleting the case")
        self.delete_button = QPushButton("&Delete the case for good")
        self.delete_button.setAccessibleName("Delete the case for good")
        self.delete_button.setStyleSheet("font-weight: bold; color: #a31515;")
        self.delete_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(f"Delete case {case_id}"))
        layout.addWidget(explain)
        layout.addWidget(self.pair)
        layout.addLayout(confirm_form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.delete_button)
        layout.addLayout(buttons)
        self.confirm.textChanged.connect(self._update)
        self.pair.first.textChanged.connect(self._update)
        self.pair.second.textChanged.connect(self._update)
        self.delete_button.clicked.connect(self.attempt)
        self.cancel_button.clicked.connect(self.reject)

    @Slot()
    def _update(self) -> None:
        first, second = self.pair.passphrases()
        self.delete_button.setEnabled(not self.busy and bool(first and second)
                                      and self.confirm.text().strip() == self.case_id)

    @Slot()
    def attempt(self) -> None:
        if self.busy or self.confirm.text().strip() != self.case_id:
            return
        passphrases = self.pair.passphrases()
        store, case_id, today = self.store, self.case_id, self.today
        self._set_busy(True)
        run_in_background(self, lambda: store.delete(case_id, passphrases, today=today), self._deleted, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.pair.set_busy(busy)
        self.confirm.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.message.setText("Checking the passphrases, then destroying the keys…" if busy else "")
        self._update()

    def _deleted(self, report: DeletionReport) -> None:
        self._set_busy(False)
        self.pair.clear()
        self.deleted.emit(report)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.message.setText(describe(exc))
        if isinstance(exc, WrongPassphrase):
            self.pair.clear()

    def reject(self) -> None:
        if self.busy:
            return
        self.pair.clear()
        super().reject()


def open_delete_case(store: CaseStore, case_id: str, parent: QWidget | None = None, *,
                     today: date | None = None) -> DeleteCaseDialog:
    dialog = DeleteCaseDialog(store, case_id, parent, today=today)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
