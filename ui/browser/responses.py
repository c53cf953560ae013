"""Every response a tab's page receives, recorded from the browser's own connection.

A :class:`ResponseRecorder` listens to one page through its in-process
:class:`~ui.browser.devtools.DevToolsChannel`. Its bridge assembles each response's record
from the ``Network.*`` events in the DevTools frontend and sends what changed of it
(``devtools.RESPONSE_EVENT``), so Python merges records rather than handling each event:

- ``requestWillBeSent`` (and its ``ExtraInfo``: the headers really sent) starts a record;
  a redirect's hop is recorded from its ``redirectResponse``;
- ``responseReceived`` (and its ``ExtraInfo``: the headers really received) gives the
  status, headers, the server's IP and port, the protocol, timing and, over HTTPS,
  ``securityDetails`` (TLS protocol, cipher, certificate subject, issuer, validity);
  the chain itself (DER) comes from ``Network.getCertificate``, once per origin;
- ``loadingFinished`` gives the size on the wire and has the body hashed in the
  DevTools frontend (:meth:`DevToolsChannel.body`): a text-like body comes back to be
  kept, an image, video or audio body never does (only its hash and size). While the
  page is loading the bodies wait (the browser keeps them, up to ``NETWORK_BUFFER``)
  and are hashed once it has loaded, so the hashing does not slow the load down;
- ``loadingFailed`` ends a record with the browser's error.

A body the browser gives back empty although the server sent bytes (a picture it could not
decode: it then keeps nothing of it) is recorded with no hash and a note saying so, never
with the hash of nothing.

The records of one page (everything loaded while a main-frame document is shown) go to
the case as one :class:`~evidence_app.web.responses.PageResponses` when the page has
loaded, and again for anything that came later, when the page is left or the tab closes.

A film or sound the browser reports it cannot play (``Media.playerErrorsRaised``; its
address comes from the player's ``kLoad`` log entry) is announced through
:attr:`ResponseRecorder.unplayable` in plain words, and its address and hash are journaled.
PySide6's QtWebEngine has no H.264 or AAC, so many sites' videos end here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWebEngineCore import QWebEnginePage

from evidence_app.web.bodies import BodyRule, body_rule, is_media, looks_like_media
from evidence_app.web.responses import (
    BodyRecord,
    PageResponses,
    ResponseRecord,
    TlsRecord,
)
from ui.browser.devtools import (
    CERTIFICATE_EVENT,
    PAGE_EVENT,
    RESPONSE_EVENT,
    BodyDigest,
    BodyRequest,
    DevToolsChannel,
    Reply,
)

SETTLE_MS = 1500           # after the page has loaded, what its scripts fetch at once is still its own
BODIES_EVERY_MS = 2000     # during a long load, queued bodies are hashed this often ...
LONG_LOAD_S = 6.0          # ... once it has gone on this long (before, they wait for the load to end)
# Raw events Python is handed; the Network ones a record is made of are assembled in the bridge
# (devtools.RESPONSE_EVENT), and Python gets what changed of each response's record instead.
EVENTS = (RESPONSE_EVENT, PAGE_EVENT, CERTIFICATE_EVENT, "Media.playerEventsAdded", "Media.playerErrorsRaised",
          "Target.attachedToTarget")
NETWORK_BUFFER = 200_000_000  # bytes of bodies the browser keeps for getResponseBody (per page)


@dataclass
class _Pending:
    """One response being assembled from its events."""

    request_id: str
    page_url: str = ""   # the page shown when it was asked for
    session_id: str = ""  # the DevTools session it came through (a frame of another site has its own)
    method: str = "GET"
    url: str = ""
    started: float = 0.0
    resource_type: str = ""
    request_headers: dict[str, str] = field(default_factory=dict)
    response: dict[str, Any] = field(default_factory=dict)
    raw_response_headers: dict[str, str] = field(default_factory=dict)
    size: int = 0
    error: str = ""
    body: BodyRecord | None = None
    body_bytes: bytes | None = None
    finished: bool = False
    waiting_for_body: bool = False


def _headers(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (value or {}).items()}


def _tls(details: dict[str, Any], chain: tuple[bytes, ...]) -> TlsRecord:
    return TlsRecord(protocol=str(details.get("protocol", "")), cipher=str(details.get("cipher", "")),
                     subject=str(details.get("subjectName", "")), issuer=str(details.get("issuer", "")),
                     key_exchange=str(details.get("keyExchange", "") or details.get("keyExchangeGroup", "")),
                     valid_from=float(details.get("validFrom", 0) or 0), valid_to=float(details.get("validTo", 0) or 0),
                     san=tuple(str(s) for s in details.get("sanList", [])), chain_der=chain)


def _bytes_sent(pending: _Pending) -> int:
    """How many body bytes the server sent, when the response says so (0 when unknown or compressed).

    From ``Content-Length``, else from the bytes received after the headers. A compressed body
    (``Content-Encoding``) can decode to nothing from a few bytes, so it is not counted.
    """
    headers = {k.lower(): v for k, v in (pending.raw_response_headers
                                         or _headers(pending.response.get("headers"))).items()}
    if headers.get("content-encoding", "identity").strip().lower() not in ("", "identity"):
        return 0
    if pending.error or pending.method == "HEAD" or int(pending.response.get("status", 0) or 0) in (204, 304):
        return 0
    length = headers.get("content-length", "").strip()
    if length.isdigit():
        return int(length)
    headers_size = int(pending.response.get("encodedDataLength", 0) or 0)
    return max(0, pending.size - headers_size) if pending.size and headers_size else 0


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def switch_on(channel: DevToolsChannel, then: Callable[[Reply], None] | None) -> None:
    """What a page's DevTools agent is asked once its channel is ready; ``then`` has Network's answer.

    The frontend made quiet, the page's frame events (the bridge learns which frame is the page's
    from the frame tree), frames of other sites attached paused (they run in processes of their
    own when sites are isolated: each is a target, held until its Network domain is on so none of
    its responses is missed; :class:`ResponseRecorder` lets each go), and Media and Network on.
    """
    channel.quieten()
    channel.send("Page.enable")
    channel.send("Page.getFrameTree")
    channel.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True})
    enable_session(channel, then)


def enable_session(channel: DevToolsChannel, then: Callable[[Reply], None] | None, session_id: str = "") -> None:
    """Media and Network on for one session; the browser keeps bodies for ``getResponseBody`` (NETWORK_BUFFER)."""
    channel.send("Media.enable", session_id=session_id)
    channel.send("Network.enable", {"maxTotalBufferSize": NETWORK_BUFFER,
                                    "maxResourceBufferSize": NETWORK_BUFFER // 4}, then, session_id)


class ResponseRecorder(QObject):
    """Records one page's responses; ``deliver(PageResponses)`` writes them (on the case writer)."""

    ready = Signal()               # the browser reports responses from now on
    unplayable = Signal(str, str)  # url, plain sentence for the pair
    failed = Signal(str)           # the channel could not be set up: a plain sentence

    def __init__(self, page: QWebEnginePage, deliver: Callable[[PageResponses], None],
                 parent: QObject | None = None, *,
                 record_unplayable: Callable[[str, str, int, str, str], None] | None = None,
                 also_events: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self._page = page
        self._deliver = deliver
        self._record_unplayable = record_unplayable
        # Attached from the event loop: a page made for window.open is given its engine-side contents
        # only after createWindow returns, and a DevTools page attached before then never answers.
        # ``also_events``: what another listener on the same channel needs (the fetch guard's pauses).
        self.channel = DevToolsChannel(page, EVENTS + also_events, self, attach_later=True, assemble_responses=True)
        self._pending: dict[str, _Pending] = {}
        self._done: list[_Pending] = []
        self._page_url = ""
        self._chains: dict[str, tuple[bytes, ...]] = {}
        self._asked_chain: set[str] = set()
        self._players: dict[str, str] = {}
        self._told: set[str] = set()
        self.is_ready = False
        self._bodies: list[tuple[_Pending, str]] = []  # finished during a load: hashed once it has loaded
        self._body_timer = QTimer(self)  # a page that never finishes loading still has its bodies hashed
        self._body_timer.setInterval(BODIES_EVERY_MS)
        self._body_timer.timeout.connect(self._on_body_timer)
        self._body_timer.start()
        self._load_started = time.monotonic()
        page.loadStarted.connect(self._on_load_started)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.timeout.connect(self.flush)
        self.channel.ready.connect(self._on_ready)
        self.channel.listen(self._on_event)
        self.channel.failed.connect(self.failed)
        page.loadFinished.connect(self._on_load_finished)

    def _on_load_finished(self, ok: bool) -> None:
        self._ask_bodies()
        self._settle.start(SETTLE_MS)

    # ------------------------------------------------------------------ set-up

    def _on_ready(self) -> None:
        switch_on(self.channel, self._on_network_enabled)

    def _on_attached(self, params: dict[str, Any], session_id: str) -> None:
        child = str(params.get("sessionId", ""))
        kind = str(params.get("targetInfo", {}).get("type", ""))
        if not child:
            return
        if kind != "iframe":
            # A worker is let go at once: holding a service worker stalls what it serves.
            self.channel.send("Runtime.runIfWaitingForDebugger", session_id=child)
            self.channel.send("Network.enable", session_id=child)
            return
        self.channel.quieten(child)
        self.channel.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True,
                                                   "flatten": True}, session_id=child)
        enable_session(self.channel, lambda reply: self.channel.send("Runtime.runIfWaitingForDebugger",
                                                                     session_id=child), child)

    def _on_network_enabled(self, reply: Reply) -> None:
        if not reply.ok:
            self.failed.emit(f"The browser would not report its responses ({reply.error}).")
            return
        self.is_ready = True
        self.ready.emit()

    # ------------------------------------------------------------------ events

    def _on_event(self, method: str, params: dict[str, Any], session_id: str) -> None:
        handler = {
            RESPONSE_EVENT: self._on_response_record,
            PAGE_EVENT: self._on_page,
            CERTIFICATE_EVENT: self._on_secure_origin,
            "Media.playerEventsAdded": self._on_player_events,
            "Media.playerErrorsRaised": self._on_player_errors,
            "Target.attachedToTarget": self._on_attached,
        }.get(method)
        if handler is not None:
            handler(params, session_id)

    def _on_page(self, params: dict[str, Any], session_id: str) -> None:
        if params.get("flush"):
            self.flush()  # a new page: what came before was the last page's
        self._page_url = str(params.get("url", ""))

    def _on_response_record(self, params: dict[str, Any], session_id: str) -> None:
        """What changed of one response's record since the bridge last sent it (see devtools)."""
        request_id = str(params.get("requestId", ""))
        pending = self._pending.get(request_id)
        if params.get("late"):  # headers reported after the response ended: kept if its record is still here
            if pending is not None:
                if "requestHeaders" in params:
                    pending.request_headers = _headers(params["requestHeaders"])
                if "responseHeaders" in params:
                    pending.raw_response_headers = _headers(params["responseHeaders"])
            return
        if pending is None:
            pending = self._pending[request_id] = _Pending(request_id, self._page_url, session_id)
        if "page" in params:
            pending.page_url = str(params["page"])
        if "method" in params:
            pending.method = str(params["method"])
        if "url" in params:
            pending.url = str(params["url"])
        if "started" in params:
            pending.started = float(params.get("started") or time.time())
        if "type" in params:
            pending.resource_type = str(params["type"])
        if "requestHeaders" in params:
            pending.request_headers = _headers(params["requestHeaders"])
        if "response" in params:
            pending.response = dict(params["response"] or {})
        if "responseHeaders" in params:
            pending.raw_response_headers = _headers(params["responseHeaders"])
        end = params.get("end")
        if end == "redirect":  # a hop of a redirect: its record ends here, the next hop has the same id
            del self._pending[request_id]
            pending.finished = True
            self._done.append(pending)
        elif end == "finished":
            pending.size = int(params.get("size", 0) or 0)
            pending.finished = True
            pending.waiting_for_body = True
            self._bodies.append((pending, session_id))
            if not self._page.isLoading():
                self._ask_bodies()  # hashed at once when the page is idle; during a load, when it has loaded
        elif end == "failed":
            pending.error = str(params.get("error", ""))
            pending.finished = True
            self._flush_soon()

    def _on_secure_origin(self, params: dict[str, Any], session_id: str) -> None:
        origin = str(params.get("origin", ""))
        if origin and origin not in self._asked_chain:
            self._asked_chain.add(origin)
            self.channel.send("Network.getCertificate", {"origin": origin},
                              lambda reply, o=origin: self._on_chain(o, reply), session_id)

    def _on_chain(self, origin: str, reply: Reply) -> None:
        import base64

        if reply.ok and reply.result:
            self._chains[origin] = tuple(base64.b64decode(c) for c in reply.result.get("tableNames", []))

    def _on_load_started(self) -> None:
        self._load_started = time.monotonic()

    def _on_body_timer(self) -> None:
        # Asking for bodies puts the body itself through the browser's main thread: not during a
        # load, unless the load goes on and on (a page that never finishes loading).
        if not self._page.isLoading() or time.monotonic() - self._load_started >= LONG_LOAD_S:
            self._ask_bodies()

    def _ask_bodies(self) -> None:
        """Have every queued body hashed (kept when text-like), now that the page is not loading."""
        queued, self._bodies = self._bodies, []
        requests = []
        for pending, session_id in queued:
            rule = body_rule(str(pending.response.get("mimeType", "")), pending.resource_type)
            requests.append(BodyRequest(pending.request_id,
                                        lambda digest, p=pending, r=rule: self._on_body(p, r, digest),
                                        rule is BodyRule.KEEP, session_id))
        self.channel.bodies(requests)

    def _on_body(self, pending: _Pending, rule: BodyRule, digest: BodyDigest) -> None:
        pending.waiting_for_body = False
        sent = _bytes_sent(pending)
        if digest.error:
            pending.body = BodyRecord(BodyRule.HASH_ONLY, "", 0, note=f"The browser no longer had the body ({digest.error}).")
        elif digest.size == 0 and sent:
            # The browser hands back nothing for a picture it could not decode (a file that is not
            # what its type says): a hash of nothing would not be the hash of what the server sent.
            pending.body = BodyRecord(BodyRule.HASH_ONLY, "", 0, note=(
                f"Not hashed: the server sent {sent} bytes, but the browser could not decode them and "
                "did not give them back."))
        elif digest.withheld:
            pending.body = BodyRecord(BodyRule.HASH_ONLY, digest.sha256, digest.size, digest.decoded_text,
                                      note=digest.withheld)
        elif rule is BodyRule.KEEP and digest.body is not None and not looks_like_media(digest.body[:16]):
            pending.body = BodyRecord(BodyRule.KEEP, digest.sha256, digest.size, digest.decoded_text)
            pending.body_bytes = digest.body
        else:
            pending.body = BodyRecord(BodyRule.HASH_ONLY, digest.sha256, digest.size, digest.decoded_text)
        if is_media(str(pending.response.get("mimeType", ""))) and pending.url in self._told:
            self._journal_unplayable(pending)
        self._flush_soon()

    def _flush_soon(self) -> None:
        """A response completed after the page had loaded (a late body, a script's fetch): journal it too."""
        if not self._page.isLoading() and not self._settle.isActive():
            self._settle.start(SETTLE_MS)

    # ------------------------------------------------------------------ media the browser cannot play

    def _on_player_events(self, params: dict[str, Any], session_id: str) -> None:
        """The media player's log names what it loads: ``{"event": "kLoad", "url": ...}``."""
        for entry in params.get("events", []):
            try:
                value = json.loads(entry.get("value", "{}"))
            except (TypeError, ValueError):
                continue
            if isinstance(value, dict) and value.get("event") == "kLoad" and value.get("url"):
                self._players[str(params.get("playerId"))] = str(value["url"])

    def _on_player_errors(self, params: dict[str, Any], session_id: str) -> None:
        url = self._players.get(str(params.get("playerId")), "")
        if not url or url in self._told:
            return
        self._told.add(url)
        self.unplayable.emit(url, "This video or sound cannot play in the recorded browser (it uses a "
                                  "format the browser does not have). Its address and its fingerprint "
                                  "(hash) have been recorded; nothing of it was kept.")
        for pending in [*self._done, *self._pending.values()]:
            if pending.url == url and pending.body is not None:
                self._journal_unplayable(pending)

    def _journal_unplayable(self, pending: _Pending) -> None:
        body = pending.body
        if self._record_unplayable is not None:
            self._record_unplayable(pending.url, body.sha256 if body else "", body.size if body else 0,
                                    str(pending.response.get("mimeType", "")), pending.page_url)

    # ------------------------------------------------------------------ writing

    def flush(self) -> None:
        """Hand over every finished response of the page (those still waiting for a body wait)."""
        self._settle.stop()
        finished = [p for p in self._pending.values() if p.finished and not p.waiting_for_body]
        for pending in finished:
            del self._pending[pending.request_id]
        records = [*self._done, *finished]
        self._done = []
        pages: dict[str, list[_Pending]] = {}
        for pending in records:
            pages.setdefault(pending.page_url or pending.url, []).append(pending)
        for page_url, group in pages.items():
            responses = tuple(self._as_record(p) for p in sorted(group, key=lambda p: p.started))
            bodies = {p.body.sha256: p.body_bytes for p in group
                      if p.body is not None and p.body.rule is BodyRule.KEEP and p.body_bytes is not None}
            self._deliver(PageResponses(page_url, responses, bodies))

    def finish(self) -> None:
        """The tab is closing: everything recorded so far goes, finished or not."""
        self._body_timer.stop()
        for pending in self._pending.values():
            pending.finished = True
            pending.waiting_for_body = False
        self.flush()
        self.channel.close()

    def _as_record(self, pending: _Pending) -> ResponseRecord:
        response = pending.response
        details = response.get("securityDetails")
        url = str(response.get("url", pending.url)) or pending.url
        tls = _tls(details, self._chains.get(_origin(url), ())) if details else None
        timing = {str(k): float(v) for k, v in (response.get("timing") or {}).items() if isinstance(v, (int, float))}
        return ResponseRecord(
            method=pending.method, url=url, status=int(response.get("status", 0) or 0),
            request_headers=pending.request_headers,
            response_headers=pending.raw_response_headers or _headers(response.get("headers")),
            remote_ip=str(response.get("remoteIPAddress", "")), remote_port=int(response.get("remotePort", 0) or 0),
            protocol=str(response.get("protocol", "")), mime_type=str(response.get("mimeType", "")),
            resource_type=pending.resource_type, size=pending.size or int(response.get("encodedDataLength", 0) or 0),
            started=pending.started, status_text=str(response.get("statusText", "")), timing=timing,
            body=pending.body, tls=tls, error=pending.error)
