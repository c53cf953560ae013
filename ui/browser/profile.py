"""The off-the-record browser profile: nothing the pair browse is kept on disk.

``QWebEngineProfile()`` with no storage name is off the record: cookies,
cache, local storage and history live in memory and die with the profile.
On top of that: a memory HTTP cache, no persistent cookies or permissions,
no spell-check dictionaries, no plugins or PDF viewer (a PDF becomes a
download, which is refused), and no window of its own for anything.

Downloads are never saved: :class:`DownloadGuard` cancels every one the
moment it is asked for and reports it so it is journaled.

The profile must outlive its pages: delete every page first (QtWebEngine
crashes otherwise). :class:`~ui.browser.widget.RecordedBrowser` does this.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWebEngineCore import QWebEngineDownloadRequest, QWebEngineProfile, QWebEngineSettings

from ui import engine_flags

_Attr = QWebEngineSettings.WebAttribute
SETTINGS: dict[QWebEngineSettings.WebAttribute, bool] = {
    _Attr.JavascriptEnabled: True,           # the sites under review must work as they do for a pupil
    _Attr.JavascriptCanOpenWindows: True,    # ... including their pop-ups, which open as tabs
    _Attr.JavascriptCanAccessClipboard: False,
    _Attr.JavascriptCanPaste: False,
    _Attr.LocalContentCanAccessFileUrls: False,
    _Attr.LocalContentCanAccessRemoteUrls: False,
    _Attr.LocalStorageEnabled: True,         # in memory only, in an off-the-record profile
    _Attr.PluginsEnabled: False,
    _Attr.PdfViewerEnabled: False,
    _Attr.FullScreenSupportEnabled: False,
    _Attr.ScreenCaptureEnabled: False,
    _Attr.WebRTCPublicInterfacesOnly: True,
    _Attr.DnsPrefetchEnabled: False,
    _Attr.HyperlinkAuditingEnabled: False,
    _Attr.NavigateOnDropEnabled: False,      # dropping a local file must not open it
    _Attr.AllowGeolocationOnInsecureOrigins: False,
    _Attr.AllowWindowActivationFromJavaScript: False,
    _Attr.PlaybackRequiresUserGesture: True,
    _Attr.ErrorPageEnabled: True,
}


def make_profile(parent: QObject | None = None) -> QWebEngineProfile:
    """A fresh off-the-record profile, locked down as described above.

    The first one starts the engine, which reads its flags then (the listed hosts' resolver rules,
    :mod:`ui.engine_flags`): from here on they cannot change in this run.
    """
    engine_flags.ENGINE.started()
    profile = QWebEngineProfile(parent)
    if not profile.isOffTheRecord():  # pragma: no cover - would be a Qt change of behaviour
        raise RuntimeError("QtWebEngine did not give an off-the-record profile")
    profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
    profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
    if hasattr(profile, "setPersistentPermissionsPolicy"):
        profile.setPersistentPermissionsPolicy(
            QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime)
    profile.setSpellCheckEnabled(False)
    if hasattr(profile, "setPushServiceEnabled"):
        profile.setPushServiceEnabled(False)
    settings = profile.settings()
    for attribute, on in SETTINGS.items():
        settings.setAttribute(attribute, on)
    return profile


@dataclass(frozen=True)
class RefusedDownload:
    url: str
    file_name: str
    size: int | None  # bytes, when the server said


class DownloadGuard(QObject):
    """Cancels every download of ``profile`` and emits :attr:`refused` for the journal."""

    refused = Signal(object)  # RefusedDownload

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        profile.downloadRequested.connect(self._on_download)

    def _on_download(self, download: QWebEngineDownloadRequest) -> None:
        # Not accepted, so nothing is written; cancel() ends the transfer at once.
        download.cancel()
        total = download.totalBytes()
        self.refused.emit(RefusedDownload(
            url=download.url().toString(), file_name=download.suggestedFileName() or download.downloadFileName(),
            size=total if total >= 0 else None))
