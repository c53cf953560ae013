"""Recording that the police have released a sealed case, which starts its retention period.

A sealed case is kept until the police release it (``Case.retain_until`` is
empty until then). This dialog asks for the police's reference and records
it with ``Case.record_police_release``: journaled, and in the incident register.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from evidence_app import Case, EvidenceError
from ui.errors import describe
from ui.start.sign_in import MESSAGE_STYLE, heading


class PoliceReleaseDialog(QDialog):
    """Record that the police have released a sealed case; emits :attr:`released` with its new retention date."""

    released = Signal(str)

    def __init__(self, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.setWindowTitle("The police have released the case")
        self.setAccessibleName("The police have released the case")
        self.setMinimumWidth(560)
        explain = QLabel("A sealed case is kept until the police say they no longer need it. Record their "
                         "release here: the case's retention period starts today, and when it ends you will be "
                         "asked to delete the case.")
        explain.setWordWrap(True)
        self.reference = QLineEdit()
        self.reference.setAccessibleName("Police reference for the release")
        self.reference.setPlaceholderText("The reference in the police's letter or e-mail")
        self.reference.setMaxLength(500)
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note about the release")
        self.note.setPlaceholderText("Optional: who told you, and how")
        self.note.setMaximumHeight(80)
        form = QFormLayout()
        form.addRow("Police &reference", self.reference)
        form.addRow("Note", self.note)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setAccessibleName("Release message")
        self.record_button = QPushButton("&Record the release")
        self.record_button.setAccessibleName("Record the release")
        self.record_button.setDefault(True)
        cancel = QPushButton("Cancel")
        cancel.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        layout = QVBoxLayout(self)
        layout.addWidget(heading("The police have released the case"))
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.record_button)
        layout.addLayout(buttons)
        self.record_button.clicked.connect(self.record)
        cancel.clicked.connect(self.reject)

    @Slot()
    def record(self) -> None:
        reference = self.reference.text().strip()
        if not reference:
            self.message.setText("Give the police reference for the release.")
            return
        try:
            self.case.record_police_release(reference, self.note.toPlainText().strip())
            retain_until = self.case.retain_until
        except EvidenceError as exc:
            self.message.setText(describe(exc))
            return
        self.released.emit(retain_until)
        self.accept()
