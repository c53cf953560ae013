"""The recorded browser widget the case window embeds: tabs, address bar, captures.

:class:`RecordedBrowser` is built with an open :class:`~evidence_app.Case`.
Everything browsed in it is journaled (see :mod:`.recorder`); everything it
refuses is journaled as a refusal; every capture is taken only when a person
presses a capture button or shortcut, stored through ``case.add_capture`` on
the writer thread, and then announced with :attr:`RecordedBrowser.captured`.
"Keep page" is taken the same way (the whole page drawn as for "Whole page", then MHTML and PDF
from the browser, :mod:`.keep`), stored through ``case.keep_page`` and announced with
:attr:`RecordedBrowser.kept`. The whole page is drawn by the browser in one pass (after waiting, a
bounded time, for the pictures its full height makes the page load); scroll-and-stitch is its
fallback. When pictures were still loading as it was drawn, that is said to the pair and journaled
with the picture (``incomplete``).

Before the case is locked or closed, call :meth:`RecordedBrowser.flush` (so
queued journal writes land) or :meth:`RecordedBrowser.shutdown` (which also
deletes every page and then the profile: the order QtWebEngine needs).

The stop (suspected child sexual abuse imagery) starts here in three ways:
the big red button (:attr:`RecordedBrowser.stop_requested`, which the case
window confirms), choosing that concern in the capture form (the same signal),
and an address on the school's blocklist, refused before it is requested
(:attr:`RecordedBrowser.blocked`, no confirmation). :meth:`RecordedBrowser.halt`
is the browser's part of the stop: nothing more is fetched, shown or captured,
and the browser is shut down. A sealed case never gets a browser at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QRect, Qt, QUrl, Signal, qVersion
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWebEngineCore import QWebEngineLoadingInfo, qWebEngineChromiumVersion
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

import evidence_app
from evidence_app import Blocklist, Capture, Case, CaseSealed, KeptPage, Status
from evidence_app.policy.concerns import ConcernTable, load_concerns
from evidence_app.web.provenance import collect
from ui.browser.capture_form import CaptureForm
from ui.browser.grab import CaptureUnavailable, FullPage, FullPageGrabber, grab_screen, grab_viewport, png_bytes
from ui.browser.guard import Blocked, RequestGuard
from ui.browser.keep import PICTURES_LATE, KeptFiles, OnePassGrabber, OnePassPicture, PageKeeper
from ui.browser.page import RecordedPage, Refusal
from ui.browser.profile import DownloadGuard, RefusedDownload, make_profile
from ui.browser.schemes import address_from_typed, page_allowed, refusal_message, scheme_of
from ui.browser.tab import BrowserTab
from ui.browser.writer import CaseWriter

KIND_WORDS = {"viewport": "visible area", "page": "whole page", "screen": "whole screen", "region": "region"}
KEEP_TEXT = "Keep page"
KEEP_KEYS = "Ctrl+Shift+5"
ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1b5e20;"
PAGE_CHANGED = ("Another page started loading while the whole page was being taken, so nothing was captured. "
                "Wait for the page you want, then capture it again.")
PAGE_CHANGED_KEEP = ("Another page started loading while the page was being drawn, so nothing was kept. "
                     "Wait for the page you want, then keep it again.")
NO_PICTURE = "The picture of the whole page could not be drawn ({why}), so it was kept without it."
MAX_ADDRESS_CHARS = 2_000_000  # Chromium's own limit on a URL
STOP_TEXT = "Stop: suspected child abuse imagery"
STOP_KEYS = "Ctrl+Shift+X"  # the case window's shortcut for the stop (no clash: see docs/shortcuts in README)
STOP_STYLE = ("QPushButton { background: #b3261e; color: white; font-weight: bold; font-size: 10pt;"
              " border: 2px solid #7f1d17; border-radius: 5px; padding: 2px 12px; }"
              "QPushButton:hover { background: #c62828; } QPushButton:pressed { background: #8e1c15; }"
              "QPushButton:disabled { background: #d9a09b; border-color: #c98f8a; }")
HALTED = "The investigation was stopped: nothing more is browsed or captured in this case."
COVERED = "The page is hidden."


@dataclass(frozen=True)
class Drawn:
    """The whole page as drawn for a capture or a kept page: the picture (the browser's own PNG bytes,
    or the stitched image), what the pair must know about it, and whether pictures were still loading."""

    picture: QImage | bytes
    notes: tuple[str, ...]
    late: bool

    @property
    def incomplete(self) -> str:
        """What is journaled with the picture: what it may lack, or nothing."""
        return PICTURES_LATE if self.late else ""


@dataclass(frozen=True)
class CaptureTiming:
    """How long the last capture took: from the click to the pixels, and to its being stored and shown."""

    kind: str
    grabbed_s: float   # click to pixels in hand
    durable_s: float   # click to add_capture returned (PNG encoded, hashed, encrypted, fsynced)
    shown_s: float     # click to the captured signal, on the UI thread


def size_words(size: int) -> str:
    """``2.4 MB``, ``310 KB``: a file's size as the pair read it."""
    return f"{size / 1e6:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} KB"


