"""Taking the pixels for the four kinds of capture, and turning them into PNG bytes.

- the visible area: ``QWebEngineView.grab()``;
- the whole page: scroll-and-stitch (:class:`FullPageGrabber`). Rendering the
  page at full height would mean resizing the view the pair are looking at and
  hits Chromium's texture limits on long pages, so instead the page is scrolled
  one screen at a time, each screen grabbed once Chromium has drawn it, and the
  screens stitched into one image. "Drawn" is known, not guessed: the page
  reports its new scroll position only when a compositor frame with it has
  arrived, and the view's Qt Quick delegate then renders it. That report and
  the drawing reach the UI thread separately, though: on a loaded machine a
  render that was already on its way (with the previous screen's pixels) can
  come first. So each screen is also checked against the one before it: after
  a scroll, a grab identical to the previous screen is that previous frame,
  not the new one (the scroll bar alone moves between any two screens), and
  the grabber waits for the next render instead of stitching it in;
- the whole screen: mss, which needs a real display (X11 here); without one the
  pair get a plain sentence, not a crash;
- a dragged region: a rectangle of the visible area (see :mod:`.region`).

Grabbing happens on the UI thread (Qt requires it); PNG encoding is done by
:func:`png_bytes`, which is safe to call on the writer thread.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QPoint, QRect, QTimer, Signal
from PySide6.QtGui import QImage, QPainter

# Imported before any view exists, so the view's delegate is wrapped as the QQuickWidget it is.
from PySide6.QtQuickWidgets import QQuickWidget
from PySide6.QtWebEngineWidgets import QWebEngineView

MAX_PAGE_HEIGHT_PX = 16_000  # device pixels; longer pages are captured from the top down to here
SCROLL_TIMEOUT_MS = 2_000
RENDER_TIMEOUT_MS = 250
FRESH_FRAME_DEADLINE_S = 3.0  # how long a screen may still show the previous one before it is believed


class CaptureUnavailable(Exception):
    """This kind of capture cannot be taken here; ``str()`` is a plain sentence."""


def png_bytes(image: QImage) -> bytes:
    """The image as PNG bytes (in memory only; nothing touches the disk)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise CaptureUnavailable("The screenshot could not be turned into a PNG image.")
    buffer.close()
    return bytes(data.data())


def grab_viewport(view: QWebEngineView, rect: QRect | None = None) -> QImage:
    """The visible area of the page (or ``rect`` of it), as the pair see it now."""
    pixmap = view.grab(rect) if rect is not None else view.grab()
    return pixmap.toImage()


def grab_screen() -> QImage:
    """The whole screen (every monitor) through mss; :class:`CaptureUnavailable` without a display."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise CaptureUnavailable("The whole screen cannot be captured: this session has no screen to "
                                 "capture. Use \u201cCapture visible area\u201d or \u201cCapture whole "
                                 "page\u201d instead.")
    import mss
    import mss.exception

    factory = getattr(mss, "MSS", None) or mss.mss  # mss 10.2 renamed the entry point
    try:
        with factory() as screen:
            shot = screen.grab(screen.monitors[0])
    except (mss.exception.ScreenShotError, OSError) as exc:
        raise CaptureUnavailable("The whole screen could not be captured on this computer "
                                 f"({exc}). Use \u201cCapture visible area\u201d instead.") from exc
    image = QImage(shot.bgra, shot.width, shot.height, shot.width * 4, QImage.Format.Format_RGB32)
    return image.copy()  # own the pixels: shot.bgra goes away with the mss object


def quick_window_of(view: QWebEngineView) -> QObject | None:
    """The Qt Quick window the view's Chromium content is drawn in (Qt 6 draws it through a QQuickWidget)."""
    proxy = view.focusProxy()
    if isinstance(proxy, QQuickWidget):
        return proxy.quickWindow()
    found = view.findChild(QQuickWidget)
    return found.quickWindow() if found is not None else None


@dataclass(frozen=True)
class FullPage:
    image: QImage
    page_height_px: int     # the page's full height, device pixels
    truncated: bool         # True when the page was longer than MAX_PAGE_HEIGHT_PX
    screens: int            # how many screens were stitched


_METRICS_JS = ("JSON.stringify([Math.max(document.documentElement.scrollHeight, "
               "document.body ? document.body.scrollHeight : 0), document.documentElement.clientHeight, "
               "window.scrollX, window.scrollY])")


