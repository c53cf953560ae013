"""The dialog the pair describe evidence in: a note and the policy's concern, never the picture itself.

Shared by a capture (:mod:`ui.case_window.annotate`) and a file brought in (:mod:`ui.items.describe`).
The keyboard starts at the end of the note (words typed go there, never into the concern list, which
ignores typed letters: :mod:`ui.browser.concern_box`). Choosing "child sexual abuse images" saves
nothing: it closes the dialog and emits :attr:`NoteAndConcernDialog.stop_requested` with the
:class:`~ui.case_window.stop.StopRequest` the subclass makes, so the case window confirms the stop,
seals the case and withholds what it names.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from evidence_app import EvidenceError
from evidence_app.policy.concerns import CSAM, load_concerns
from ui.browser.capture_form import concern_box
from ui.case_window.stop import StopRequest
from ui.errors import describe

MAX_NOTE_CHARS = 5000


class NoteAndConcernDialog(QDialog):
    """:attr:`saved` (the evidence's id) once the journal has the note and concern; :attr:`stop_requested`."""

    saved = Signal(str)
    stop_requested = Signal(object)  # StopRequest

    def __init__(self, evidence_id: str, note: str, concern: str, rows: list[tuple[str, QWidget]], *,
                 placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.evidence_id = evidence_id
        self.note = QPlainTextEdit(note)
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText(placeholder)
        self.note.setTabChangesFocus(True)
        self.concern = concern_box(load_concerns())
        self.concern.setAccessibleName("Concern")
        self.concern.setCurrentIndex(max(self.concern.findData(concern), 0))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        form = QFormLayout()
        for label, widget in rows:
            form.addRow(label, widget)
        form.addRow("Note:", self.note)
        form.addRow("Concern:", self.concern)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(560, 300)
        self.concern.currentIndexChanged.connect(self._on_concern)
        self.setTabOrder(self.note, self.concern)
        self.note.moveCursor(QTextCursor.MoveOperation.End)  # words typed go on after the note already there
        self.note.setFocus()  # the keyboard starts in the note, never in the concern list

    # ------------------------------------------------------------------ what a subclass says

    def stop_request(self, note: str) -> StopRequest:
        """The stop this evidence asks for when its concern is child sexual abuse images."""
        raise NotImplementedError

    def write(self, note: str, concern: str) -> None:
        """Journal the note and concern (the core's call); raises :class:`EvidenceError`."""
        raise NotImplementedError

    # ------------------------------------------------------------------ the same for all

    def concern_id(self) -> str:
        return str(self.concern.currentData() or "")

    def note_text(self) -> str:
        return self.note.toPlainText().strip()[:MAX_NOTE_CHARS]

    @Slot(int)
    def _on_concern(self, _index: int) -> None:
        if self.concern_id() == CSAM:
            self.stop_requested.emit(self.stop_request(self.note_text()))
            self.reject()

    @Slot()
    def save(self) -> None:
        if self.concern_id() == CSAM:  # never saved as a description: it is the stop
            self._on_concern(0)
            return
        try:
            self.write(self.note_text(), self.concern_id())
        except EvidenceError as exc:
            self.problem.setText(describe(exc))
            self.problem.show()
            return
        self.saved.emit(self.evidence_id)
        self.accept()
