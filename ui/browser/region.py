"""The overlay for a dragged-region capture: drag a rectangle over the page; Esc cancels.

It covers the web view while it is shown, dims the page, draws the rectangle
being dragged, and emits :attr:`RegionOverlay.selected` with that rectangle (in
the view's coordinates) or :attr:`RegionOverlay.cancelled`. It hides itself
before either, so it is never in the capture.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

MIN_SIDE = 4  # a click without a drag is not a region


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
        self.setToolTip("Drag a rectangle around what to capture. Esc cancels.")
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

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
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
            painter.setPen(QColor("white"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "Drag a rectangle around what to capture. Press Esc to cancel.")
        else:
            whole = self.rect()
            r = self._rect
            painter.fillRect(QRect(whole.left(), whole.top(), whole.width(), r.top() - whole.top()), shade)
            painter.fillRect(QRect(whole.left(), r.bottom() + 1, whole.width(), whole.bottom() - r.bottom()), shade)
            painter.fillRect(QRect(whole.left(), r.top(), r.left() - whole.left(), r.height()), shade)
            painter.fillRect(QRect(r.right() + 1, r.top(), whole.right() - r.right(), r.height()), shade)
            painter.setPen(QPen(QColor("#ffcc00"), 2))
            painter.drawRect(r)
        painter.end()