# Bars that stay put while the page scrolls (position fixed or sticky) would be in every screen: over
# the text at each join. They are shown in the first screen only and hidden (visibility, so nothing
# moves) in the others; show_stuck_bars_js(True) puts them back as they were.
_STUCK_JS = """(function (show) {
  var key = '__evidenceStuckBars';
  if (!window[key]) {
    window[key] = [];
    var all = document.body ? document.body.getElementsByTagName('*') : [];
    for (var i = 0; i < all.length; i++) {
      var p = getComputedStyle(all[i]).position;
      if (p === 'fixed' || p === 'sticky') {
        window[key].push([all[i], all[i].style.getPropertyValue('visibility'),
                          all[i].style.getPropertyPriority('visibility')]);
      }
    }
  }
  window[key].forEach(function (b) {
    if (show) { b[1] ? b[0].style.setProperty('visibility', b[1], b[2]) : b[0].style.removeProperty('visibility'); }
    else { b[0].style.setProperty('visibility', 'hidden', 'important'); }
  });
  if (show) { delete window[key]; }
})"""


def show_stuck_bars_js(show: bool) -> str:
    return f"{_STUCK_JS}({'true' if show else 'false'});"


class FullPageGrabber(QObject):
    """Scrolls the view's page screen by screen, grabs each, stitches them; then scrolls back.

    Emits exactly one of :attr:`finished` (a :class:`FullPage`) or :attr:`failed` (a sentence).
    """

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, view: QWebEngineView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view = view
        self._page = view.page()
        self._quick = quick_window_of(view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self._waiting_for = ""
        self._done = False
        self._target = 0.0
        self._positions: list[int] = []
        self._canvas: QImage | None = None
        self._scale = 1.0
        self._page_height = 0
        self._client_height = 0
        self._origin = (0.0, 0.0)
        self._screens = 0
        self._last_y = -1
        self._tops: set[int] = set()  # where screens have been placed (device pixels)
        self._then: Callable[[], None] = lambda: None
        self._fail_on_timeout = True
        self._unstick = True  # hide fixed and sticky bars in every screen but the first
        self._position_goal = 0.0
        self._previous: QImage | None = None  # the last screen grabbed (or the view before the first scroll)
        self._previous_y = 0.0
        self._fresh_deadline = 0.0
        self.stale_grabs = 0  # screens that still showed the previous frame and were grabbed again

    def start(self) -> None:
        self._page.runJavaScript(_METRICS_JS, 0, self._on_metrics)

    def abort(self) -> None:
        """Stop at once, emitting nothing and running nothing more in the page (the stop)."""
        if self._done:
            return
        self._stop_waiting()
        self._done = True

    # ------------------------------------------------------------------ steps

    def _on_metrics(self, answer: object) -> None:
        if self._done:
            return
        try:
            metrics = json.loads(answer) if isinstance(answer, str) else None
        except ValueError:
            metrics = None
        if not isinstance(metrics, list) or len(metrics) != 4:
            self._fail("The page did not say how long it is, so the whole page could not be captured.")
            return
        height, client, sx, sy = (float(v) for v in metrics)
        self._origin = (sx, sy)
        self._previous, self._previous_y = grab_viewport(self._view), sy
        self._client_height = max(1, int(client))
        self._page_height = max(int(height), self._client_height)
        step = self._client_height
        self._positions = list(range(0, max(1, self._page_height - self._client_height + 1), step))
        last = self._page_height - self._client_height
        if last > 0 and self._positions[-1] != last:
            self._positions.append(last)
        if len(self._positions) > 1 and abs(self._positions[0] - sy) < 0.5:
            # Already at the first screen (usually the top): take the second one first, so that every
            # screen, the first included, is grabbed after a scroll and checked against the one before
            # (a page loaded just now may not have reached the view yet).
            self._positions[0], self._positions[1] = self._positions[1], self._positions[0]
        # The compositor may not have caught up with where the page is now (a scroll just before
        # the click): let it, so that every later position report answers one of our scrolls.
        self._await_position(sy, lambda: self._await_render(self._next), fail_on_timeout=False)

    def _next(self) -> None:
        if self._done:
            return
        if not self._positions:
            self._finish()
            return
        y = self._positions.pop(0)
        bars = _STUCK_JS + f"({'false' if y > 0 else 'true'}); " if self._unstick else ""
        self._page.runJavaScript(
            f"{bars}window.scrollTo({{left: {self._origin[0]}, top: {y}, behavior: 'instant'}}); window.scrollY",
            0, self._on_scrolled)

    def _on_scrolled(self, actual: object) -> None:
        if self._done:
            return
        self._target = float(actual) if isinstance(actual, (int, float)) else 0.0
        self._fresh_deadline = time.monotonic() + FRESH_FRAME_DEADLINE_S
        self._await_position(self._target, lambda: self._await_render(self._grab), fail_on_timeout=True)

    # ------------------------------------------------------------------ waiting for Chromium

    def _await_position(self, y: float, then: Callable[[], None], *, fail_on_timeout: bool) -> None:
        """Call ``then`` once the compositor reports scroll position ``y`` (the frame has arrived)."""
        if abs(self._page.scrollPosition().y() - y) < 0.5:
            then()
            return
        self._waiting_for = "scroll"
        self._then = then
        self._fail_on_timeout = fail_on_timeout
        self._position_goal = y
        self._page.scrollPositionChanged.connect(self._on_scroll_position)
        self._timer.start(SCROLL_TIMEOUT_MS)

    def _on_scroll_position(self, *_: object) -> None:
        if self._waiting_for == "scroll" and abs(self._page.scrollPosition().y() - self._position_goal) < 0.5:
            self._stop_waiting()
            self._then()

    def _await_render(self, then: Callable[[], None]) -> None:
        """The frame has reached Qt: call ``then`` once the view has drawn it (or nothing new is drawn)."""
        self._waiting_for = "render"
        self._then = then
        if self._quick is not None:
            self._quick.afterRendering.connect(self._on_rendered)  # type: ignore[attr-defined]
        self._timer.start(RENDER_TIMEOUT_MS)

    def _on_rendered(self) -> None:
        # afterRendering comes from the render thread when there is one: go back to ours.
        QTimer.singleShot(0, self, self._rendered)

    def _rendered(self) -> None:
        if self._waiting_for == "render" and not self._done:
            self._stop_waiting()
            self._then()

    def _on_timeout(self) -> None:
        waiting = self._waiting_for
        self._stop_waiting()
        if waiting == "scroll" and self._fail_on_timeout:
            self._fail("The page did not scroll, so the whole page could not be captured. "
                       "Try \u201cCapture visible area\u201d instead.")
        elif waiting:
            self._then()  # nothing new was drawn (or the page was already there): go on

    def _stop_waiting(self) -> None:
        if self._waiting_for == "scroll":
            self._page.scrollPositionChanged.disconnect(self._on_scroll_position)
        elif self._waiting_for == "render" and self._quick is not None:
            self._quick.afterRendering.disconnect(self._on_rendered)  # type: ignore[attr-defined]
        self._waiting_for = ""
        self._timer.stop()

    def _grab(self) -> None:
        if self._done:
            return
        shot = grab_viewport(self._view)
        moved = abs(self._target - self._previous_y) >= 0.5
        if moved and shot == self._previous and time.monotonic() < self._fresh_deadline:
            # Still the previous screen's frame: the new one has not been drawn yet. Wait for it.
            self.stale_grabs += 1
            self._await_render(self._grab)
            return
        self._previous, self._previous_y = shot, self._target
        self._place(shot, self._target)
        self._next()

    def _place(self, shot: QImage, css_y: float) -> None:
        if self._canvas is None:
            view_height = max(1, self._view.height())
            self._scale = shot.height() / view_height * self._page.zoomFactor()
            full = round(self._page_height * self._scale)
            height = min(full, MAX_PAGE_HEIGHT_PX)
            self._canvas = QImage(shot.width(), height, QImage.Format.Format_RGB32)
            self._canvas.fill(0xFFFFFFFF)
        top = round(css_y * self._scale)
        if top in self._tops:
            self._positions.clear()  # the page would not scroll further (it scrolls inside a box)
            return
        rows = min(round(self._client_height * self._scale), shot.height(), self._canvas.height() - top)
        if rows > 0:
            painter = QPainter(self._canvas)
            painter.drawImage(QPoint(0, top), shot, QRect(0, 0, shot.width(), rows))
            painter.end()
            self._screens += 1
        self._tops.add(top)
        self._last_y = max(self._last_y, top)
        if top + rows >= self._canvas.height() and 0 in self._tops:
            self._positions.clear()

    def _finish(self) -> None:
        canvas = self._canvas
        self._restore()
        if canvas is None:
            self._fail("Nothing could be grabbed from the page.")
            return
        self._done = True
        full = round(self._page_height * self._scale)
        bottom = min(canvas.height(), self._last_y + round(self._client_height * self._scale))
        image = canvas if bottom >= canvas.height() else canvas.copy(0, 0, canvas.width(), max(1, bottom))
        self.finished.emit(FullPage(image=image, page_height_px=full,
                                    truncated=full > image.height(), screens=self._screens))

    def _restore(self) -> None:
        sx, sy = self._origin
        bars = show_stuck_bars_js(True) if self._unstick else ""
        self._page.runJavaScript(f"{bars}window.scrollTo({{left: {sx}, top: {sy}, behavior: 'instant'}})")

    def _fail(self, message: str) -> None:
        if self._done:
            return
        self._stop_waiting()
        self._restore()
        self._done = True
        self.failed.emit(message)
