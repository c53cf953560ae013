"""Describe an item without viewing it: its note and the policy's concern, through ``case.describe_item``.

As for captures (:mod:`ui.note_and_concern`), choosing "child sexual abuse images" saves nothing here:
it closes the dialog and emits :attr:`DescribeItemDialog.stop_requested` naming the item, so the case
window confirms the stop, seals the case and withholds the item (with whatever was attached inside it).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from evidence_app import Case
from evidence_app.items.records import Item
from ui.case_window.stop import StopRequest
from ui.items.texts import kind_words, size_words
from ui.note_and_concern import NoteAndConcernDialog


class DescribeItemDialog(NoteAndConcernDialog):
    def __init__(self, case: Case, item: Item, parent: QWidget | None = None) -> None:
        rows = [("File:", QLabel(f"{item.name} · {kind_words(item)} · {size_words(item.size)}"))]
        super().__init__(item.id, item.note, item.concern, rows,
                         placeholder="What it shows and why it matters (you do not need to view it)", parent=parent)
        self.case = case
        self.item = item
        self.setWindowTitle(f"Describe {item.id}: {item.name}")
        self.setAccessibleName("Describe a file")

    def stop_request(self, note: str) -> StopRequest:
        return StopRequest("", "concern", (self.item.id,), note)

    def write(self, note: str, concern: str) -> None:
        self.case.describe_item(self.item.id, note=note, concern=concern)
