"""The Chrome DevTools Protocol to a page, in-process: no port, no socket another program could reach.

Qt's remote-debugging port (``QTWEBENGINE_REMOTE_DEBUGGING``) is unauthenticated: any
local process can list the private page and read it. This module never uses it.
Instead a hidden :class:`QWebEnginePage` is made the inspected page's DevTools page
(``setDevToolsPage``). Qt loads Chromium's DevTools frontend into it
(``devtools://devtools/bundled/inspector.html``) and attaches it to the page's
DevTools agent inside the browser process (Qt's ``DevToolsFrontendQt``). The
frontend speaks the protocol through its host object:

- out: ``InspectorFrontendHost.sendMessageToBackend(json)`` goes to the agent;
- in: the browser process calls ``DevToolsAPI.dispatchMessage(json)`` in the
  frontend (``dispatchMessageChunk`` for messages over 32 MB).

A small bridge script, run in the frontend's main world with ``runJavaScript``,
wraps ``dispatchMessage``: replies to our own requests (ids from ``FIRST_ID`` up,
far above the frontend's own) are taken out and handed to Python, and events of
the domains asked for are handed to Python. Events nobody asked for are dropped
without being parsed.

With ``assemble_responses`` the bridge also assembles each response's record from
its Network events (``requestWillBeSent`` and its ``ExtraInfo``, ``responseReceived``
and its ``ExtraInfo``, ``loadingFinished`` or ``loadingFailed``, a redirect's hop) and
hands Python, as :data:`RESPONSE_EVENT` events, only what changed of each record:
while the page loads, every :data:`LAZY_MS` and at once when it stops loading; when it
is not loading (a script's fetch), at once, as any other message. It
says when a new page starts (:data:`PAGE_EVENT`, the main frame's document) and when an
origin is first seen over TLS (:data:`CERTIFICATE_EVENT`). That is about two small
messages per response instead of six or seven whole events, and, while the page loads, one
console message a second instead of one per turn of the frontend's event loop: measured, a
third to a half less of the browser's main thread (which in QtWebEngine is the Qt main
thread) spent relaying a load of hundreds of responses; with a second rather than a tenth
of one, a load of less than a second leaves Python nothing to do until it has loaded
(``bench_responses``: about 0.05x of the bare load less on pages of hundreds of responses,
the recorder then within noise of Chromium's own cost). Nothing is lost by waiting: a
page's records go to the case only once it has loaded (``SETTLE_MS``). The frontend itself is made inert: its
own requests are dropped and it gets no events, so the page does no work for a
DevTools window nobody sees (:data:`QUIET` lists what it may have switched on
before the bridge was in; :meth:`DevToolsChannel.quieten` switches it off). Messages come to Python as console messages of the hidden page that
start with a random per-channel token (nothing the inspected site runs can write
to the frontend's console).

Bodies are hashed *in the frontend*: :meth:`DevToolsChannel.body` asks
``Network.getResponseBody`` from the bridge, which computes SHA-256 and the size
with ``crypto.subtle`` and hands Python only the hash, the size and, when asked
to keep it, the body. So an image's bytes never reach Python at all.

The frontend's page loads its document only (:class:`_FrontendOnly`): the DevTools app's
scripts and styles are refused, so none of its code runs and it is ready in a fraction of
the time (measured: 0.1-0.3 s instead of 0.5-1 s before a new tab's first page).

The frontend would fetch source maps from the site on its own
(``loadNetworkResource``); the bridge refuses that, so nothing is requested
that the page did not request.

Delete the channel (or call :meth:`close`) before the profile, like any page.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

from evidence_app.web.bodies import SIGNATURES

FRONTEND_URL = "devtools://devtools/bundled/inspector.html"
QUIET = ("Debugger.disable", "DOM.disable", "CSS.disable", "Overlay.disable", "Log.disable", "Profiler.disable",
         "Animation.disable", "Runtime.disable", "Audits.disable", "LayerTree.disable")
FIRST_ID = 1_000_000_000          # our request ids; the frontend's own count up from 1
PROBE_EVERY_MS = 100              # the agent attaches when the frontend has loaded: probe until it answers
READY_WITHIN_MS = 15_000
REMOTE_DEBUGGING_SETTINGS = ("QTWEBENGINE_REMOTE_DEBUGGING",)
REMOTE_DEBUGGING_FLAG = "--remote-debugging"
LAZY_MS = 1000                    # while the page loads, response records wait this long at most (see the text)
RESPONSE_EVENT = "Evidence.response"        # what changed of one response's record (assembled in the bridge)
PAGE_EVENT = "Evidence.page"                # a main-frame document was asked for: a new page, or its redirect
CERTIFICATE_EVENT = "Evidence.certificate"  # the first response over TLS from an origin


class DevToolsUnavailable(RuntimeError):
    """The in-process DevTools channel could not be set up (a Qt or Chromium change)."""


@dataclass(frozen=True)
class Reply:
    """The answer to one request: ``result`` (a dict), or ``error`` (the protocol's message)."""

    result: dict[str, Any] | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.result is not None and not self.error


@dataclass(frozen=True)
class BodyRequest:
    """A body to hash (:meth:`DevToolsChannel.bodies`): ``callback(BodyDigest)``, the bytes back only when ``keep``."""

    request_id: str
    callback: Callable[[BodyDigest], None]
    keep: bool
    session_id: str = ""


@dataclass(frozen=True)
class BodyDigest:
    """A response body as the frontend saw it: SHA-256 and size of its bytes, and the bytes when kept.

    ``decoded_text`` says the protocol gave the body as text (already decoded from its charset by
    the browser); the hash is then over that text in UTF-8. Otherwise it is over the bytes received
    (after any content encoding such as gzip was undone).
    """

    sha256: str
    size: int
    decoded_text: bool
    body: bytes | None = None
    error: str = ""
    withheld: str = ""  # why a body asked to be kept was not sent (it starts like a picture or a film)


def remote_debugging_requested() -> str:
    """What in this process's settings would open Qt's debugging port, or ``""``."""
    for name in REMOTE_DEBUGGING_SETTINGS:
        if os.environ.get(name):
            return f"the setting {name} is set"
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    import sys

    if REMOTE_DEBUGGING_FLAG in flags or any(a.startswith(REMOTE_DEBUGGING_FLAG) for a in sys.argv):
        return "a remote-debugging flag was given to the browser engine"
    return ""


_BRIDGE = r"""
(() => {
  const TOKEN = %(token)s, FIRST_ID = %(first_id)d, DOMAINS = %(domains)s, SIGNATURES = %(signatures)s;
  const ASSEMBLE = %(assemble)s, LAZY_MS = %(lazy_ms)d;
  if (window.__evidenceBridge) return 'again';
  const api = window.DevToolsAPI, host = window.InspectorFrontendHost;
  if (!api || !host || typeof api.dispatchMessage !== 'function' ||
      typeof host.sendMessageToBackend !== 'function') return 'missing';
  // Messages go out in batches: one console message per turn of the event loop, not one per event.
  // What is not urgent (response records) waits up to LAZY_MS so that many go in one message. A
  // hidden page's timers fire once a second at most, so while messages keep coming the wait is
  // measured here, and the timer only sends what is left when they stop.
  let outbox = [], urgent = false, lazy = 0, delivered = performance.now();
  const dirty = new Set();  // response records changed since they last went out
  const wake = new MessageChannel();
  const deliver = () => {
    urgent = false;
    delivered = performance.now();
    if (lazy) { clearTimeout(lazy); lazy = 0; }
    const batch = outbox.map((item) => item.record ? changes(item.record) : item).filter((item) => item);
    outbox = [];
    dirty.clear();
    if (batch.length) console.debug(TOKEN + JSON.stringify(batch));
  };
  wake.port1.onmessage = deliver;
  const post = (obj) => { if (obj) outbox.push(obj); if (!urgent) { urgent = true; wake.port2.postMessage(0); } };
  let loading = false;  // the page is loading (its main frame's frameStartedLoading): records wait, else go at once
  const postLater = (obj) => {
    outbox.push(obj);
    if (!loading) post(null);
    else if (!urgent && !lazy) lazy = setTimeout(deliver, LAZY_MS);
  };
  const internal = new Map();
  let nextInternal = FIRST_ID * 2;
  // The frontend itself is made inert: what it asks for is dropped (no DOM, CSS or debugger work
  // in the page for a panel nobody sees), and it is handed no events. Only this bridge speaks.
  const toBackend = host.sendMessageToBackend.bind(host);
  host.sendMessageToBackend = () => {};
  const send = (id, method, params, sessionId) => {
    const message = {id, method, params: params || {}};
    if (sessionId) message.sessionId = sessionId;
    toBackend(JSON.stringify(message));
  };
  const original = api.dispatchMessage.bind(api);
  const wanted = (method) => DOMAINS.some((d) => method.startsWith(d));
  // Each response's record is assembled here from its Network events (request, the headers really
  // sent, response, the headers really received, finished or failed): Python is sent what changed
  // of each record, a few times per response at most, instead of every event whole.
  const flights = new Map(), ended = new Set(), secureOrigins = new Set();
  let mainFrame = '', pageUrl = '';
  const changes = (record) => {
    const delta = record.delta;
    if (!delta) return null;
    record.delta = null;
    return {event: {method: 'Evidence.response', params: delta, sessionId: record.session}};
  };
  const update = (record, fields) => {
    if (!record.delta) record.delta = {requestId: record.requestId};
    Object.assign(record.delta, fields);
    if (!dirty.has(record)) { dirty.add(record); postLater({record}); }
  };
  // Records are known by request id alone, whatever the session: a frame of another site has its
  // document's request reported through the page's session and its end through the frame's own.
  const flight = (requestId, session) => {
    const key = requestId;
    let record = flights.get(key);
    if (!record) {
      record = {requestId, session, delta: null, extraHeaders: false};
      flights.set(key, record);
      update(record, {page: pageUrl});
    }
    return record;
  };
  const land = (record, fields, session) => {
    const key = record.requestId;
    record.session = session;  // its body is asked for through the session that saw it end
    flights.delete(key);
    if (ended.size > 20000) ended.clear();
    ended.add(key);
    update(record, fields);
  };
  const RESPONSE_FIELDS = ['url', 'status', 'statusText', 'headers', 'mimeType', 'remoteIPAddress', 'remotePort',
                           'protocol', 'encodedDataLength', 'timing', 'securityDetails'];
  const trimmed = (response) => {
    const out = {};
    for (const name of RESPONSE_FIELDS) if (response && response[name] !== undefined) out[name] = response[name];
    return out;
  };
  const origin = (url) => { const [scheme, rest] = String(url).split('://'); return scheme + '://' + (rest || '').split('/')[0]; };
  const assembled = (method, p, session) => {
    const requestId = String(p.requestId || '');
    const key = requestId;
    if (method === 'Network.requestWillBeSent') {
      const request = p.request || {};
      const isMain = p.type === 'Document' && p.loaderId === requestId && !session &&
                     (!mainFrame || p.frameId === mainFrame);
      const known = flights.has(key);
      if (p.redirectResponse && known) land(flights.get(key), {response: trimmed(p.redirectResponse), end: 'redirect'}, session);
      if (isMain) {  // a new page (what came before was the last page's), or its redirect's next hop
        pageUrl = String(request.url || '');
        postLater({event: {method: 'Evidence.page', params: {url: pageUrl, flush: !known}}});
      }
      ended.delete(key);
      const record = flight(requestId, session);
      const fields = {method: String(request.method || 'GET'), url: String(request.url || '') + String(request.urlFragment || ''),
                      started: p.wallTime || null, type: String(p.type || '')};
      if (isMain) fields.page = pageUrl;
      if (!record.extraHeaders) fields.requestHeaders = request.headers || {};
      update(record, fields);
    } else if (method === 'Network.requestWillBeSentExtraInfo' || method === 'Network.responseReceivedExtraInfo') {
      const field = method === 'Network.requestWillBeSentExtraInfo' ? 'requestHeaders' : 'responseHeaders';
      if (!flights.has(key) && ended.has(key)) {  // after its record went: Python adds it if it still holds it
        postLater({event: {method: 'Evidence.response', params: {requestId, late: true, [field]: p.headers || {}}, sessionId: session}});
        return;
      }
      const record = flight(requestId, session);
      if (field === 'requestHeaders') record.extraHeaders = true;
      update(record, {[field]: p.headers || {}});
    } else if (method === 'Network.responseReceived') {
      const record = flight(requestId, session);
      const response = trimmed(p.response);
      update(record, {response, type: String(p.type || '')});
      if (response.securityDetails) {
        const at = session + '|' + origin(response.url || '');
        if (!secureOrigins.has(at)) {
          secureOrigins.add(at);
          post({event: {method: 'Evidence.certificate', params: {origin: origin(response.url || '')}, sessionId: session}});
        }
      }
    } else if (method === 'Network.loadingFinished') {
      if (flights.has(key)) land(flights.get(key), {size: p.encodedDataLength || 0, end: 'finished'}, session);
    } else if (method === 'Network.loadingFailed') {
      if (flights.has(key)) land(flights.get(key), {error: String(p.errorText || '') + (p.blockedReason ? ' (blocked)' : ''), end: 'failed'}, session);
    }
  };
  const ASSEMBLED = ['Network.requestWillBeSent', 'Network.responseReceived', 'Network.loadingFinished', 'Network.loadingFailed'];
  // An event nobody here wants (the body's chunks, priority changes...) is dropped unparsed.
  const head = /^\{"method":"([A-Za-z]+\.[A-Za-z]+)"/;
  const needed = (method) => wanted(method) || (ASSEMBLE && (method === 'Page.frameNavigated' ||
                                                             method === 'Page.frameStartedLoading' ||
                                                             method === 'Page.frameStoppedLoading' ||
                                                             ASSEMBLED.some((name) => method.startsWith(name))));
  const handle = (text) => {
    if (outbox.length && !urgent && performance.now() - delivered >= LAZY_MS) post(null);
    const named = head.exec(text.slice(0, 80));
    if (named && !needed(named[1])) return;
    let message = null;
    try { message = JSON.parse(text); } catch (e) { return original(text); }
    if (typeof message.id === 'number' && message.id >= FIRST_ID) {
      const waiting = internal.get(message.id);
      if (waiting) { internal.delete(message.id); waiting(message); return; }
      if (ASSEMBLE && !message.sessionId && message.result && message.result.frameTree)
        mainFrame = String(message.result.frameTree.frame.id || mainFrame);
      post({reply: message});
      return;
    }
    if (typeof message.method === 'string') {
      const session = String(message.sessionId || '');
      if (ASSEMBLE && ASSEMBLED.some((name) => message.method.startsWith(name))) {
        assembled(message.method, message.params || {}, session);
        return;
      }
      if (ASSEMBLE && message.method === 'Page.frameNavigated' && !session) {
        const frame = (message.params || {}).frame || {};
        if (!frame.parentId) mainFrame = String(frame.id || mainFrame);
      }
      if (ASSEMBLE && !session && (message.method === 'Page.frameStartedLoading' ||
                                   message.method === 'Page.frameStoppedLoading')) {
        const frameId = String((message.params || {}).frameId || '');
        if (!mainFrame || frameId === mainFrame) {
          loading = message.method === 'Page.frameStartedLoading';
          if (!loading && outbox.length) post(null);  // loaded: what waits goes now
        }
      }
      if (wanted(message.method)) post({event: message});
      return;
    }
    return original(text);
  };
  api.dispatchMessage = (message) => handle(typeof message === 'string' ? message : JSON.stringify(message));
  let buffer = '', expected = 0;
  api.dispatchMessageChunk = (chunk, size) => {
    if (Number(size)) { buffer = ''; expected = Number(size); }
    buffer += chunk;
    if (new TextEncoder().encode(buffer).length >= expected) { const whole = buffer; buffer = ''; handle(whole); }
  };
  host.loadNetworkResource = (url, headers, streamId, callback) =>
    callback({statusCode: 403, netError: -20, netErrorName: 'net::ERR_BLOCKED_BY_CLIENT'});
  const startsLikeMedia = (bytes) => SIGNATURES.some(([offset, signature]) =>
    signature.every((b, i) => bytes[offset + i] === b)) ||
    (bytes[0] === 0x42 && bytes[1] === 0x4d && bytes.length > 10 && !bytes[6] && !bytes[7] && !bytes[8] && !bytes[9]);
  const binaryText = (text) => /[\u0000\ufffd]/.test(text.slice(0, 512));
  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
  window.__evidenceBridge = {
    send,
    bodies(calls) { for (const [token, requestId, sessionId, keep] of calls) this.body(token, requestId, sessionId, keep); },
    body(token, requestId, sessionId, keep) {
      const id = nextInternal++;
      internal.set(id, (message) => {
        if (message.error || !message.result) {
          post({body: token, error: (message.error && message.error.message) || 'no body'});
          return;
        }
        const r = message.result;
        let bytes;
        if (r.base64Encoded) {
          const raw = atob(r.body);
          bytes = new Uint8Array(raw.length);
          for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
        } else {
          bytes = new TextEncoder().encode(r.body);
        }
        crypto.subtle.digest('SHA-256', bytes).then((digest) => {
          const out = {body: token, sha256: hex(digest), size: bytes.length, decoded: !r.base64Encoded};
          if (keep && (startsLikeMedia(bytes) || (!r.base64Encoded && binaryText(r.body))))
            out.withheld = 'Not kept: it starts like a picture, a film or a sound, whatever its declared type.';
          else if (keep) { out.data = r.base64Encoded ? r.body : null; out.text = r.base64Encoded ? null : r.body; }
          post(out);
        });
      });
      send(id, 'Network.getResponseBody', {requestId}, sessionId);
    },
  };
  return 'installed';
})()
"""


class _FrontendOnly(QWebEngineUrlRequestInterceptor):
    """Lets the hidden page load the frontend's document and nothing else: not the DevTools app.

    The bridge needs only what the browser gives the frontend's document itself
    (``DevToolsAPI`` and ``InspectorFrontendHost``); the app's scripts and styles are
    megabytes of code for a window nobody sees. Without them the frontend loads in a
    fraction of the time, so a new tab waits far less for its recorder, and none of the
    app's code runs at all.
    """

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 - Qt's name
        url = info.requestUrl().toString().split("#", 1)[0].split("?", 1)[0]
        if info.resourceType() != QWebEngineUrlRequestInfo.ResourceType.ResourceTypeMainFrame or url != FRONTEND_URL:
            info.block(True)


class _FrontendPage(QWebEnginePage):
    """The hidden DevTools page: its console is the way the bridge talks to Python."""

    def __init__(self, profile: Any, token: str, deliver: Callable[[str], None], parent: QObject) -> None:
        super().__init__(profile, parent)
        self._token = token
        self._deliver = deliver

    def javaScriptConsoleMessage(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str,
                                 line: int, source: str) -> None:  # noqa: N802 - Qt's name
        if message.startswith(self._token):
            self._deliver(message[len(self._token):])
        # The frontend's own console chatter is not logged: it may quote the inspected page.


class DevToolsChannel(QObject):
    """The DevTools Protocol for one page, through a hidden, in-process DevTools frontend.

    :attr:`ready` is emitted once the agent answers; requests sent before then are queued.
    :meth:`listen` adds a function called with every event of the ``domains`` asked for
    (method, params, session id). A plain Python call, not a Qt signal: PySide6 6.12 miscounts
    references to ``True``/``False`` inside dicts sent through signals by the thousand
    ("bool_dealloc" fatal error, seen on a page with 2,000 images).
    :attr:`failed` carries a plain sentence if the channel cannot be set up.
    ``assemble_responses``: the Network events a response's record is made of are assembled in the
    bridge and reach listeners as :data:`RESPONSE_EVENT`, :data:`PAGE_EVENT` and
    :data:`CERTIFICATE_EVENT` instead (see the module's text); other events are unchanged.
    """

    ready = Signal()
    failed = Signal(str)

    def __init__(self, page: QWebEnginePage, domains: Sequence[str] = ("Network.",),
                 parent: QObject | None = None, *, attach_later: bool = False,
                 assemble_responses: bool = False) -> None:
        super().__init__(parent)
        reason = remote_debugging_requested()
        if reason:
            raise DevToolsUnavailable(f"The browser would open an unprotected debugging port ({reason}). "
                                      "Remove it and start again.")
        self._page = page
        self._domains = tuple(domains)
        self._assemble = assemble_responses
        self._token = f"__evidence_{secrets.token_hex(16)}:"
        self._next_id = FIRST_ID
        self._waiting: dict[int, Callable[[Reply], None] | None] = {}
        self._bodies: dict[str, Callable[[BodyDigest], None]] = {}
        self._queue: list[str] = []
        self._ready = False
        self._closed = False
        self._probe_id = 0
        self._listeners: list[Callable[[str, dict[str, Any], str], None]] = []
        self.frontend = _FrontendPage(page.profile(), self._token, self._on_batch, self)
        self._frontend_only = _FrontendOnly(self.frontend)  # kept here: Qt's parent alone does not keep it alive
        self.frontend.setUrlRequestInterceptor(self._frontend_only)
        self.frontend.loadFinished.connect(self._on_frontend_loaded)
        self._probe = QTimer(self)
        self._probe.setInterval(PROBE_EVERY_MS)
        self._probe.timeout.connect(self._send_probe)
        self._give_up = QTimer(self)
        self._give_up.setSingleShot(True)
        self._give_up.timeout.connect(self._on_too_slow)
        self._give_up.start(READY_WITHIN_MS)
        if attach_later:
            QTimer.singleShot(0, self._attach)
        else:
            self._attach()

    def _attach(self) -> None:
        if not self._closed and shiboken6.isValid(self._page):
            self._page.setDevToolsPage(self.frontend)

    @property
    def is_ready(self) -> bool:
        return self._ready

    # ------------------------------------------------------------------ requests

    def listen(self, listener: Callable[[str, dict[str, Any], str], None]) -> None:
        """Call ``listener(method, params, session_id)`` for every event of the domains asked for."""
        self._listeners.append(listener)

    def send(self, method: str, params: dict[str, Any] | None = None,
             callback: Callable[[Reply], None] | None = None, session_id: str = "") -> int:
        """Send one protocol request; ``callback(Reply)`` runs on the UI thread when it is answered."""
        request_id = self._next_id
        self._next_id += 1
        self._waiting[request_id] = callback
        call = (f"window.__evidenceBridge.send({request_id}, {json.dumps(method)}, "
                f"{json.dumps(params or {})}, {json.dumps(session_id)})")
        self._run(call)
        return request_id

    def quieten(self, session_id: str = "") -> None:
        """Switch off what the frontend may have switched on before the bridge was in (see :data:`QUIET`)."""
        for method in QUIET:
            self.send(method, session_id=session_id)

    def body(self, request_id: str, callback: Callable[[BodyDigest], None], *, keep: bool,
             session_id: str = "") -> None:
        """Hash the body of ``request_id`` in the frontend; the bytes come back only when ``keep``."""
        self.bodies([BodyRequest(request_id, callback, keep, session_id)])

    def bodies(self, requests: Sequence[BodyRequest]) -> None:
        """:meth:`body` for many at once, in one call into the frontend (hundreds after a heavy page).

        One ``runJavaScript`` each would be as many messages through the browser's main thread.
        """
        calls = []
        for request in requests:
            token = secrets.token_hex(8)
            self._bodies[token] = request.callback
            calls.append([token, request.request_id, request.session_id, request.keep])
        if calls:
            self._run(f"window.__evidenceBridge.bodies({json.dumps(calls)})")

    def close(self) -> None:
        """Detach and delete the hidden page (before the profile goes)."""
        if self._closed:
            return
        self._closed = True
        self._probe.stop()
        self._give_up.stop()
        self._waiting.clear()
        self._bodies.clear()
        if shiboken6.isValid(self._page):
            self._page.setDevToolsPage(None)
        if shiboken6.isValid(self.frontend):
            shiboken6.delete(self.frontend)

    # ------------------------------------------------------------------ plumbing

    def _run(self, call: str) -> None:
        if self._closed:
            return
        if not self._ready:
            self._queue.append(call)
            return
        self.frontend.runJavaScript(call, 0)

    def _on_frontend_loaded(self, ok: bool) -> None:
        if self._closed or self._ready:
            return
        if not ok or self.frontend.url().toString() != FRONTEND_URL:
            self._fail(f"The browser's DevTools page did not load ({self.frontend.url().toString()!r}).")
            return
        signatures = [[offset, list(signature)] for offset, signature in SIGNATURES]
        script = _BRIDGE % {"token": json.dumps(self._token), "first_id": FIRST_ID,
                            "domains": json.dumps(list(self._domains)), "signatures": json.dumps(signatures),
                            "assemble": "true" if self._assemble else "false", "lazy_ms": LAZY_MS}
        self.frontend.runJavaScript(script, 0, self._on_bridge)

    def _on_bridge(self, outcome: Any) -> None:
        if self._closed:
            return
        if outcome not in ("installed", "again"):
            self._fail(f"The DevTools frontend has changed: its message hooks were not found ({outcome!r}).")
            return
        self._send_probe()
        self._probe.start()

    def _send_probe(self) -> None:
        self._probe_id = self._next_id
        self._next_id += 1
        self._waiting[self._probe_id] = None
        self.frontend.runJavaScript(
            f"window.__evidenceBridge.send({self._probe_id}, 'Runtime.evaluate', {{'expression': '1'}}, '')", 0)

    def _on_batch(self, text: str) -> None:
        try:
            batch = json.loads(text)
        except ValueError:
            return
        for message in batch if isinstance(batch, list) else []:
            if self._closed:
                return
            if isinstance(message, dict):
                self._on_message(message)

    def _on_message(self, message: dict[str, Any]) -> None:
        if "reply" in message:
            self._on_reply(message["reply"])
        elif "event" in message:
            event = message["event"]
            method, params, session = (str(event.get("method", "")), dict(event.get("params") or {}),
                                       str(event.get("sessionId", "")))
            for listener in list(self._listeners):
                listener(method, params, session)
        elif "body" in message:
            self._on_body(message)

    def _on_reply(self, reply: dict[str, Any]) -> None:
        request_id = reply.get("id")
        if not self._ready and isinstance(request_id, int) and request_id <= self._probe_id:
            if "result" in reply:
                self._become_ready()
            self._waiting.pop(request_id, None)
            return
        callback = self._waiting.pop(request_id, None) if isinstance(request_id, int) else None
        if callback is None:
            return
        error = reply.get("error")
        callback(Reply(None, str(error.get("message", error))) if error else Reply(dict(reply.get("result") or {})))

    def _on_body(self, message: dict[str, Any]) -> None:
        callback = self._bodies.pop(str(message.get("body")), None)
        if callback is None:
            return
        if message.get("error"):
            callback(BodyDigest("", 0, False, None, str(message["error"])))
            return
        kept: bytes | None = None
        if message.get("text") is not None:
            kept = str(message["text"]).encode("utf-8")
        elif message.get("data") is not None:
            import base64

            kept = base64.b64decode(message["data"])
        callback(BodyDigest(str(message["sha256"]), int(message["size"]), bool(message["decoded"]), kept,
                            withheld=str(message.get("withheld", ""))))

    def _become_ready(self) -> None:
        self._ready = True
        self._probe.stop()
        self._give_up.stop()
        queued, self._queue = self._queue, []
        for call in queued:
            self.frontend.runJavaScript(call, 0)
        self.ready.emit()

    def _on_too_slow(self) -> None:
        if not self._ready:
            self._fail("The browser's DevTools channel did not answer in time.")

    def _fail(self, sentence: str) -> None:
        self._probe.stop()
        self._give_up.stop()
        self.failed.emit(sentence)
