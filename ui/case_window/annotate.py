"""Describe a capture after it was taken: its note and the policy's concern, through ``case.annotate_capture``.

Opened by double-clicking (or pressing Enter on) a capture in the side panel,
with the keyboard in the note (words typed go there, never into the concern
list, which ignores typed letters: :mod:`ui.browser.concern_box`).
The capture's picture is not shown here: the pair describe what they saw.
Choosing "child sexual abuse images" does not save anything: it closes the
dialog and emits :attr:`AnnotateDialog.stop_requested` with a
:class:`~ui.case_window.stop.StopRequest` naming the capture, so the case window confirms
the stop, halts, and withholds that capture with every other of its address.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from evidence_app import Capture, Case, EvidenceError
from evidence_app.policy.concerns import CSAM, load_concerns
from ui.browser.capture_form import concern_box
from ui.case_window.capture_view import capture_kind_words
from ui.case_window.stop import StopRequest
from ui.errors import describe
from ui.texts import local_time

MAX_NOTE_CHARS = 5000


class AnnotateDialog(QDialog):
    """:attr:`saved` after the journal has the new note and concern; :attr:`stop_requested` for the stop."""

    saved = Signal(str)            # capture id
    stop_requested = Signal(object)  # StopRequest

    def __init__(self, case: Case, capture: Capture, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.capture = capture
        self.setWindowTitle(f"Describe screenshot {capture.id}")
        self.setAccessibleName("Describe a screenshot")
        self.note = QPlainTextEdit(capture.note)
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("What it shows and why it matters")
        self.note.setTabChangesFocus(True)
        self.concern = concern_box(load_concerns())
        self.concern.setAccessibleName("Concern")
        index = self.concern.findData(capture.concern)
        self.concern.setCurrentIndex(max(index, 0))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        form = QFormLayout()
        form.addRow("Taken:", QLabel(f"{local_time(capture.captured_at)} · {capture_kind_words(capture.kind)}"))
        address = QLabel(capture.url or "(no address)")
        address.setWordWrap(True)
        form.addRow("Address:", address)
        form.addRow("Note:", self.note)
        form.addRow("Concern:", self.concern)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.view_button = self.buttons.addButton("&View full size…", QDialogButtonBox.ButtonRole.ActionRole)
        self.view_button.setAutoDefault(False)
        self.view_button.clicked.connect(lambda *_: self.view_full_size())
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

    def view_full_size(self) -> QWidget:
        """The capture at full size, in a window of its own (from memory)."""
        from ui.case_window.capture_view import CaptureView

        view = CaptureView(self.case, self.capture, self)
        view.show()
        return view

    def concern_id(self) -> str:
        return str(self.concern.currentData() or "")

    def note_text(self) -> str:
        return self.note.toPlainText().strip()[:MAX_NOTE_CHARS]

    @Slot(int)
    def _on_concern(self, _index: int) -> None:
        if self.concern_id() == CSAM:
            self.stop_requested.emit(StopRequest(self.capture.url, "capture", (self.capture.id,), self.note_text()))
            self.reject()

    @Slot()
    def save(self) -> None:
        if self.concern_id() == CSAM:  # never saved as a description: it is the stop
            self._on_concern(0)
            return
        try:
            self.case.annotate_capture(self.capture.id, note=self.note_text(), concern=self.concern_id())
        except EvidenceError as exc:
            self.problem.setText(describe(exc))
            self.problem.show()
            return
        self.saved.emit(self.capture.id)
        self.accept()
