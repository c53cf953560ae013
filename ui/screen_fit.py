"""Windows open at a size that fits the screen they open on (a 1366x768 laptop included).

A window asks for the size it would like; it gets at most the screen's
available area less a title bar, so its bottom row of buttons is never below
the screen's edge.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

TITLE_BAR = 40  # what a window manager adds above a window, and a little room


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width`` x ``height``, or less if its screen is smaller."""
    screen = window.screen()
    if screen is None:
        window.resize(width, height)
        return
    room = screen.availableGeometry()
    window.resize(min(width, room.width()), min(height, room.height() - TITLE_BAR))
