"""The dragged-region overlay: a drag selects, a click does not, Esc cancels."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget

from ui.browser.region import RegionOverlay


def _overlay(qtbot) -> tuple[QWidget, RegionOverlay]:
    host = QWidget()
    host.resize(400, 300)
    qtbot.addWidget(host)
    host.show()
    overlay = RegionOverlay(host)
    overlay.begin()
    return host, overlay


def test_drag_selects_a_rectangle_and_hides_the_overlay(qtbot) -> None:
    _, overlay = _overlay(qtbot)
    assert overlay.active and overlay.geometry() == QRect(0, 0, 400, 300)
    qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(150, 120))
    qtbot.mouseMove(overlay, QPoint(90, 60))
    with qtbot.waitSignal(overlay.selected, timeout=1000) as blocker:
        qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=QPoint(40, 20))
    assert blocker.args[0] == QRect(QPoint(40, 20), QPoint(150, 120))
    assert not overlay.active


def test_a_click_is_not_a_region(qtbot) -> None:
    _, overlay = _overlay(qtbot)
    with qtbot.assertNotEmitted(overlay.selected):
        qtbot.mouseClick(overlay, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert overlay.active


def test_escape_cancels(qtbot) -> None:
    _, overlay = _overlay(qtbot)
    with qtbot.waitSignal(overlay.cancelled, timeout=1000):
        qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    assert not overlay.active


def test_the_keyboard_alone_moves_sizes_and_takes_the_box(qtbot) -> None:
    _, overlay = _overlay(qtbot)
    start = overlay.keyboard_box()
    assert start == QRect(100, 75, 200, 150)  # in the middle, half the page
    qtbot.keyClick(overlay, Qt.Key.Key_Right)
    qtbot.keyClick(overlay, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    with qtbot.waitSignal(overlay.selected, timeout=1000) as blocker:
        qtbot.keyClick(overlay, Qt.Key.Key_Return)
    assert blocker.args[0] == QRect(110, 75, 200, 160)
    assert not overlay.active
