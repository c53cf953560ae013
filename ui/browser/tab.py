"""One browser tab: a web view showing a :class:`RecordedPage`, its interceptor, recorders and region overlay.

Two recorders: :class:`VisitRecorder` (visits, resource counts, the DOM as text) and
:class:`ResponseRecorder` (every response from the browser's own connection, through an
in-process DevTools channel).

Ownership is arranged so the page always dies before the profile: the page
is a child of the tab (and the interceptor a child of the page), while the
profile belongs to the :class:`~ui.browser.widget.RecordedBrowser`, which
deletes every tab before it deletes the profile.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from evidence_app import Case
from ui.browser import fetch_guard
from ui.browser.fetch_guard import FetchGuard
from ui.browser.interceptor import RequestInterceptor
from ui.browser.page import RecordedPage
from ui.browser.recorder import VisitRecorder
from ui.browser.region import RegionOverlay
from ui.browser.responses import ResponseRecorder
from ui.browser.writer import CaseWriter


class BrowserTab(QWidget):
    def __init__(self, page: RecordedPage, case: Case, writer: CaseWriter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        page.setParent(self)
        self.page = page
        self.http_fallback = ""  # set while a typed address without a scheme is tried with https first
        self.interceptor = RequestInterceptor(page, page.guard)
        page.setUrlRequestInterceptor(self.interceptor)
        self.view = QWebEngineView(page, self)
        self.recorder = VisitRecorder(page, self.interceptor.counter, case, writer, self)
        self.responses = ResponseRecorder(
            page, lambda record: writer.submit(lambda: case.record_responses(record), what="the page's responses"),
            self, record_unplayable=lambda url, sha256, size, kind, page_url: writer.submit(
                lambda: case.record_unplayable(url, sha256=sha256, size=size, media_type=kind, page_url=page_url),
                what="the video that cannot play"), also_events=fetch_guard.EVENTS)
        # After the recorder: its set-up and Fetch.enable go out in one turn, before the first navigation.
        self.fetch_guard = FetchGuard(self.responses.channel, page.guard, self) if page.guard is not None else None
        self._waiting_url: QUrl | None = None
        self.responses.ready.connect(self._on_recording)
        if page.opened_by_page:  # the page's opener navigates it at once: hold that until the recorder listens
            page.recording_ready = lambda: self.responses.is_ready
        self.overlay = RegionOverlay(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def open(self, url: QUrl) -> None:
        """Go to ``url`` as soon as every response can be recorded (at once, after the first fraction of a second)."""
        if self.responses.is_ready:
            self.page.load(url)
        else:
            self._waiting_url = url

    def _on_recording(self) -> None:
        self.page.release_held()
        waiting, self._waiting_url = self._waiting_url, None
        if waiting is not None:
            self.page.load(waiting)

    def url(self) -> str:
        return self.page.url().toString()

    def close_tab(self, *, now: bool = False) -> None:
        """Journal what is still to be journaled, then delete the page (``now``: at once, not later).

        ``now`` is for shutting down, outside any of the page's own signals: the profile
        is deleted right after, and a page must never outlive its profile.
        """
        if not shiboken6.isValid(self):
            return
        self.recorder.finish()
        self.responses.finish()
        self.overlay.hide()
        page = self.page
        if now:
            if shiboken6.isValid(page):
                shiboken6.delete(page)
            shiboken6.delete(self)
        else:
            self.deleteLater()  # the page is our child and goes with us
