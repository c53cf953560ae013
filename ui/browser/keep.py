"""The page rendered by the browser itself, through the tab's DevTools channel: kept whole, or pictured in one pass.

- :class:`PageKeeper` ("Keep this page"): the page as MHTML (``Page.captureSnapshot``, made in
  memory by the browser and handed over as text) and as PDF (``QWebEnginePage.printToPdf`` with a
  callback: the bytes come to memory, never to a file). QtWebEngine's Chromium has no
  ``Page.printToPDF`` in its DevTools (measured: "'Page.printToPDF' wasn't found"), so the PDF
  comes from Qt's own printing.
- :class:`OnePassGrabber` ("Capture whole page"): ``Page.captureScreenshot`` with
  ``captureBeyondViewport`` and a clip of the page's full size (``Page.getLayoutMetrics``,
  ``cssContentSize``). Chromium lays the page out once at its full height and paints it in one
  image: a sticky or fixed bar is where the page has it, once; nothing is scrolled, so the pair's
  place on the page does not move; and the rows cannot be stitched wrong, as there are no joins.
  It is faster than scrolling and stitching on long pages (``bench/bench_whole_page.py``). Should
  the channel not answer, or the picture not be the page's size, the widget falls back to the
  scroll-and-stitch (:class:`~ui.browser.grab.FullPageGrabber`) and says so.

Both are taken only when a person presses the button or the shortcut (see :mod:`.widget`). The
bytes go straight to the case on the writer thread; neither class writes anything anywhere.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QMarginsF, QObject, QTimer, Signal
from PySide6.QtGui import QPageLayout, QPageSize

from ui.browser.devtools import DevToolsChannel, Reply
from ui.browser.late_pictures import LatePictures, Waited

KEEP_TIMEOUT_MS = 120_000       # a huge page may take a while to serialise and print
SHOT_TIMEOUT_MS = 60_000
PRINT_WAIT_MS = 30_000          # the most the stop or closing waits for a print under way to come back
MAX_ONE_PASS_HEIGHT_PX = 32_000  # CSS pixels; a longer page is pictured from the top down to here
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
APPLICATION_WORLD = 1  # QWebEngineScript.ApplicationWorld: the page's own scripts cannot see or change this
PICTURES_LATE = "Some pictures were still loading when the page was drawn."
_TO_TOP_JS = ("(() => { const at = [window.scrollX, window.scrollY];"
              " window.scrollTo({left: 0, top: 0, behavior: 'instant'}); return JSON.stringify(at); })()")
_BACK_JS = """(() => { let tries = 0; const back = () => {
  window.scrollTo({left: %(x)s, top: %(y)s, behavior: 'instant'});
  if (Math.abs(window.scrollY - %(y)s) > 1 && ++tries < 60) requestAnimationFrame(back); };
  requestAnimationFrame(back); return 1; })()"""
PDF_LAYOUT = QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                         QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter)


@dataclass(frozen=True)
class KeptFiles:
    """What "Keep this page" took: the browser's web archive and its print, as bytes in memory."""

    url: str
    title: str
    mhtml: bytes
    pdf: bytes


@dataclass(frozen=True)
class OnePassPicture:
    """The whole page as the browser painted it in one pass: PNG bytes and their size, and whether
    pictures were still loading when it was drawn (:attr:`still_loading`)."""

    png: bytes
    width: int
    height: int
    page_height_px: int
    truncated: bool
    still_loading: int = 0  # pictures (or fonts) still loading when the wait for them ran out
    waited_for: int = 0     # pictures (and fonts) the page was loading, waited for before drawing


