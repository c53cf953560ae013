"""The policy's concerns in a drop-down that typing can never turn into the stop.

The "child sexual abuse images" concern seals a case for good, so it is only
ever chosen on purpose: with the mouse, or by opening the list (F4, Alt+Down,
Space) and picking it with the arrow keys and Enter. While the list is closed
the stop concern is disabled, so the arrow keys and the mouse wheel step over
it; letters typed into a closed list do nothing at all (no search by first
letter: a note typed into the wrong box must not change the concern); and the
open list's search by typing steps over it too. Whoever uses the box still
asks for one confirmation when the stop concern is chosen.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeyEvent, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QListView, QWidget

from evidence_app.policy.concerns import Concern, ConcernTable

NO_CONCERN = ""
HEADINGS = (("illegal", "Illegal"), ("unacceptable", "Unacceptable"),
            ("acceptable", "Acceptable at times / for some users"))


class _SearchSafeView(QListView):
    """The open list: searching by typed letters never lands on a guarded row."""

    def __init__(self, guarded: set[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._guarded = guarded

    def keyboardSearch(self, search: str) -> None:  # noqa: N802 - Qt's name
        before = self.currentIndex()
        super().keyboardSearch(search)
        if self.currentIndex().row() in self._guarded:
            self.setCurrentIndex(before if before.isValid() else QModelIndex())


class ConcernBox(QComboBox):
    """A combo box of the policy's concerns; the stop concern is reachable only on purpose."""

    def __init__(self, concerns: ConcernTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.guarded: set[int] = set()
        self.setView(_SearchSafeView(self.guarded, self))
        self.addItem("Concern: not chosen yet", NO_CONCERN)
        for level, heading in HEADINGS:
            for concern in concerns:
                if concern.level == level:
                    self.addItem(f"{heading}: {concern.label}", concern.id)
                    self.setItemData(self.count() - 1, _tooltip(concern), Qt.ItemDataRole.ToolTipRole)
                    if concern.stop:
                        self.guarded.add(self.count() - 1)
        # As wide as ~18 characters, not as the longest concern: the toolbar must fit a 1366-pixel screen.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)
        self.view().setMinimumWidth(self.view().sizeHintForColumn(0) + 24)
        self._guard(True)

    def _guard(self, on: bool) -> None:
        model = self.model()
        if isinstance(model, QStandardItemModel):
            for row in self.guarded:
                item = model.item(row)
                if item is not None:
                    item.setEnabled(not on)

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        self._guard(False)  # in the open list the stop concern can be picked, deliberately
        super().showPopup()

    def hidePopup(self) -> None:  # noqa: N802 - Qt's name
        super().hidePopup()
        self._guard(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        text = event.text()
        plain = not (event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                          | Qt.KeyboardModifier.MetaModifier))
        if plain and text and text.isprintable() and text != " ":
            event.ignore()  # no search by first letter: typing never changes the concern
            return
        super().keyPressEvent(event)


def concern_box(concerns: ConcernTable, parent: QWidget | None = None) -> ConcernBox:
    """The policy's concerns, illegal first, "not chosen yet" on top; narrow, the full text in each tooltip."""
    return ConcernBox(concerns, parent)


def _tooltip(concern: Concern) -> str:
    parts = [concern.description, f"Policy: {concern.column}."]
    if concern.law:
        parts.append(f"Contrary to the {concern.law}.")
    return " ".join(p for p in parts if p)
