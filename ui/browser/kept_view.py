"""A kept page shown again from the case's own bytes: read-only, offline, in memory.

:class:`KeptPageView` has two tabs: the page from its web archive (below), and the picture of the
whole page as the browser drew it when it was kept (read from the case, hash re-checked, only when
that tab is opened; with what it may lack, if pictures were still loading as it was drawn).

The MHTML comes through ``case.read_kept`` (hash re-checked; a quarantined page is refused there) and
is split into its parts in memory (:func:`evidence_app.web.mhtml.read_archive`). A page of its own,
in a fresh off-the-record profile, shows them:

- an empty document is opened at the kept page's address (``setHtml`` with it as the base), so
  that the page's own relative addresses mean what they meant;
- a script in the application's own world (the page's scripts are off) turns each picture, style
  sheet and frame of the archive into an in-memory ``blob:`` address, rewrites the saved document
  to use them (the browser saved every address in full), and writes it into the empty document;
- **every request that is not ``data:`` or ``blob:`` is blocked** (and listed in
  :attr:`KeptArchivePage.blocked`), so showing a kept page never reaches the internet or the
  school's network; nothing can be downloaded from it.

Why not simpler: Chromium opens an MHTML file only from the disk (measured: from a custom scheme or
with ``setContent`` the load fails), and writing it to disk would put a copy of its pictures there
in the clear; a custom scheme handler serving the parts works alone, but crashes PySide 6.12 as soon
as the application has a Python event filter (the idle lock's): Qt builds each request's job inside
an object still being constructed, and PySide's wrapper for it dereferences that half-built object.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from evidence_app import Case
from evidence_app.case.kept import MHTML, PNG
from evidence_app.web.mhtml import Archive, read_archive
from ui import engine_flags
from ui.screen_fit import fit_to_screen
from ui.texts import local_time

APPLICATION_WORLD = 1  # QWebEngineScript.ApplicationWorld: runs even with the page's JavaScript off
ALLOWED_SCHEMES = ("data:", "blob:", "about:")
EMPTY = "<!doctype html><meta charset='utf-8'>"
PAGE_TAB = "The page (web archive)"
PICTURE_TAB = "Picture of the whole page"

_WRITE_JS = r"""
(() => {
  const parts = %(parts)s;
  const main = %(main)s;
  const decode = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const text = (b64) => new TextDecoder('utf-8').decode(decode(b64));
  const byAddress = new Map();
  for (const part of parts) {
    if (part.location) byAddress.set(part.location, part);
    if (part.cid) byAddress.set('cid:' + part.cid, part);
  }
  const made = new Map();
  const blobOf = (part, making) => {  // the part's in-memory address, made once (what it names made first)
    if (made.has(part)) return made.get(part);
    if (making.has(part)) return '';  // a style sheet that imports itself
    making.add(part);
    let body;
    if (part.type === 'text/css') body = css(text(part.body), part.location, making);
    else if (part.type === 'text/html') body = html(text(part.body), making);
    else body = decode(part.body);
    const address = URL.createObjectURL(new Blob([body], {type: part.type}));
    made.set(part, address);
    return address;
  };
  const lookUp = (reference, base, making) => {
    let address;
    try { address = reference.startsWith('cid:') ? reference : new URL(reference, base).href; }
    catch (e) { return ''; }
    const part = byAddress.get(address);
    return part ? blobOf(part, making) : '';
  };
  // A style sheet keeps its own addresses as written (relative to itself): each is resolved, then swapped.
  const css = (source, base, making) => source
    .replace(/url\(\s*(['"]?)([^'")]*)\1\s*\)/g, (whole, quote, ref) => {
      const found = lookUp(ref.trim(), base, making); return found ? 'url("' + found + '")' : whole; })
    .replace(/@import\s+(['"])([^'"]+)\1/g, (whole, quote, ref) => {
      const found = lookUp(ref, base, making); return found ? '@import "' + found + '"' : whole; });
  // The browser saved a document's addresses in full: every one the archive holds is swapped, in one pass.
  const escapeHtml = (s) => s.split('&').join('&amp;');
  const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const spellings = new Map();
  for (const address of byAddress.keys()) { spellings.set(address, address); spellings.set(escapeHtml(address), address); }
  const names = [...spellings.keys()].sort((a, b) => b.length - a.length);
  const any = names.length ? new RegExp(names.map(escapeRe).join('|'), 'g') : null;
  const html = (source, making) => any ? source.replace(any, (found) => {
    const address = blobOf(byAddress.get(spellings.get(found)), making); return address || found; }) : source;
  const page = html(text(main), new Set());
  document.open();
  document.write(page);
  document.close();
  return 'shown';
})()
"""


class _OfflineOnly(QWebEngineUrlRequestInterceptor):
    """Only in-memory addresses load; every other request is blocked and listed."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 - Qt's name
        url = info.requestUrl().toString()
        if url.startswith(ALLOWED_SCHEMES):
            return
        self.blocked.append(url)
        info.block(True)


class KeptArchivePage(QObject):
    """An off-the-record profile and a page showing ``archive``; :meth:`close` deletes both (page first).

    :attr:`shown` is emitted once the kept document has been written into the page (``False`` if not).
    """

    shown = Signal(bool)

    def __init__(self, archive: Archive, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        engine_flags.ENGINE.started()  # the engine reads its flags with its first profile, whichever it is
        self.profile = QWebEngineProfile(None)  # off the record: nothing of it is kept on disk
        self.profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        self.profile.downloadRequested.connect(lambda download: download.cancel())
        self.guard = _OfflineOnly(self.profile)
        self.profile.setUrlRequestInterceptor(self.guard)
        settings = self.profile.settings()
        for attribute, on in ((QWebEngineSettings.WebAttribute.JavascriptEnabled, False),
                              (QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False),
                              (QWebEngineSettings.WebAttribute.PluginsEnabled, False),
                              (QWebEngineSettings.WebAttribute.PdfViewerEnabled, False),
                              (QWebEngineSettings.WebAttribute.NavigateOnDropEnabled, False)):
            settings.setAttribute(attribute, on)
        self.page = QWebEnginePage(self.profile, None)
        self._started = False

    @property
    def blocked(self) -> list[str]:
        return self.guard.blocked

    def load(self) -> None:
        """Open the empty document at the page's address, then write the kept one into it."""
        self.page.loadFinished.connect(self._on_empty)
        self.page.setHtml(EMPTY, QUrl(self.archive.url))

    def _on_empty(self, ok: bool) -> None:
        if self._started:
            return
        self._started = True
        if not ok:
            self.shown.emit(False)
            return
        main, *rest = self.archive.parts
        payload = [{"location": p.location, "cid": p.content_id, "type": p.media_type,
                    "body": base64.b64encode(p.body).decode("ascii")} for p in rest]
        script = _WRITE_JS % {"parts": json.dumps(payload), "main": json.dumps(base64.b64encode(main.body).decode())}
        self.page.runJavaScript(script, APPLICATION_WORLD, lambda result: self.shown.emit(result == "shown"))

    def close(self) -> None:
        if shiboken6.isValid(self.page):
            shiboken6.delete(self.page)
        if shiboken6.isValid(self.profile):
            shiboken6.delete(self.profile)


class KeptPageView(QDialog):
    """A kept page, as it was kept, from the case's bytes (the pair chose to look at it again): the page
    from its web archive and, in a second tab, the picture of the whole page."""

    def __init__(self, case: Case, page_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        kept = case.kept_page(page_id)
        self._case, self._id = case, kept.id
        self.archive_page = KeptArchivePage(read_archive(case.read_kept(page_id, MHTML)), self)
        self.setWindowTitle(f"Kept page {kept.id}, {local_time(kept.kept_at)}")
        self.setAccessibleName("Kept page")
        about = QLabel(f"{kept.url}\nAs kept by the browser on {local_time(kept.kept_at)}, read back from the case "
                       "(its hash checked). Shown offline: nothing here is fetched from the internet.")
        about.setWordWrap(True)
        self.view = QWebEngineView(self)
        self.view.setPage(self.archive_page.page)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.view, PAGE_TAB)
        self.picture: QLabel | None = None
        if kept.file(PNG) is not None:  # pages kept before the picture existed have none
            self.picture = QLabel()
            self.picture.setAccessibleName(f"Picture of the whole page {kept.id}")
            area = QScrollArea()
            area.setWidget(self.picture)
            area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 4, 0, 0)
            said = ("As the browser drew the whole page when it was kept, read back from the case (its hash "
                    "checked).")
            if kept.incomplete:
                said += f" {kept.incomplete}"
            self.picture_note = QLabel(said)
            self.picture_note.setWordWrap(True)
            if kept.incomplete:
                self.picture_note.setStyleSheet("color: #b3261e;")
            column.addWidget(self.picture_note)
            column.addWidget(area, 1)
            self.tabs.addTab(holder, PICTURE_TAB)
            self.tabs.currentChanged.connect(self._on_tab)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 1100, 800)
        self.archive_page.load()

    def _on_tab(self, index: int) -> None:
        """The picture is read from the case the first time its tab is opened (hash re-checked)."""
        if self.picture is None or index != 1 or not self.picture.pixmap().isNull():
            return
        image = QImage.fromData(self._case.read_kept(self._id, PNG), "PNG")
        self.picture.setPixmap(QPixmap.fromImage(image))
        self.picture.adjustSize()

    def done(self, result: Any) -> None:  # noqa: D401 - Qt's name
        self.view.setPage(None)  # type: ignore[arg-type]
        self.archive_page.close()
        super().done(result)
