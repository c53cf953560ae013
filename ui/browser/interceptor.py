"""The request interceptor: every request a tab makes passes here before it is sent.

It refuses requests for schemes that are not web schemes (``file:`` and the
like; ``data:``, ``blob:`` and web sockets are fine for sub-resources) and
counts each page's sub-resource requests for the journal's summary. One
interceptor per tab, so each tab's counts stay its own.

First of all it asks the browser's :class:`~ui.browser.guard.RequestGuard`,
with the request's ``QUrl`` as Chromium will send it (never its decoded text):
any request whose address is on the school's blocklist (a page, a frame, a
redirect's target, an image, a script...) is blocked here, before it is sent,
and so is every request once the browser has been halted by the stop.

Requests that no page owns (a service worker's, a shared worker's) never reach a
page's interceptor, only the profile's: the first tab's interceptor therefore
also puts a :class:`ProfileGuard` on the profile (once), which asks the same
guard about every request the profile makes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

from ui.browser.guard import RequestGuard
from ui.browser.schemes import page_allowed, subresource_allowed
from ui.browser.summary import ResourceCounter

_MAIN_FRAME = QWebEngineUrlRequestInfo.ResourceType.ResourceTypeMainFrame


def type_name(resource_type: QWebEngineUrlRequestInfo.ResourceType) -> str:
    """``ResourceTypeStylesheet`` -> ``stylesheet``."""
    name = getattr(resource_type, "name", str(resource_type))
    return name.removeprefix("ResourceType").lower() or "unknown"


class ProfileGuard(QWebEngineUrlRequestInterceptor):
    """The guard for every request of a profile, workers' included; a child of the profile."""

    def __init__(self, profile: QWebEngineProfile, guard: RequestGuard) -> None:
        super().__init__(profile)
        self.profile = profile
        self.guard = guard

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 - Qt's name
        kind = info.resourceType()
        if self.guard.refuses(info.requestUrl(), "page" if kind == _MAIN_FRAME else type_name(kind)):
            info.block(True)


def guard_profile(profile: QWebEngineProfile, guard: RequestGuard) -> ProfileGuard:
    """Put ``guard`` on every request ``profile`` makes (once per profile).

    The guard holds the interceptor: Qt's parent alone does not keep a Python override alive.
    """
    for existing in guard.profile_guards:
        if existing.profile is profile:
            return existing
    installed = ProfileGuard(profile, guard)
    profile.setUrlRequestInterceptor(installed)
    guard.profile_guards.append(installed)
    return installed


class RequestInterceptor(QWebEngineUrlRequestInterceptor):
    """Blocks listed addresses and non-web schemes; feeds :attr:`counter` with every sub-resource request."""

    def __init__(self, parent: QObject | None = None, guard: RequestGuard | None = None) -> None:
        super().__init__(parent)
        self.counter = ResourceCounter()
        self.guard = guard
        profile = getattr(parent, "profile", None)
        if guard is not None and callable(profile) and isinstance(profile(), QWebEngineProfile):
            guard_profile(profile(), guard)  # workers' requests pass only through the profile

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 - Qt's name
        requested = info.requestUrl()
        url = requested.toString()
        kind = info.resourceType()
        if self.guard is not None and self.guard.refuses(requested, "page" if kind == _MAIN_FRAME else type_name(kind)):
            info.block(True)  # the school's blocklist, or the stop: it never leaves
            return
        if kind == _MAIN_FRAME:
            if not page_allowed(url):
                info.block(True)  # the page refuses and journals it; this is the second lock
            return
        allowed = subresource_allowed(url)
        if not allowed:
            info.block(True)
        self.counter.add(url, type_name(kind), refused=not allowed)
