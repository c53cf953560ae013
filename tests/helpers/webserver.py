"""A small threaded HTTP server on 127.0.0.1 that serves the browser tests' pages.

Every page the recorded-browser tests need lives here: a chain of redirects, a
pushState page, pages that open new windows, a download, permission requests,
a long page with a coloured block at the bottom, a page that never finishes
loading (held open for a bounded time), and a page with thousands of
sub-resources. The server records every request path it receives, so tests
can check what the browser fetched (and that nothing was fetched twice).

For the stop's blocklist tests, anything under ``/listed/`` is a page of its
own (so a request for it would show in :attr:`WebServer.paths`), and three
pages lead into it: ``/to-listed`` redirects there, ``/frame-host`` frames
it, and ``/image-host?host=...`` shows an image from it (on another host name
for the same server, so a host entry can list one and not the other).

The server also counts the TCP connections it accepts (:attr:`WebServer.connections`),
so that a connection the browser opens without sending a request (a preconnect) is
seen too, and it can listen on another loopback address (``WebServer(host="127.0.0.2")``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from tests.helpers.serving import serve_in_background, stop_serving

MARKER = "MARKER-7f3c2a9e-evidence-browser"
BOTTOM_RGB = (0x12, 0xC0, 0x4D)  # the block at the foot of the long page
HOLD_SECONDS = 8.0  # how long /slow keeps its connection open at most


def _keep_png() -> bytes:
    from tests.helpers.images import make_png

    return make_png(37, 23, seed=7)


KEEP_PNG = _keep_png()


def big_png() -> bytes:
    """A picture of about 6 MB (noise does not compress), made once: the kept page's archive is then large."""
    global _BIG
    if _BIG is None:
        from tests.helpers.images import random_png

        _BIG = random_png(1400, 1100)
    return _BIG


_BIG: bytes | None = None  # the picture on /keep-me: 37 pixels wide, to be found again in the kept page


def _page(title: str, body: str, head: str = "") -> bytes:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}"
            f"</head><body>{body}</body></html>").encode("utf-8")


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)