def http_fallback_for(typed: str, url: str) -> str:
    """The http address to try when ``url`` (https, added to what was typed without a scheme) fails."""
    text = typed.strip()
    if url.startswith("https://") and not text.lower().startswith("https://") and url.endswith(text):
        return "http://" + url[len("https://"):]
    return ""


class RecordedBrowser(QWidget):
    """The case's browser. Signals carry evidence records and plain sentences, never pixels."""

    captured = Signal(object)        # evidence_app.Capture, once it is durable
    kept = Signal(object)            # evidence_app.case.kept.KeptPage, once both its files are durable
    capture_failed = Signal(str)     # why a capture was not taken or not stored
    refused = Signal(object)         # Refusal: a download, permission, scheme ... (journaled)
    stop_requested = Signal(str)     # the stop button, or the "child sexual abuse images" concern (the page's URL)
    blocked = Signal(object)         # Blocked: a listed address was refused before it was requested
    message = Signal(str)            # anything the pair should read

    def __init__(self, case: Case, parent: QWidget | None = None, *,
                 concerns: ConcernTable | None = None, home: str = "",
                 blocklist: Blocklist | None = None, time_server: str = "") -> None:
        if case.status is Status.SEALED:
            raise CaseSealed("This case is sealed: it can never be browsed again. Follow the referral steps.")
        super().__init__(parent)
        self._case = case
        self._closed = False
        self._halted = threading.Event()  # set by the stop; read by queued captures on the writer thread
        self.guard = RequestGuard(blocklist, self)
        # Queued: the stop tears pages down, never inside the page's own interceptor or navigation call.
        self.guard.tripped.connect(self._on_blocked, Qt.ConnectionType.QueuedConnection)
        self._grabber: FullPageGrabber | OnePassGrabber | None = None
        self._drawing: BrowserTab | None = None  # the tab whose whole page is being drawn
        self._keeper: PageKeeper | None = None
        self.whole_page_method = ""  # how the last whole page was taken: "one pass" or "scrolled and stitched"
        self.last_timing: CaptureTiming | None = None
        self._writer = CaseWriter(self)
        self._writer.failed.connect(self._on_write_failed)
        # The profile is not our Qt child: children are deleted in creation order, and it must
        # go after every page. shutdown(), or destroyed as a last resort, deletes it.
        self._profile = make_profile(None)
        profile = self._profile
        self.destroyed.connect(lambda *_: shiboken6.isValid(profile) and shiboken6.delete(profile))
        self._downloads = DownloadGuard(self._profile, self)
        self._downloads.refused.connect(self._on_download_refused)
        self.form = CaptureForm(concerns or load_concerns(), self)
        self.form.stop_requested.connect(self._on_stop_concern)
        self._build(home)
        self.new_tab(home)
        self._journal_provenance(time_server)

    def _journal_provenance(self, time_server: str) -> None:
        """Where this browser runs (versions, system, time zone, clock offset), journaled as it starts."""
        if self._may_record() is not None:
            return
        details = {"app_version": evidence_app.__version__, "qt_version": qVersion(),
                   "chromium_version": qWebEngineChromiumVersion(), "user_agent": self._profile.httpUserAgent()}
        case = self._case
        self._writer.submit(lambda: case.record_provenance(collect(**details, time_server=time_server).to_json()),
                            what="the browser's details")

    # ------------------------------------------------------------------ layout

    def _build(self, home: str) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.setMovable(True)
        self.tabs.tabCloseRequested.connect(self._close_tab_at)
        self.tabs.currentChanged.connect(self._on_current_tab)
        plus = QToolButton(self)
        plus.setText("+")
        plus.setToolTip("New tab")
        plus.clicked.connect(lambda: self.new_tab(home))
        self.tabs.setCornerWidget(plus, Qt.Corner.TopRightCorner)

        self.back_button = self._button("◀", "Back (Alt+Left)", lambda: self._trigger("back"))
        self.forward_button = self._button("▶", "Forward (Alt+Right)", lambda: self._trigger("forward"))
        self.reload_button = self._button("⟳", "Reload (F5)", lambda: self._trigger("reload"))
        self.stop_button = self._button("✕", "Stop loading", lambda: self._trigger("stop"))
        self.address = QLineEdit(self)
        self.address.setMaxLength(MAX_ADDRESS_CHARS)
        self.address.setPlaceholderText("Type the address of the site to review, e.g. https://example.org")
        self.address.setClearButtonEnabled(True)
        self.address.setAccessibleName("Address")
        self.address.returnPressed.connect(lambda: self.load(self.address.text()))
        go = self._button("Go", "Open this address", lambda: self.load(self.address.text()))
        for button, name in ((self.back_button, "Back"), (self.forward_button, "Forward"),
                             (self.reload_button, "Reload"), (self.stop_button, "Stop loading"), (go, "Go")):
            button.setAccessibleName(name)
        nav = QHBoxLayout()
        nav.setContentsMargins(0, 0, 0, 0)
        for widget in (self.back_button, self.forward_button, self.reload_button, self.stop_button):
            widget.setFixedWidth(36)
            nav.addWidget(widget)
        nav.addWidget(self.address, 1)
        nav.addWidget(go)

        # Short labels (the full words and the shortcut are in each tooltip) so that the browser and the
        # side panel fit a 1366-pixel screen.
        self.capture_buttons = {
            "viewport": self._button("Visible area", "Capture the visible area (Ctrl+Shift+1)",
                                     self.capture_viewport),
            "page": self._button("Whole page", "Capture the whole page, drawn by the browser in one piece "
                                 "(Ctrl+Shift+2)", self.capture_page),
            "screen": self._button("Screen", "Capture the whole screen (Ctrl+Shift+3)", self.capture_screen),
            "region": self._button("Region…", "Capture a region (Ctrl+Shift+4): drag a rectangle; Esc cancels",
                                   self.capture_region),
        }
        self.keep_button = self._button(KEEP_TEXT, f"Keep this page whole ({KEEP_KEYS}): as a web archive (MHTML, "
                                        "with its pictures), as a PDF and as one picture of the whole page, all "
                                        "encrypted in the case, with the note and concern", self.keep_page)
        self.keep_button.setAccessibleName("Keep this page")
        captures = QHBoxLayout()
        captures.setContentsMargins(0, 0, 0, 0)
        captures.addWidget(self.form, 1)
        captures.addWidget(QLabel("Capture:", self))
        for button in self.capture_buttons.values():
            captures.addWidget(button)
        captures.addWidget(self.keep_button)

        # The stop: big, red, beside both rows of the toolbar, so it is never scrolled or squeezed away.
        self.stop_all_button = QPushButton("■ STOP\nsuspected child\nabuse imagery", self)
        self.stop_all_button.setObjectName("stop-csam")
        self.stop_all_button.setAccessibleName(STOP_TEXT)
        self.stop_all_button.setToolTip(f"{STOP_TEXT} ({STOP_KEYS}). The page is hidden at once; after you "
                                        "confirm, the investigation halts, the case is sealed and you are told "
                                        "what to do next.")
        self.stop_all_button.setStyleSheet(STOP_STYLE)
        self.stop_all_button.setAutoDefault(False)
        self.stop_all_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.stop_all_button.clicked.connect(self._on_stop_button)

        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setText("Recording: every page opened here is written to the case's journal.")
        self.cover_label = QLabel(COVERED, self)
        self.cover_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cover_label.setStyleSheet("background: #3c3f44; color: #e8e8e8; font-size: 14pt;")
        self.cover_label.setAccessibleName("Page hidden")
        self.cover_label.hide()

        toolbar = QGridLayout()
        toolbar.setContentsMargins(0, 0, 0, 0)
        toolbar.setHorizontalSpacing(8)
        toolbar.setVerticalSpacing(4)
        toolbar.addLayout(nav, 0, 0)
        toolbar.addLayout(captures, 1, 0)
        toolbar.addWidget(self.stop_all_button, 0, 1, 2, 1)
        toolbar.setColumnStretch(0, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(toolbar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.cover_label, 1)
        layout.addWidget(self.status)
        self._shortcuts()
        # Tab goes as the toolbar reads: navigation, the address, the next capture's note and concern, the
        # capture buttons, the stop, then the page (the form was made before the toolbar, so say it).
        chain = [self.back_button, self.forward_button, self.reload_button, self.stop_button, self.address, go,
                 self.form.note_edit, self.form.concern_box, *self.capture_buttons.values(), self.keep_button,
                 self.stop_all_button, self.tabs]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def _button(self, text: str, tip: str, slot) -> QPushButton:  # type: ignore[no-untyped-def]
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(lambda *_: slot())
        return button

    def _shortcuts(self) -> None:
        self._actions: list[QAction] = []
        for keys, slot in (
                ("Ctrl+Shift+1", self.capture_viewport), ("Ctrl+Shift+2", self.capture_page),
                ("Ctrl+Shift+3", self.capture_screen), ("Ctrl+Shift+4", self.capture_region),
                (KEEP_KEYS, self.keep_page),
                # Not Ctrl+L nor Ctrl+T: the case window uses them (lock, timeline).
                ("Alt+D", self.focus_address), ("F6", self.focus_address),
                ("Alt+Left", lambda: self._trigger("back")), ("Alt+Right", lambda: self._trigger("forward")),
                ("F5", lambda: self._trigger("reload"))):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda *_, s=slot: s())
            self.addAction(action)
            self._actions.append(action)

    # ------------------------------------------------------------------ tabs

    def new_tab(self, url: str = "", page: RecordedPage | None = None) -> BrowserTab:
        page = page or RecordedPage(self._profile, self._may_record, guard=self.guard)
        tab = BrowserTab(page, self._case, self._writer, self.tabs)
        tab.responses.unplayable.connect(lambda url, sentence: self._say(sentence, error=True))
        tab.responses.failed.connect(lambda sentence: self._say(sentence, error=True))
        page.refused.connect(self._on_refused)
        page.new_tab_requested.connect(lambda new_page: self.new_tab(page=new_page))
        page.windowCloseRequested.connect(lambda t=tab: self._close_tab(t))
        page.titleChanged.connect(lambda title, t=tab: self._set_tab_title(t, title))
        page.urlChanged.connect(lambda qurl, t=tab: self._on_url_changed(t, qurl))
        page.loadStarted.connect(self._update_navigation)
        page.loadFinished.connect(lambda *_: self._update_navigation())
        page.loadingChanged.connect(lambda info, t=tab: self._on_loading(t, info))
        tab.overlay.selected.connect(self._on_region_selected)
        tab.overlay.cancelled.connect(lambda: self._say("Region capture cancelled."))
        index = self.tabs.addTab(tab, "New tab")
        self.tabs.setCurrentIndex(index)
        if url:
            self._open(tab, url)
        return tab

    def tab_list(self) -> list[BrowserTab]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]  # type: ignore[misc]

    def current_tab(self) -> BrowserTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, BrowserTab) else None

    def current_url(self) -> str:
        tab = self.current_tab()
        return tab.url() if tab is not None else ""

    def focus_address(self) -> None:
        """The keyboard to the address bar, its text selected (Ctrl+L, Alt+D, F6)."""
        self.address.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.address.selectAll()

    def close_current_tab(self) -> None:
        """Ctrl+W: close the current tab (a blank one replaces the last)."""
        tab = self.current_tab()
        if tab is not None:
            self._close_tab(tab)

    def open_urls(self) -> list[str]:
        """The address of every open tab, in order (blank tabs left out), to bring back after an unlock."""
        return [url for url in (tab.url() for tab in self.tab_list()) if url and url != "about:blank"]

    def restore(self, urls: list[str]) -> None:
        """Open ``urls`` again, one tab each (the first in the current, blank tab); each visit is journaled."""
        for number, url in enumerate(urls):
            current = self.current_tab()
            if number == 0 and current is not None and current.url() in ("", "about:blank"):
                self._open(current, url)
            else:
                self.new_tab(url)
        if urls:
            self.tabs.setCurrentIndex(0)

    def _close_tab_at(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if isinstance(widget, BrowserTab):
            self._close_tab(widget)

    def _close_tab(self, tab: BrowserTab) -> None:
        if not shiboken6.isValid(tab):
            return
        self._drop_keeper(tab.page)
        self._drop_drawing(tab)
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.removeTab(index)
        tab.close_tab()
        if self.tabs.count() == 0 and not self._closed:
            self.new_tab()

    def _set_tab_title(self, tab: BrowserTab, title: str) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            short = title if len(title) <= 30 else title[:29] + "…"
            self.tabs.setTabText(index, short or "Untitled")
            self.tabs.setTabToolTip(index, title)

    def _on_url_changed(self, tab: BrowserTab, qurl: QUrl) -> None:
        if tab is self.current_tab():
            self.address.setText(qurl.toString())
            self.address.setCursorPosition(0)

    def _on_current_tab(self, _index: int) -> None:
        tab = self.current_tab()
        if tab is not None:
            self.address.setText(tab.url() if tab.url() != "about:blank" else "")
        self._update_navigation()

    def _update_navigation(self) -> None:
        tab = self.current_tab()
        history = tab.page.history() if tab is not None else None
        self.back_button.setEnabled(bool(history and history.canGoBack()))
        self.forward_button.setEnabled(bool(history and history.canGoForward()))

    def _trigger(self, what: str) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        action = {"back": RecordedPage.WebAction.Back, "forward": RecordedPage.WebAction.Forward,
                  "reload": RecordedPage.WebAction.Reload, "stop": RecordedPage.WebAction.Stop}[what]
        tab.page.triggerAction(action)

    # ------------------------------------------------------------------ navigating

    def load(self, text: str) -> None:
        """Open what was typed in the current tab (a bare host gets https://)."""
        tab = self.current_tab() or self.new_tab()
        self._open(tab, text)

    def _open(self, tab: BrowserTab, text: str) -> None:
        url = address_from_typed(text)
        if not url:
            return
        if not scheme_of(url):
            self._say("That is not a web address. Type an address that starts with http:// or https://.",
                      error=True)
            return
        if not page_allowed(url):
            # Refused here, before QtWebEngine sees it (some local schemes never reach the page's check).
            self._on_refused(Refusal("scheme", url, "typed in the address bar", refusal_message(url)))
            return
        # An address typed without a scheme is tried with https, then with http if that fails (as browsers do).
        tab.http_fallback = http_fallback_for(text, url)
        # The page decides (and journals) each navigation: see RecordedPage.acceptNavigationRequest.
        tab.open(QUrl(url))

    def _on_loading(self, tab: BrowserTab, info: QWebEngineLoadingInfo) -> None:
        """A page that failed to load is journaled as unreachable (it is no site visited); https falls back."""
        if info.status() != QWebEngineLoadingInfo.LoadStatus.LoadFailedStatus or self._closed:
            return
        url = info.url().toString()
        if not page_allowed(url):
            return
        if info.errorDomain() == QWebEngineLoadingInfo.ErrorDomain.CertificateErrorDomain:
            tab.http_fallback = ""  # never retried without encryption: the page refused it and said why
            return
        case, why = self._case, info.errorString() or "the page did not load"
        if self._may_record() is None:
            self._writer.submit(lambda: case.record_refusal("unreachable", url, why), what="the failed page")
        fallback, tab.http_fallback = tab.http_fallback, ""
        if fallback and url.startswith("https://") and fallback == "http://" + url[len("https://"):]:
            self._say(f"{url} could not be opened securely ({why}); trying {fallback} instead.")
            tab.page.load(QUrl(fallback))
            return
        self._say(f"The page {url} could not be opened: {why}", error=True)

    def _may_record(self) -> str | None:
        """``None`` if visits can be journaled now, else why not (so nothing is browsed unrecorded)."""
        case = self._case
        if self._closed:
            return "The browser has been closed."
        if case.locked:
            return "The case is locked. Both investigators must unlock it before browsing on."
        if case.read_only:
            return ("This case is open read-only on this computer (it is not the case's designated "
                    "computer), so nothing can be browsed or recorded here.")
        if case.status is not Status.OPEN:
            return "This case takes no new evidence, so the browser cannot be used."
        return None

    # ------------------------------------------------------------------ refusals and errors

    def _on_refused(self, refusal: Refusal) -> None:
        if refusal.what != "unrecorded":
            case = self._case
            self._writer.submit(lambda: case.record_refusal(refusal.what, refusal.url, refusal.detail),
                                what="the refusal")
        self._say(refusal.message, error=True)
        self.refused.emit(refusal)

    def _on_download_refused(self, download: RefusedDownload) -> None:
        size = f"{download.size} bytes" if download.size is not None else "unknown"
        detail = f"file name: {download.file_name}; size: {size}"
        self._on_refused(Refusal("download", download.url, detail,
                                 f"The page offered a file to download ({download.file_name}). Downloads are "
                                 "never saved on the investigation computer; the attempt has been recorded."))

    def _on_write_failed(self, text: str) -> None:
        self._say(text, error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.status.setText(text)
        self.message.emit(text)

    # ------------------------------------------------------------------ captures

    def _capture_refused(self) -> str | None:
        if self._halted.is_set():
            return HALTED
        if self.form.blocks_capture:
            return ("No capture is ever taken of suspected child abuse imagery. Follow the stop: "
                    "report to the police immediately.")
        blocked = self._may_record()
        if blocked is not None:
            return blocked
        if self._grabber is not None:
            return "A whole-page capture is still being taken. Wait for it to finish."
        if self._keeper is not None:
            return "The page is still being kept. Wait for it to finish."
        return None

    def _tab_to_capture(self) -> BrowserTab | None:
        """The current tab if a capture may be taken now; otherwise say why and return None."""
        tab = self.current_tab()
        why = self._capture_refused() or (None if tab is not None else "There is no page to capture.")
        if why is not None:
            self._refuse_capture(why)
            return None
        return tab

    def _refuse_capture(self, why: str) -> None:
        self._say(why, error=True)
        self.capture_failed.emit(why)

    def capture_viewport(self) -> None:
        """Capture what is visible of the current page (only ever called by a person's click or key)."""
        started = time.perf_counter()
        tab = self._tab_to_capture()
        if tab is None:
            return
        self._store(grab_viewport(tab.view), "viewport", tab.url(), started)

    def capture_page(self) -> None:
        """Capture the whole of the current page: drawn by the browser in one pass, else scrolled and stitched."""
        started = time.perf_counter()
        tab = self._tab_to_capture()
        if tab is None:
            return
        url = tab.url()
        self._say("Taking the whole page…")

        def drawn(result: Drawn) -> None:
            notice = " ".join(result.notes)
            if notice:
                self._say(notice, error=result.late)
            self._store(result.picture, "page", url, started, notice=notice, incomplete=result.incomplete)

        def failed(why: str, page_changed: bool) -> None:
            self._refuse_capture(PAGE_CHANGED if page_changed else why)

        self._draw_whole_page(tab, drawn, failed)

    def _draw_whole_page(self, tab: BrowserTab, done: Callable[[Drawn], None],
                         failed: Callable[[str, bool], None]) -> None:
        """Draw the whole page of ``tab``: in one pass (the browser waits for the late pictures), else
        scrolled and stitched. Then exactly one of ``done(Drawn)`` or ``failed(sentence, page_changed)``,
        unless the stop or the tab's closing abandoned it (then neither: nothing is stored)."""
        grabber = OnePassGrabber(tab.page, tab.responses.channel, self)
        self._grabber, self._drawing = grabber, tab
        self._set_capturing(True)

        def finished(result: OnePassPicture) -> None:
            self._end_full_page(grabber)
            self.whole_page_method = "one pass"
            notes = []
            if result.truncated:
                notes.append(f"The page is very long: the first {result.height:,} pixels of "
                             f"{result.page_height_px:,} were captured.")
            if result.still_loading:
                notes.append(PICTURES_LATE)
            done(Drawn(result.png, tuple(notes), bool(result.still_loading)))

        def one_pass_failed(why: str) -> None:
            self._end_full_page(grabber)
            if grabber.page_changed:
                failed(PAGE_CHANGED, True)
            elif self._capture_refused() is None and shiboken6.isValid(tab):
                self._stitch_page(tab, why, done, failed)

        grabber.finished.connect(finished)
        grabber.failed.connect(one_pass_failed)
        grabber.start()

    def _stitch_page(self, tab: BrowserTab, why: str, done: Callable[[Drawn], None],
                     failed: Callable[[str, bool], None]) -> None:
        """The fallback for the whole page: scroll screen by screen and stitch (the browser could not draw it whole)."""
        grabber = FullPageGrabber(tab.view, self)
        self._grabber, self._drawing = grabber, tab
        self._set_capturing(True)
        self._say(f"The browser could not draw the whole page in one piece ({why}); scrolling through it instead…")
        # Another page loading meanwhile (a click, a redirect of the page's own): what was scrolled
        # through is then partly another page's, and must not be stored under the first address.
        changed: list[bool] = []
        watching = tab.page.loadStarted.connect(lambda: changed.append(True))  # not pushState or #fragment

        def ended() -> bool:
            self._end_full_page(grabber)
            tab.page.loadStarted.disconnect(watching)
            if changed:
                failed(PAGE_CHANGED, True)
            return not changed

        def finished(result: FullPage) -> None:
            if not ended():
                return
            self.whole_page_method = "scrolled and stitched"
            notes = []
            if result.truncated:
                notes.append(f"The page is very long: the first {result.image.height():,} pixels of "
                             f"{result.page_height_px:,} were captured.")
            done(Drawn(result.image, tuple(notes), False))

        def stitch_failed(text: str) -> None:
            if ended():
                failed(text, False)

        grabber.finished.connect(finished)
        grabber.failed.connect(stitch_failed)
        grabber.start()

    def _end_full_page(self, grabber: FullPageGrabber | OnePassGrabber) -> None:
        self._grabber = self._drawing = None
        self._set_capturing(False)
        grabber.deleteLater()

    def _drop_drawing(self, tab: BrowserTab) -> None:
        """The tab is closing while its whole page is being drawn: abandon it (nothing is stored)."""
        grabber = self._grabber
        if grabber is None or self._drawing is not tab:
            return
        grabber.abort()
        self._end_full_page(grabber)
        self._say("The tab was closed before its whole page was drawn: nothing was stored.", error=True)

    def _set_capturing(self, busy: bool) -> None:
        for button in (*self.capture_buttons.values(), self.keep_button):
            button.setEnabled(not busy)

    # ------------------------------------------------------------------ keep this page

    def keep_page(self) -> None:
        """Keep the current page whole (only ever called by a person's click or key): first its picture,
        drawn as "Whole page" draws it (so the pictures it makes the page load are in the web archive
        too), then the page as MHTML and PDF; all three stored together."""
        tab = self._tab_to_capture()
        if tab is None:
            return
        if not tab.url() or tab.url() == "about:blank":
            self._refuse_capture("There is no page to keep.")
            return
        note, concern = self.form.note(), self.form.concern_id()
        self._say("Keeping the page: drawing it whole…")

        def drawn(result: Drawn) -> None:
            self._keep_files(tab, note, concern, result, "")

        def not_drawn(why: str, page_changed: bool) -> None:
            if page_changed:
                self._refuse_capture(PAGE_CHANGED_KEEP)
            elif self._capture_refused() is None and shiboken6.isValid(tab):
                self._keep_files(tab, note, concern, None, why)  # kept as before it had a picture, and said

        self._draw_whole_page(tab, drawn, not_drawn)

    def _keep_files(self, tab: BrowserTab, note: str, concern: str, drawn: Drawn | None, why: str) -> None:
        """The second step of keeping a page: its MHTML and PDF from the browser, then all stored."""
        keeper = PageKeeper(tab.page, tab.responses.channel, self)
        self._keeper = keeper
        self._set_capturing(True)
        self._say("Keeping the page as a web archive and a PDF…")

        def done(files: KeptFiles) -> None:
            self._end_keep(keeper)
            self._store_kept(files, note, concern, drawn, why)

        def failed(text: str) -> None:
            keeper.wait_for_print()  # the page must outlive a print under way, whatever else failed
            self._end_keep(keeper)
            self._refuse_capture(text)

        keeper.finished.connect(done)
        keeper.failed.connect(failed)
        keeper.start()

    def _drop_keeper(self, page: RecordedPage | None = None) -> None:
        """Abandon a page being kept (of ``page``, or of any): nothing of it is stored; a print under way
        comes back first, as the page must outlive it."""
        keeper = self._keeper
        if keeper is None or (page is not None and keeper.page is not page):
            return
        self._keeper = None
        keeper.abort()
        keeper.wait_for_print()
        keeper.deleteLater()
        if not self._closed:
            self._set_capturing(False)

    def _end_keep(self, keeper: PageKeeper) -> None:
        self._keeper = None
        self._set_capturing(False)
        keeper.deleteLater()

    def _store_kept(self, files: KeptFiles, note: str, concern: str, drawn: Drawn | None, why: str) -> None:
        """Store the files on the writer thread (hashed, encrypted, journaled); announce once durable."""
        case, halted = self._case, self._halted
        picture = drawn.picture if drawn is not None else None
        incomplete = drawn.incomplete if drawn is not None else ""
        notes = [*(drawn.notes if drawn is not None else ()), *([NO_PICTURE.format(why=why)] if why else [])]

        def work() -> KeptPage:
            if halted.is_set():  # the stop came while this page was on its way: it is never stored
                raise CaseSealed("The page was not kept: the investigation was stopped before it was saved.")
            png = picture if picture is None or isinstance(picture, bytes) else png_bytes(picture)
            return case.keep_page(mhtml=files.mhtml, pdf=files.pdf, png=png, url=files.url, title=files.title,
                                  note=note, concern=concern, incomplete=incomplete)

        def stored(kept: KeptPage) -> None:
            self.form.clear_note()
            sizes = ", ".join(f"{fmt.upper()} {size_words(size)}" for fmt, _sha, size in kept.files)
            what = "a web archive, a PDF and a picture of the whole page" if kept.file("png") else \
                "a web archive and a PDF"
            saved = f"Kept {kept.id}: this page as {what} ({sizes}) · SHA-256 {kept.sha256[:16]}…"
            self._say(" ".join([f"{saved}.", *notes]) if notes else saved, error=bool(incomplete or why))
            self.kept.emit(kept)

        if not self._writer.submit(work, stored, what="the kept page"):
            self._refuse_capture("The browser has been closed; the page was not kept.")

    def capture_screen(self) -> None:
        """Capture the whole screen (every monitor) through mss."""
        started = time.perf_counter()
        why = self._capture_refused()
        if why is not None:
            self._refuse_capture(why)
            return
        try:
            image = grab_screen()
        except CaptureUnavailable as exc:
            self._refuse_capture(str(exc))
            return
        self._store(image, "screen", self.current_url(), started)

    def capture_region(self) -> None:
        """Show the overlay: the pair drag a rectangle (Esc cancels); the capture follows on release."""
        tab = self._tab_to_capture()
        if tab is None:
            return
        self._say("Drag a rectangle around what to capture. Press Esc to cancel.")
        tab.overlay.begin()

    def _on_region_selected(self, rect: QRect) -> None:
        started = time.perf_counter()
        tab = self._tab_to_capture()
        if tab is None:
            return
        self._store(grab_viewport(tab.view, rect), "region", tab.url(), started)

    def _store(self, image: QImage | bytes, kind: str, url: str, started: float, *, notice: str = "",
               incomplete: str = "") -> None:
        """Encode and store on the writer thread; announce on the UI thread once durable (with ``notice``,
        what the pair must know about this picture, after the sentence that says it was saved).
        ``incomplete`` is journaled with the capture: what the picture may lack."""
        grabbed = time.perf_counter() - started
        note, concern = self.form.note(), self.form.concern_id()
        case = self._case

        durable: list[float] = []

        halted = self._halted

        def work() -> Capture:
            if halted.is_set():  # the stop came while this capture was queued: it is never stored
                raise CaseSealed("The capture was not kept: the investigation was stopped before it was saved.")
            png = image if isinstance(image, bytes) else png_bytes(image)  # bytes: the browser's own PNG
            capture = case.add_capture(png, kind=kind, url=url, note=note, concern=concern, incomplete=incomplete)
            durable.append(time.perf_counter() - started)
            return capture

        def stored(capture: Capture) -> None:
            self.last_timing = CaptureTiming(kind, grabbed, durable[0], time.perf_counter() - started)
            self.form.clear_note()
            saved = (f"Saved {capture.id} ({KIND_WORDS[kind]}) · SHA-256 {capture.sha256[:16]}… · "
                     "double-click it in the side panel to change its note or concern")
            self._say(f"{saved}. {notice}" if notice else saved, error=bool(notice))
            self.captured.emit(capture)

        if not self._writer.submit(work, stored, what="the capture"):
            self._refuse_capture("The browser has been closed; the capture was not taken.")

    # ------------------------------------------------------------------ the stop

    def _on_stop_button(self) -> None:
        self.cover(True)  # hide the page at once, before anyone confirms anything
        self.stop_requested.emit(self.current_url())

    def _on_stop_concern(self) -> None:
        self.cover(True)
        self.stop_requested.emit(self.current_url())

    def _on_blocked(self, blocked: Blocked) -> None:
        if self._closed:
            return
        self.cover(True)
        self.blocked.emit(blocked)

    def cover(self, covered: bool) -> None:
        """Hide the pages (``True``) behind a grey panel, or show them again."""
        if self._closed and not covered:
            return
        self.tabs.setVisible(not covered)
        self.cover_label.setVisible(covered)
        if covered:
            for tab in self.tab_list():
                tab.overlay.hide()

    def cancel_stop(self) -> None:
        """The pair did not confirm the stop: show the page again and unchoose that concern."""
        if self._closed:
            return
        if self.form.blocks_capture:
            self.form.set_concern("")
        self.cover(False)

    @property
    def halted(self) -> bool:
        return self._halted.is_set()

    def halt(self) -> None:
        """The browser's part of the stop, at once and in this order.

        Every request is refused from now on; every page is stopped and hidden; every capture path
        (buttons, shortcuts, the region overlay, a whole-page capture under way, captures still queued)
        is disabled; then the browser shuts down: queued journal writes land, every page is deleted,
        then the profile. The case window seals the case right after.
        """
        if self._halted.is_set():
            return
        self.guard.halt()
        self._halted.set()
        self.cover(True)
        for tab in self.tab_list():
            tab.overlay.hide()
            tab.page.triggerAction(RecordedPage.WebAction.Stop)
        if self._grabber is not None:
            self._grabber.abort()
        if self._keeper is not None:
            self._keeper.abort()
        for button in (*self.capture_buttons.values(), self.keep_button):
            button.setEnabled(False)
        for action in self._actions:
            action.setEnabled(False)
        self.form.setEnabled(False)
        self.stop_all_button.setEnabled(False)
        self.address.setEnabled(False)
        self.shutdown()
        self._say(HALTED, error=True)

    # ------------------------------------------------------------------ closing

    def flush(self, timeout: float = 10.0) -> bool:
        """Block until every queued journal write is durable (call before locking the case)."""
        return self._writer.flush(timeout)

    def shutdown(self) -> None:
        """Finish journaling, delete every page, then the profile. The browser cannot be used after."""
        if self._closed:
            return
        self._closed = True
        if self._grabber is not None:
            self._grabber.deleteLater()
            self._grabber = None
        self._drop_keeper()
        for tab in self.tab_list():
            self.tabs.removeTab(self.tabs.indexOf(tab))
            tab.close_tab(now=True)
        self._writer.close()
        if shiboken6.isValid(self._profile):
            shiboken6.delete(self._profile)
        self.setEnabled(False)
        self._say("The browser is closed.")

    @property
    def closed(self) -> bool:
        return self._closed
