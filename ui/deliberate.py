"""A button for an act that cannot be undone: a click or its Alt shortcut presses it, never typing.

Space and Enter are what a person presses while typing; a button that seals or
concludes a case must not be pressed by them, even when Tab has left the
keyboard on it. It is never a dialog's default button either.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPushButton, QWidget

TYPED_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Select)


class DeliberateButton(QPushButton):
    """A push button that a click or its Alt shortcut presses, never Space or Enter."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAutoDefault(False)
        self.setDefault(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in TYPED_KEYS:
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in TYPED_KEYS:
            event.accept()
            return
        super().keyReleaseEvent(event)
