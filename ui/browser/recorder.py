"""The recorder: turns what a tab does into journal events, without making anyone wait.

For one tab it journals, in order:

- each main-frame navigation the page accepted (typed, clicked, back/forward,
  reload, the first page of a new tab) and each server redirect hop, with its
  cause, when it is decided, before any of it is fetched;
- each in-page address change that did not go through a navigation
  (``history.pushState``, fragments), with the page's title, as it happens;
- each page's sub-resource requests, summarised (when the page has loaded,
  and again for any that came later, when the page is left or the tab closes);
- each loaded page's DOM as a page snapshot (text only, never an image),
  fetched with the asynchronous ``toHtml``.

All writes go through the shared :class:`~ui.browser.writer.CaseWriter`, so the
journal keeps the order above and the UI thread never waits for a disk.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, QUrl

from evidence_app import Case
from ui.browser.page import RecordedPage
from ui.browser.schemes import BLANK, page_allowed
from ui.browser.summary import ResourceCounter
from ui.browser.writer import CaseWriter

IN_PAGE_SNAPSHOT_DELAY_MS = 500  # let a single-page app draw its new "page" before the snapshot


class VisitRecorder(QObject):
    """Journals one tab's visits, resource summaries and page snapshots."""

    def __init__(self, page: RecordedPage, counter: ResourceCounter, case: Case, writer: CaseWriter,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._page = page
        self._counter = counter
        self._case = case
        self._writer = writer
        self._current = ""          # the address last journaled or committed for this tab
        self._chain: set[str] = set()  # addresses journaled by the navigation under way
        self._page_url = ""         # the page the counted sub-resources belong to
        self._snapshot_timer = QTimer(self)
        self._snapshot_timer.setSingleShot(True)
        self._snapshot_timer.timeout.connect(self._snapshot)
        page.navigation_accepted.connect(self._on_navigation)
        page.urlChanged.connect(self._on_url_changed)
        page.loadFinished.connect(self._on_load_finished)

    # ------------------------------------------------------------------ events from the page

    def _on_navigation(self, url: str, cause: str) -> None:
        if cause != "redirect":
            self._summarise()  # what the page being left fetched since it loaded
            self._chain.clear()
        self._chain.add(url)
        self._visit(url, "", cause)

    def _on_url_changed(self, qurl: QUrl) -> None:
        url = qurl.toString()
        if url == self._current or url in BLANK or not page_allowed(url):
            return
        if url in self._chain:
            self._current = url  # the navigation we journaled has committed
            self._page_url = url
            return
        # An address change with no navigation behind it: pushState, replaceState, a fragment.
        self._visit(url, self._page.title(), "in-page")
        self._snapshot_timer.start(IN_PAGE_SNAPSHOT_DELAY_MS)

    def _on_load_finished(self, ok: bool) -> None:
        self._chain.clear()
        url = self._page.url().toString()
        if not page_allowed(url) or url in BLANK:
            return
        self._current = self._current or url
        self._page_url = url
        self._summarise()
        self._snapshot()

    # ------------------------------------------------------------------ writing

    def _visit(self, url: str, title: str, cause: str) -> None:
        self._current = url
        case = self._case
        self._writer.submit(lambda: case.record_visit(url, title, cause=cause), what="the visit")

    def _summarise(self) -> None:
        summary = self._counter.take()
        page_url = self._page_url or self._current
        if summary is None or not page_url:
            return
        case = self._case
        self._writer.submit(lambda: case.record_resources(page_url, summary), what="the page's resources")

    def _snapshot(self) -> None:
        url = self._page.url().toString()
        if not page_allowed(url) or url in BLANK:
            return
        page = self._page
        case = self._case
        writer = self._writer

        def got_html(html: str) -> None:
            # Journal only if the page still shows that address: otherwise the HTML is the next page's.
            try:
                if not isinstance(html, str) or page.url().toString() != url:
                    return
                title = page.title()
            except RuntimeError:  # the tab was closed meanwhile
                return
            writer.submit(lambda: case.add_page_snapshot(html, url=url, title=title), what="the page snapshot")

        page.toHtml(got_html)

    def finish(self) -> None:
        """The tab is closing: journal what its page fetched since it loaded."""
        self._snapshot_timer.stop()
        self._summarise()
