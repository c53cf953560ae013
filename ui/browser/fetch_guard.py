"""Requests paused before they are sent, so the request guard decides even on a redirect's hop.

QtWebEngine follows a sub-resource's redirect and asks the request interceptor
about the new address only afterwards (its ``FollowRedirect``), so a redirect to a
listed page on an allowed host could be sent once before the guard's refusal
landed. A :class:`FetchGuard` closes that: through the tab's in-process DevTools
channel it enables the ``Fetch`` domain at the request stage for the patterns of
:func:`~evidence_app.policy.pause_patterns.pause_patterns` (the hosts the school's
list names). Chromium then pauses each such request, every redirect hop included
(a hop arrives as a new ``Fetch.requestPaused`` with a ``redirectedRequestId``),
before anything of it is sent: the :class:`~ui.browser.guard.RequestGuard` decides
with the core's blocklist, a listed one is failed with ``BlockedByClient`` (the
guard halts and announces the stop, as for any refusal), the rest continue.

Enabled when the channel is ready, in the same turn as the response recorder's
own set-up, so before the tab's first navigation. Requests of another site's
frame in a process of its own and of service workers are not paused (they are
other targets); the request interceptor still refuses those, and their redirects
are the known gap the README names.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from evidence_app.policy.pause_patterns import pause_patterns
from ui.browser.devtools import DevToolsChannel, Reply
from ui.browser.guard import RequestGuard

EVENTS = ("Fetch.requestPaused",)


def _resource(params: dict[str, Any]) -> str:
    kind = str(params.get("resourceType", "")).lower() or "unknown"
    return "page" if kind == "document" else kind


class FetchGuard(QObject):
    """Pauses the requests that could be listed and lets :class:`RequestGuard` decide each one."""

    def __init__(self, channel: DevToolsChannel, guard: RequestGuard, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._channel = channel
        self._guard = guard
        self.patterns = pause_patterns(guard.blocklist)
        self.enabled = False
        self.error = ""
        self.paused = 0
        self.refused = 0
        if self.patterns:
            channel.ready.connect(self._on_ready)
            channel.listen(self._on_event)

    def _on_ready(self) -> None:
        patterns = [{"urlPattern": pattern, "requestStage": "Request"} for pattern in self.patterns]
        self._channel.send("Fetch.enable", {"patterns": patterns}, callback=self._on_enabled)

    def _on_enabled(self, reply: Reply) -> None:
        self.enabled = reply.ok
        self.error = reply.error

    def _on_event(self, method: str, params: dict[str, Any], session_id: str) -> None:
        if method != "Fetch.requestPaused":
            return
        self.paused += 1
        request_id = str(params.get("requestId", ""))
        url = str((params.get("request") or {}).get("url", ""))
        if self._guard.refuses(url, _resource(params)):
            self.refused += 1
            self._channel.send("Fetch.failRequest", {"requestId": request_id, "errorReason": "BlockedByClient"},
                               session_id=session_id)
        else:
            self._channel.send("Fetch.continueRequest", {"requestId": request_id}, session_id=session_id)