class PageKeeper(QObject):
    """Asks the browser for the page as MHTML and as PDF; :attr:`finished` carries :class:`KeptFiles`."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, page: Any, channel: DevToolsChannel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._page = page
        self._channel = channel
        self._url = page.url().toString()
        self._title = page.title()
        self._mhtml: bytes | None = None
        self._pdf: bytes | None = None
        self._print_done: Any = None
        self._done = False
        self._printing = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self._fail("The browser took too long to save the page, so "
                                                       "nothing was kept. Try again."))

    def start(self) -> None:
        if not self._channel.is_ready:
            self._fail("The browser's recording channel is not ready yet, so the page cannot be kept. "
                       "Wait a moment and try again.")
            return
        self._timer.start(KEEP_TIMEOUT_MS)
        self._channel.send("Page.captureSnapshot", {"format": "mhtml"}, self._on_mhtml)
        self._printing = True
        self._page.printToPdf(self._on_pdf, PDF_LAYOUT)

    @property
    def page(self) -> Any:
        return self._page

    def wait_for_print(self, timeout_ms: int = PRINT_WAIT_MS) -> None:
        """Let a print under way come back (its result is dropped if aborted) before the page may be deleted.

        QtWebEngine crashes if the page (or its profile) is deleted while it prints to PDF: it hands
        the PDF to a page that is gone (measured: the stop pressed during "Keep page").
        """
        if not self._printing:
            return
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        self._print_done = loop.quit
        timer.start(timeout_ms)
        if self._printing:
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        self._print_done = None

    def abort(self) -> None:
        """The stop, or the browser closing: whatever arrives later is dropped."""
        self._done = True
        self._timer.stop()
        self._mhtml = self._pdf = None

    def _on_mhtml(self, reply: Reply) -> None:
        if self._done:
            return
        data = (reply.result or {}).get("data") if reply.ok else None
        if not isinstance(data, str) or not data:
            self._fail(f"The browser could not save the page as a web archive ({reply.error or 'no data'}), "
                       "so nothing was kept.")
            return
        self._mhtml = data.encode("utf-8")
        self._maybe_done()

    def _on_pdf(self, data: Any) -> None:
        self._printing = False
        if self._print_done is not None:
            self._print_done()
        if self._done:
            return
        pdf = bytes(data.data()) if hasattr(data, "data") else bytes(data or b"")
        if not pdf:
            self._fail("The browser could not print the page to PDF, so nothing was kept.")
            return
        self._pdf = pdf
        self._maybe_done()

    def _maybe_done(self) -> None:
        if self._mhtml is None or self._pdf is None:
            return
        self._done = True
        self._timer.stop()
        files = KeptFiles(self._url, self._title, self._mhtml, self._pdf)
        self._mhtml = self._pdf = None
        self.finished.emit(files)

    def _fail(self, sentence: str) -> None:
        if self._done:
            return
        self.abort()
        self.failed.emit(sentence)


class OnePassGrabber(QObject):
    """The whole page in one ``Page.captureScreenshot`` (``captureBeyondViewport``), once the pictures that
    its full height makes the page load have arrived.

    ``captureBeyondViewport`` alone lays the page out at its full height only for the instant of the
    drawing: measured, it starts no lazy picture's load at all, so pictures below the fold come out
    blank. So the page's viewport is first made as tall as the page (``Emulation.setDeviceMetricsOverride``,
    the height only), which brings every row into view as scrolling down would; the page loads what it
    loads when a row comes into view (its ``loading="lazy"`` pictures, its IntersectionObserver's);
    :class:`~ui.browser.late_pictures.LatePictures` waits for those, at most
    :data:`~ui.browser.late_pictures.WAIT_MS`; the page is drawn; the viewport is given back and the page
    put back where the pair had it. :attr:`OnePassPicture.still_loading` says how many had not arrived.
    """

    finished = Signal(object)  # OnePassPicture
    failed = Signal(str)       # why not: the widget then scrolls and stitches instead

    def __init__(self, page: Any, channel: DevToolsChannel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._page = page
        self._channel = channel
        self._done = False
        self._scrolled: list[float] | None = None
        self._page_height = 0
        self._tall = False  # the viewport is made as tall as the page: to be given back, whatever happens
        self._waited = Waited(0, 0, 0.0)
        self._page_changed = False
        self._late = LatePictures(channel, self)
        self._late.finished.connect(self._on_waited)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self._fail("the browser did not answer in time"))

    def start(self) -> None:
        if not self._channel.is_ready:
            self._fail("the browser's DevTools channel is not ready")
            return
        self._timer.start(SHOT_TIMEOUT_MS)
        self._page.loadStarted.connect(self._on_load_started)  # not a page's own pushState or #fragment
        # Drawn from the top: a sticky bar is drawn where the page's scroll puts it, so at the top it is
        # where a reader first sees it, over nothing. Put back right after.
        self._page.runJavaScript(_TO_TOP_JS, APPLICATION_WORLD, self._on_top)

    @property
    def page_changed(self) -> bool:
        """Another page started loading while this one was being drawn (the pair clicked a link, or the
        page went elsewhere on its own, during the wait): nothing of it may be stored under the first address."""
        return self._page_changed

    def _on_load_started(self) -> None:
        if not self._done:
            self._page_changed = True
            self._scrolled = None  # there is nothing to put back on another page
            self._fail("another page started loading while the page was being drawn")

    def _on_top(self, scrolled: Any) -> None:
        if self._done:
            return
        self._scrolled = _pair(scrolled)
        self._channel.send("Page.getLayoutMetrics", callback=self._on_first_metrics)

    def abort(self) -> None:
        self._done = True
        self._timer.stop()
        self._late.abort()
        self._give_back()

    def _give_back(self) -> None:
        """Give the page its own viewport back, then put it back where the pair had it.

        Right after the picture the page is still laid out at its full height (nothing to scroll), so
        the scroll waits for the next frame in the page (requestAnimationFrame), and is tried again
        until it holds.
        """
        if self._tall:
            self._tall = False
            self._channel.send("Emulation.clearDeviceMetricsOverride")
        scrolled, self._scrolled = self._scrolled, None
        if scrolled is not None and shiboken6.isValid(self._page):
            x, y = (float(v) for v in scrolled)
            self._page.runJavaScript(_BACK_JS % {"x": x, "y": y}, APPLICATION_WORLD)

    def _size(self, reply: Reply) -> tuple[int, int] | None:
        """The page's content size from ``Page.getLayoutMetrics``; None once it has failed, saying why."""
        size = _content_size(reply)
        if size is None:
            self._fail(f"the page's size was not given ({reply.error or 'no size'})")
        return size

    def _on_first_metrics(self, reply: Reply) -> None:
        if self._done:
            return
        size = self._size(reply)
        if size is None:
            return
        # The height only (0 keeps the width and the scale): every row of the page is in view at once.
        self._tall = True
        self._channel.send("Emulation.setDeviceMetricsOverride", {
            "width": 0, "height": min(size[1], MAX_ONE_PASS_HEIGHT_PX), "deviceScaleFactor": 0, "mobile": False},
            self._on_tall)

    def _on_tall(self, reply: Reply) -> None:
        if self._done:
            return
        if not reply.ok:
            self._tall = False
            self._fail(f"the page could not be laid out at its full height ({reply.error})")
            return
        self._late.start()

    def _on_waited(self, waited: Waited) -> None:
        if self._done:
            return
        self._waited = waited
        self._channel.send("Page.getLayoutMetrics", callback=self._on_metrics)  # what arrived may have grown it

    def _on_metrics(self, reply: Reply) -> None:
        if self._done:
            return
        size = self._size(reply)
        if size is None:
            return
        width, self._page_height = size
        height = min(self._page_height, MAX_ONE_PASS_HEIGHT_PX)
        self._expected = (width, height)
        self._channel.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True, "fromSurface": True, "optimizeForSpeed": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}, self._on_shot)

    def _on_shot(self, reply: Reply) -> None:
        if self._done:
            return
        data = (reply.result or {}).get("data") if reply.ok else None
        if not isinstance(data, str) or not data:
            self._fail(f"the browser gave no picture ({reply.error or 'no data'})")
            return
        try:
            png = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            self._fail("the browser's picture was not readable")
            return
        size = png_size(png)
        if size is None:
            self._fail("the browser's picture is not a PNG image")
            return
        ratio = size[0] / max(self._expected[0], 1)  # device pixels per CSS pixel (2 on a high-DPI screen)
        if ratio < 0.99 or abs(size[1] - self._expected[1] * ratio) > ratio + 1:
            self._fail(f"the picture is {size[0]}x{size[1]} pixels, not the page's "
                       f"{self._expected[0]}x{self._expected[1]}")
            return
        self._done = True
        self._timer.stop()
        self._give_back()
        self.finished.emit(OnePassPicture(png, size[0], size[1], self._page_height,
                                          self._page_height > self._expected[1],
                                          self._waited.still_loading, self._waited.waited_for))

    def _fail(self, why: str) -> None:
        if self._done:
            return
        self.abort()
        self.failed.emit(why)


def _content_size(reply: Reply) -> tuple[int, int] | None:
    """The page's full width and height in CSS pixels (``cssContentSize``), or None if not given."""
    size = (reply.result or {}).get("cssContentSize") if reply.ok else None
    if not isinstance(size, dict) or not size.get("width") or not size.get("height"):
        return None
    return int(size["width"]), int(size["height"])


def _pair(text: Any) -> list[float] | None:
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        return [float(v) for v in value]
    return None


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's header, or None if it does not start as a PNG."""
    if len(data) < 24 or data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
