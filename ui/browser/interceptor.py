"""The request interceptor: every request a tab makes passes here before it is sent.

It refuses requests for schemes that are not web schemes (``file:`` and the
like; ``data:``, ``blob:`` and web sockets are fine for sub-resources) and
counts each page's sub-resource requests for the journal's summary. One
interceptor per tab, so each tab's counts stay its own.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

from .schemes import page_allowed, subresource_allowed
from .summary import ResourceCounter

_MAIN_FRAME = QWebEngineUrlRequestInfo.ResourceType.ResourceTypeMainFrame


def type_name(resource_type: QWebEngineUrlRequestInfo.ResourceType) -> str:
    """``ResourceTypeStylesheet`` -> ``stylesheet``."""
    name = getattr(resource_type, "name", str(resource_type))
    return name.removeprefix("ResourceType").lower() or "unknown"


class RequestInterceptor(QWebEngineUrlRequestInterceptor):
    """Blocks non-web schemes and feeds :attr:`counter` with every sub-resource request."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.counter = ResourceCounter()

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 - Qt's name
        url = info.requestUrl().toString()
        kind = info.resourceType()
        if kind == _MAIN_FRAME:
            if not page_allowed(url):
                info.block(True)  # the page refuses and journals it; this is the second lock
            return
        allowed = subresource_allowed(url)
        if not allowed:
            info.block(True)
        self.counter.add(url, type_name(kind), refused=not allowed)
