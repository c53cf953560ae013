"""The overlay for a region capture: drag a rectangle over the page, or use the keyboard; Esc cancels.

Without a mouse: a box is already drawn in the middle; the arrow keys move it,
Shift with the arrow keys changes its size, and Enter captures it.

It covers the web view while it is shown, dims the page, draws the rectangle
being dragged, and emits :attr:`RegionOverlay.selected` with that rectangle (in
the view's coordinates) or :attr:`RegionOverlay.cancelled`. It hides itself
before either, so it is never in the capture.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

MIN_SIDE = 4  # a click without a drag is not a region
STEP = 10     # pixels an arrow key moves or resizes the box
INSTRUCTIONS = ("Drag a rectangle around what to capture, or move the box with the arrow keys "
                "(Shift + arrows: its size) and press Enter. Esc cancels.")
MOVES = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}


def _span(a: QPoint, b: QPoint) -> QRect:
    """The rectangle with corners ``a`` and ``b``, both inside it, whichever way the drag went."""
    return QRect(QPoint(min(a.x(), b.x()), min(a.y(), b.y())), QPoint(max(a.x(), b.x()), max(a.y(), b.y())))


class RegionOverlay(QWidget):
    selected = Signal(QRect)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(INSTRUCTIONS)
        self.setAccessibleName("Region to capture")
        self._origin: QPoint | None = None
        self._rect = QRect()
        self.hide()

    def begin(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self._origin = None
        self._rect = QRect()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def active(self) -> bool:
        return self.isVisible()

    def _end(self) -> None:
        self.hide()

    def cancel(self) -> None:
        if self.isVisible():
            self._end()
            self.cancelled.emit()

    # ------------------------------------------------------------------ events

    def keyboard_box(self) -> QRect:
        """The box the keyboard moves: the one drawn, or one in the middle, half the page's size."""
        if not self._rect.isNull():
            return QRect(self._rect)
        whole = self.rect()
        return QRect(whole.width() // 4, whole.height() // 4, max(whole.width() // 2, MIN_SIDE),
                     max(whole.height() // 2, MIN_SIDE))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.cancel()
            return
        if key in MOVES:
            dx, dy = MOVES[Qt.Key(key)]
            box = self.keyboard_box()
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                box.setWidth(max(MIN_SIDE, box.width() + dx * STEP))
                box.setHeight(max(MIN_SIDE, box.height() + dy * STEP))
            else:
                box.translate(dx * STEP, dy * STEP)
            self._rect = box.intersected(self.rect())
            self.update()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            rect = self.keyboard_box().intersected(self.rect())
            self._origin = None
            self._end()
            self.selected.emit(rect)
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._origin = event.position().toPoint()
            self._rect = QRect(self._origin, self._origin)
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._origin is not None:
            self._rect = _span(self._origin, event.position().toPoint())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self._origin is None:
            return
        rect = _span(self._origin, event.position().toPoint()).intersected(self.rect())
        self._origin = None
        if rect.width() < MIN_SIDE or rect.height() < MIN_SIDE:
            self._rect = QRect()
            self.update()
            return
        self._end()
        self.selected.emit(rect)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        shade = QColor(0, 0, 0, 90)
        if self._rect.isNull():
            painter.fillRect(self.rect(), shade)
        else:
            whole = self.rect()
            r = self._rect
            painter.fillRect(QRect(whole.left(), whole.top(), whole.width(), r.top() - whole.top()), shade)
            painter.fillRect(QRect(whole.left(), r.bottom() + 1, whole.width(), whole.bottom() - r.bottom()), shade)
            painter.fillRect(QRect(whole.left(), r.top(), r.left() - whole.left(), r.height()), shade)
            painter.fillRect(QRect(r.right() + 1, r.top(), whole.right() - r.right(), r.height()), shade)
            painter.setPen(QPen(QColor("#ffcc00"), 2))
            painter.drawRect(r)
        # The instructions on a dark, opaque band: readable over any page.
        font = QFont(self.font())
        font.setPointSize(max(font.pointSize(), 12))
        font.setBold(True)
        painter.setFont(font)
        band = QRect(8, 8, max(self.width() - 16, 0), QFontMetrics(font).lineSpacing() * 2 + 16)
        painter.fillRect(band, QColor(20, 20, 20, 235))
        painter.setPen(QColor("white"))
        painter.drawText(band.adjusted(10, 6, -10, -6), int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                         INSTRUCTIONS)
        painter.end()