class TestSite:
    """The pages, by path. ``base`` is set once the server has a port."""

    def __init__(self) -> None:
        self.base = ""

    def route(self, path: str, query: dict[str, list[str]]) -> Response | None:
        handler: Callable[[dict[str, list[str]]], Response] | None = {
            "/": self.index,
            "/plain": self.plain,
            "/forum": self.forum,
            "/marker": self.marker,
            "/redirect/1": lambda q: self.redirect("/redirect/2"),
            "/redirect/2": lambda q: self.redirect("/redirect/3"),
            "/redirect/3": lambda q: self.redirect("/landed"),
            "/landed": lambda q: Response(200, _page("Landed", "<h1>Landed after three redirects</h1>")),
            "/pushstate": self.pushstate,
            "/fragment": self.fragment,
            "/popup": self.popup,
            "/target-blank": self.target_blank,
            "/opened": lambda q: Response(200, _page("Opened", "<h1>Opened in a new window</h1>")),
            "/download": self.download_page,
            "/file.bin": self.download_file,
            "/geolocation": self.permission_page("navigator.geolocation.getCurrentPosition("
                                                 "p => document.title = 'granted', "
                                                 "e => document.title = 'denied:' + e.code);"),
            "/notifications": self.permission_page("Notification.requestPermission()"
                                                   ".then(r => document.title = 'notify:' + r);"),
            "/long": self.long_page,
            "/bands": self.bands_page,
            "/many": self.many_page,
            "/res": self.resource,
            "/file-link": lambda q: Response(200, _page("File link",
                                             "<a id='f' href='file:///etc/hostname'>local file</a>")),
            "/to-listed": lambda q: self.redirect("/listed/redirected"),
            "/frame-host": lambda q: Response(200, _page("Frame host", "<h1>A page with a frame</h1>"
                                              f"<iframe src='{q.get('src', ['/listed/framed'])[0]}'></iframe>")),
            "/image-host": self.image_host,
            "/keep-me": lambda q: Response(200, _page("Keep me", f"<h1>A page to keep</h1><p>{MARKER}</p>"
                                                      "<img src='/keep-me.png'>")),
            "/keep-me.png": lambda q: Response(200, KEEP_PNG, (("Content-Type", "image/png"),)),
            "/keep-big": lambda q: Response(200, _page("Keep big", "<h1>A page with a large picture</h1>"
                                                       "<img src='/keep-big.png'>")),
            "/keep-big.png": lambda q: Response(200, big_png(), (("Content-Type", "image/png"),)),
        }.get(path)
        if handler is None and path.startswith("/listed/"):
            handler = self.listed
        return handler(query) if handler is not None else None

    # ---------------------------------------------------------------- pages

    def index(self, query: dict[str, list[str]]) -> Response:
        return Response(200, _page("Test index", "<h1>Local test site</h1><p>Pages for the browser tests.</p>"
                                   "<ul><li><a href='/long'>A long page</a></li>"
                                   "<li><a href='/redirect/1'>Three redirects</a></li></ul>"))

    def plain(self, query: dict[str, list[str]]) -> Response:
        return Response(200, _page("Plain page", "<h1>Plain page</h1>"
                                   "<p style='font-size:20px'>Nothing to see here.</p>",
                                   "<style>body{background:#fafafa;font-family:sans-serif}</style>"))

    def forum(self, query: dict[str, list[str]]) -> Response:
        """A made-up forum thread, for screenshots of the browser."""
        posts = [("quietfox_22", "Anyone else see what was posted on the year group page last night?"),
                 ("nightowl", "yeah it was horrible, someone screenshotted it before it got deleted"),
                 ("quietfox_22", "they said they'd do it again tomorrow if nobody stops them"),
                 ("mod_team", "This thread has been reported and is under review.")]
        items = "".join(f"<div class='post'><b>{who}</b><span>posted 21:4{n}</span><p>{text}</p></div>"
                        for n, (who, text) in enumerate(posts))
        style = ("<style>body{margin:0;font-family:sans-serif;background:#eef1f5}"
                 "header{background:#3b4a6b;color:#fff;padding:14px 24px;font-size:20px}"
                 ".post{background:#fff;margin:14px 24px;padding:12px 16px;border-radius:6px;"
                 "box-shadow:0 1px 2px #0002}.post span{color:#888;margin-left:10px;font-size:13px}"
                 ".post p{margin:8px 0 0}</style>")
        return Response(200, _page("Year 9 chat - Local test forum", f"<header>Local test forum · Year 9 chat</header>{items}",
                                   style))

    def marker(self, query: dict[str, list[str]]) -> Response:
        return Response(200, _page(f"Marker {MARKER}", f"<p id='m'>{MARKER}</p>"
                                   "<div style='height:200px;background:#a33'></div>"))

    @staticmethod
    def redirect(target: str) -> Response:
        return Response(302, b"", (("Location", target), ("Content-Length", "0")))

    def pushstate(self, query: dict[str, list[str]]) -> Response:
        return Response(200, _page("Push state", "<button id='go' onclick=\"history.pushState({}, '', "
                                   "'/pushed/step-2'); document.title='Pushed';\">go</button>"))

    def fragment(self, query: dict[str, list[str]]) -> Response:
        return Response(200, _page("Fragment", "<a id='jump' href='#section-2'>jump</a>"
                                   "<div style='height:3000px'></div><h2 id='section-2'>Two</h2>"))

    def popup(self, query: dict[str, list[str]]) -> Response:
        return Response(200, _page("Popup opener", "<script>function openIt(){window.open('/opened');}"
                                   "</script><button id='b' onclick='openIt()'>open</button>"))

    def target_blank(self, query: dict[str, list[str]]) -> Response:
        return Response(200, _page("Target blank", "<a id='a' target='_blank' href='/opened' "
                                   "style='display:block;width:400px;height:300px;background:#39f'>open</a>"))

    def download_page(self, query: dict[str, list[str]]) -> Response:
        return Response(200, _page("Download", "<a id='d' href='/file.bin'>get the file</a>"))

    def download_file(self, query: dict[str, list[str]]) -> Response:
        body = (f"DOWNLOAD-{MARKER}-".encode() * 2000)[:50_000]
        return Response(200, body, (("Content-Type", "application/octet-stream"),
                                    ("Content-Disposition", 'attachment; filename="evidence-test.bin"'),
                                    ("Content-Length", str(len(body)))))

    @staticmethod
    def permission_page(script: str) -> Callable[[dict[str, list[str]]], Response]:
        return lambda q: Response(200, _page("Asking", f"<script>{script}</script>"))

    def long_page(self, query: dict[str, list[str]]) -> Response:
        height = int(query.get("h", ["6000"])[0])
        r, g, b = BOTTOM_RGB
        return Response(200, _page("A long page", (
            "<div style='height:300px;background:#fff'><h1>Top of the long page</h1></div>"
            f"<div style='height:{height}px;background:linear-gradient(#eef,#fee)'></div>"
            f"<div id='bottom' style='height:400px;background:rgb({r},{g},{b})'>bottom</div>"),
            "<style>body{margin:0} h1{margin:0}</style>"))

    def bands_page(self, query: dict[str, list[str]]) -> Response:
        """Bands 100 px tall, each a colour that encodes its index: checks the stitching row by row."""
        count = int(query.get("n", ["50"])[0])
        sticky = ("<div id='bar' style='position:sticky;top:0;height:60px;background:rgb(250,0,250);z-index:9'>"
                  "</div>" if query.get("sticky") else "")
        bands = sticky + "".join(f"<div style='height:100px;background:rgb({(i * 37) % 256},{(i * 91) % 256},{i % 256})'>"
                        "</div>" for i in range(count))
        return Response(200, _page("Bands", bands, "<style>body{margin:0}</style>"))

    def listed(self, query: dict[str, list[str]]) -> Response:
        return Response(200, _page("Listed", f"<h1>A listed page {MARKER}</h1>"))

    def image_host(self, query: dict[str, list[str]]) -> Response:
        host = query.get("host", ["127.0.0.1"])[0]
        port = self.base.rsplit(":", 1)[-1]
        return Response(200, _page("Image host", f"<h1>A page with an image</h1>"
                                   f"<img src='http://{host}:{port}/listed/picture.png' width=50 height=50>"))

    def many_page(self, query: dict[str, list[str]]) -> Response:
        """``n`` sub-resources (``kind`` img or css); ``delay`` ms makes each one that much slower to arrive."""
        count = int(query.get("n", ["3000"])[0])
        kind = query.get("kind", ["css"])[0]
        delay = f"&delay={int(query['delay'][0])}" if "delay" in query else ""
        if kind == "img":
            images = "".join(f"<img src='/res?i={i}{delay}' width=1 height=1>" for i in range(count))
            return Response(200, _page("Many resources", "<h1 id='done'>Many</h1>" + images))
        links = "".join(f"<link rel='stylesheet' href='/res?i={i}{delay}'>" for i in range(count))
        return Response(200, _page("Many resources", "<h1 id='done'>Many</h1>", links))

    def resource(self, query: dict[str, list[str]]) -> Response:
        """A tiny sub-resource; ``delay`` ms (at most a second) first, as a server further away would take."""
        delay_ms = min(1000, max(0, int(query.get("delay", ["0"])[0])))
        if delay_ms:
            time.sleep(delay_ms / 1000)
        return Response(200, b"/* r */", (("Content-Type", "text/css"),))


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: without this, 40 ms each

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence the default log
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        parts = urlsplit(self.path)
        self.server.owner._note(self.path)
        if parts.path == "/slow":
            self._slow()
            return
        if parts.path.startswith("/pushed/"):
            response: Response | None = Response(200, _page("Pushed", "pushed"))
        else:
            response = self.server.owner.site.route(parts.path, parse_qs(parts.query))
        if response is None:
            response = Response(404, _page("Not found", "not found"))
        self.send_response(response.status)
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            self.send_header(name, value)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(response.body)

    def _slow(self) -> None:
        """A page that never finishes: a little HTML, then the connection held open (bounded)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        self.wfile.write(_page("Never finishes", "<h1 id='h'>Still loading</h1>")[:-len("</body></html>")])
        self.wfile.flush()
        deadline = time.monotonic() + HOLD_SECONDS
        while time.monotonic() < deadline and not self.server.owner.stopping.is_set():
            self.server.owner.stopping.wait(0.05)
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: "WebServer"

    def get_request(self):  # type: ignore[no-untyped-def]
        accepted = super().get_request()
        self.owner._accepted(accepted[1])
        return accepted


class WebServer:
    """Start with :meth:`start`; ``url(path)`` builds addresses; ``paths`` lists what was asked for."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.site = TestSite()
        self.stopping = threading.Event()
        self._paths: list[str] = []
        self._peers: list[object] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> WebServer:
        server = _Server((self.host, 0), _Handler)
        server.owner = self
        self._server = server
        self.site.base = f"http://{self.host}:{server.server_address[1]}"
        self._thread = serve_in_background(server, "test-webserver")
        return self

    def stop(self) -> None:
        self.stopping.set()
        stop_serving(self._server, self._thread)

    @property
    def base(self) -> str:
        return self.site.base

    def url(self, path: str) -> str:
        return self.base + path

    def _note(self, path: str) -> None:
        with self._lock:
            self._paths.append(path)

    def _accepted(self, peer: object) -> None:
        with self._lock:
            self._peers.append(peer)

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    @property
    def connections(self) -> int:
        """How many TCP connections the server has accepted, with a request sent on them or not."""
        with self._lock:
            return len(self._peers)

    @property
    def paths(self) -> list[str]:
        with self._lock:
            return list(self._paths)

    def count(self, prefix: str) -> int:
        return sum(1 for p in self.paths if p.startswith(prefix))
