"""A kept page shown again from the case's own bytes: read-only, offline, in memory.

The MHTML comes through ``case.read_kept`` (hash re-checked; a quarantined page is refused there) and
is split into its parts in memory (:func:`evidence_app.web.mhtml.read_archive`). A page of its own,
in a fresh off-the-record profile, shows them:

- the document is served from the ``evidence-kept:`` scheme by a handler that answers from memory;
- every request the document makes is intercepted: one for a part of the archive (by the address it
  was saved from) is redirected to that part; **anything else is blocked**, so showing a kept page
  never reaches the internet or the school's network;
- JavaScript is off (the browser's web archive holds no scripts anyway), and nothing can be
  downloaded or opened from it.

Chromium refuses to open an MHTML file from anywhere but the disk (measured: from a custom scheme or
with ``setContent`` the load fails); writing it to disk would put a copy of its pictures there in the
clear, so the parts are served one by one instead.

The scheme is not registered before the application starts (``QWebEngineUrlScheme``): registered as
a local scheme, Chromium refuses the redirects to it from the page's own addresses. Qt prints a
warning once when the handler is installed; it works as described.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QUrl
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlSchemeHandler,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from evidence_app import Case
from evidence_app.case.kept import MHTML
from evidence_app.web.mhtml import Archive, read_archive
from ui import engine_flags
from ui.screen_fit import fit_to_screen
from ui.texts import local_time

SCHEME = b"evidence-kept"
PREFIX = SCHEME.decode() + ":/part/"


def part_url(number: int) -> QUrl:
    return QUrl(f"{PREFIX}{number}")


class _Parts(QWebEngineUrlSchemeHandler):
    """Answers ``evidence-kept:/part/N`` with part N of the archive, from memory."""

    def __init__(self, archive: Archive, parent: QObject) -> None:
        super().__init__(parent)
        self._archive = archive

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 - Qt's name
        text = job.requestUrl().toString()
        number = text[len(PREFIX):] if text.startswith(PREFIX) else ""
        if not number.isdigit() or int(number) >= len(self._archive.parts):
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        part = self._archive.parts[int(number)]
        body = part.body
        if int(number) == 0:
            # The document's own relative addresses resolve against where it was saved from; the
            # interceptor then turns each into its part (or blocks it).
            body = f"<base href=\"{_attribute(self._archive.url)}\">".encode() + body
        buffer = QBuffer(job)
        buffer.setData(QByteArray(body))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(QByteArray(part.media_type.encode("ascii", "replace")), buffer)


class _OfflineOnly(QWebEngineUrlRequestInterceptor):
    """Every request goes to a part of the archive, or nowhere."""

    def __init__(self, archive: Archive, parent: QObject) -> None:
        super().__init__(parent)
        self._archive = archive
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 - Qt's name
        url = info.requestUrl().toString()
        if url.startswith(PREFIX):
            return
        number = self._archive.index_of(url)
        if number is None:
            self.blocked.append(url)
            info.block(True)
            return
        info.redirect(part_url(number))


class KeptArchivePage(QObject):
    """An off-the-record profile and a page showing ``archive``; :meth:`close` deletes both (page first)."""

    def __init__(self, archive: Archive, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        engine_flags.ENGINE.started()  # the engine reads its flags with its first profile, whichever it is
        self.profile = QWebEngineProfile(None)  # off the record: nothing of it is kept on disk
        self.profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        self.profile.downloadRequested.connect(lambda download: download.cancel())
        self._handler = _Parts(archive, self.profile)
        self.guard = _OfflineOnly(archive, self.profile)
        self.profile.installUrlSchemeHandler(SCHEME, self._handler)
        self.profile.setUrlRequestInterceptor(self.guard)
        settings = self.profile.settings()
        for attribute, on in ((QWebEngineSettings.WebAttribute.JavascriptEnabled, False),
                              (QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False),
                              (QWebEngineSettings.WebAttribute.PluginsEnabled, False),
                              (QWebEngineSettings.WebAttribute.PdfViewerEnabled, False),
                              (QWebEngineSettings.WebAttribute.NavigateOnDropEnabled, False)):
            settings.setAttribute(attribute, on)
        self.page = QWebEnginePage(self.profile, None)

    def load(self) -> None:
        self.page.load(part_url(0))

    def close(self) -> None:
        if shiboken6.isValid(self.page):
            shiboken6.delete(self.page)
        if shiboken6.isValid(self.profile):
            shiboken6.delete(self.profile)


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


class KeptPageView(QDialog):
    """A kept page, as it was kept, from the case's bytes (the pair chose to look at it again)."""

    def __init__(self, case: Case, page_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        kept = case.kept_page(page_id)
        self.shown = KeptArchivePage(read_archive(case.read_kept(page_id, MHTML)), self)
        self.setWindowTitle(f"Kept page {kept.id}, {local_time(kept.kept_at)}")
        self.setAccessibleName("Kept page")
        about = QLabel(f"{kept.url}\nAs kept by the browser on {local_time(kept.kept_at)}, read back from the case "
                       "(its hash checked). Shown offline: nothing here is fetched from the internet.")
        about.setWordWrap(True)
        self.view = QWebEngineView(self)
        self.view.setPage(self.shown.page)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 1100, 800)
        self.shown.load()

    def done(self, result: Any) -> None:  # noqa: D401 - Qt's name
        self.view.setPage(None)  # type: ignore[arg-type]
        self.shown.close()
        super().done(result)
