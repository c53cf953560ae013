"""Describe a capture after it was taken: its note and the policy's concern, through ``case.annotate_capture``.

Opened by double-clicking (or pressing Enter on) a capture in the side panel. The capture's picture
is not shown here (the pair describe what they saw), only on "View full size…". The dialog itself,
and what choosing "child sexual abuse images" does, is :mod:`ui.note_and_concern`'s.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QWidget

from evidence_app import Capture, Case
from ui.case_window.capture_view import capture_kind_words
from ui.case_window.stop import StopRequest
from ui.note_and_concern import NoteAndConcernDialog
from ui.texts import local_time


class AnnotateDialog(NoteAndConcernDialog):
    """:attr:`saved` after the journal has the new note and concern; :attr:`stop_requested` for the stop."""

    def __init__(self, case: Case, capture: Capture, parent: QWidget | None = None) -> None:
        address = QLabel(capture.url or "(no address)")
        address.setWordWrap(True)
        rows = [("Taken:", QLabel(f"{local_time(capture.captured_at)} · {capture_kind_words(capture.kind)}")),
                ("Address:", address)]
        super().__init__(capture.id, capture.note, capture.concern, rows,
                         placeholder="What it shows and why it matters", parent=parent)
        self.case = case
        self.capture = capture
        self.setWindowTitle(f"Describe screenshot {capture.id}")
        self.setAccessibleName("Describe a screenshot")
        self.view_button = self.buttons.addButton("&View full size…", QDialogButtonBox.ButtonRole.ActionRole)
        self.view_button.setAutoDefault(False)
        self.view_button.clicked.connect(lambda *_: self.view_full_size())

    def view_full_size(self) -> QWidget:
        """The capture at full size, in a window of its own (from memory)."""
        from ui.case_window.capture_view import CaptureView

        view = CaptureView(self.case, self.capture, self)
        view.show()
        return view

    def stop_request(self, note: str) -> StopRequest:
        return StopRequest(self.capture.url, "capture", (self.capture.id,), note)

    def write(self, note: str, concern: str) -> None:
        self.case.annotate_capture(self.capture.id, note=note, concern=concern)
