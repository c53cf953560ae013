"""Describe an item without viewing it: its note and the policy's concern, through ``case.describe_item``.

As for captures, choosing "child sexual abuse images" saves nothing here: it closes the dialog and
emits :attr:`DescribeItemDialog.stop_requested` naming the item, so the case window confirms the stop,
seals the case and withholds the item (with whatever was attached inside it).
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from evidence_app import Case, EvidenceError
from evidence_app.items.records import Item
from evidence_app.policy.concerns import CSAM, load_concerns
from ui.browser.capture_form import concern_box
from ui.case_window.stop import StopRequest
from ui.errors import describe
from ui.items.texts import kind_words, size_words

MAX_NOTE_CHARS = 5000


class DescribeItemDialog(QDialog):
    saved = Signal(str)              # item id
    stop_requested = Signal(object)  # StopRequest

    def __init__(self, case: Case, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.item = item
        self.setWindowTitle(f"Describe {item.id}: {item.name}")
        self.setAccessibleName("Describe a file")
        self.note = QPlainTextEdit(item.note)
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("What it shows and why it matters (you do not need to view it)")
        self.note.setTabChangesFocus(True)
        self.concern = concern_box(load_concerns())
        self.concern.setAccessibleName("Concern")
        self.concern.setCurrentIndex(max(self.concern.findData(item.concern), 0))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        form = QFormLayout()
        form.addRow("File:", QLabel(f"{item.name} · {kind_words(item)} · {size_words(item.size)}"))
        form.addRow("Note:", self.note)
        form.addRow("Concern:", self.concern)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(560, 300)
        self.concern.currentIndexChanged.connect(self._on_concern)
        self.note.setFocus()

    def concern_id(self) -> str:
        return str(self.concern.currentData() or "")

    def note_text(self) -> str:
        return self.note.toPlainText().strip()[:MAX_NOTE_CHARS]

    @Slot(int)
    def _on_concern(self, _index: int) -> None:
        if self.concern_id() == CSAM:
            self.stop_requested.emit(StopRequest("", "concern", (self.item.id,), self.note_text()))
            self.reject()

    @Slot()
    def save(self) -> None:
        if self.concern_id() == CSAM:
            self._on_concern(0)
            return
        try:
            self.case.describe_item(self.item.id, note=self.note_text(), concern=self.concern_id())
        except EvidenceError as exc:
            self.problem.setText(describe(exc))
            self.problem.show()
            return
        self.saved.emit(self.item.id)
        self.accept()
