"""A tall page on 127.0.0.1 whose pictures load only when they come into view, each one late.

``/lazy`` is 9,000 px tall on a light grey ground (:data:`GROUND`). Far below the fold it shows
pictures of known solid colours, each served after :attr:`LazySite.delay` seconds:

- ``native`` (:data:`NATIVE_RGB`) at y = :data:`NATIVE_TOP`: ``<img loading="lazy">``;
- ``observed`` (:data:`OBSERVED_RGB`) at y = :data:`OBSERVED_TOP`: an ``<img>`` with no ``src``
  whose address a script sets when an ``IntersectionObserver`` says it has come into view, as
  social sites do with the rows of a feed;
- two lazy pictures that never come into view, so never load whatever the viewport's height
  (one ``display: none``, one pushed sideways out of a box that hides its overflow): waiting for
  them would wait for ever.

``/lazy?stuck=1`` adds ``stuck`` (:data:`STUCK_RGB`) at y = :data:`STUCK_TOP`, a lazy picture whose
answer is held for :data:`STUCK_SECONDS` (longer than any wait should last).

All pictures are :data:`PICTURE_SIZE` CSS pixels, sized in the HTML, so nothing moves when they
arrive. The server notes when each picture was asked for (:meth:`LazySite.asked`).
"""

from __future__ import annotations

import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.helpers.serving import serve_in_background, stop_serving

GROUND = (235, 235, 235)
NATIVE_RGB = (200, 30, 40)
OBSERVED_RGB = (30, 60, 200)
STUCK_RGB = (20, 160, 60)
HIDDEN_RGB = (250, 200, 0)
PAGE_HEIGHT = 9_000
NATIVE_TOP = 6_000
OBSERVED_TOP = 8_000
STUCK_TOP = 7_000
PICTURE_LEFT = 100
PICTURE_SIZE = (400, 300)
STUCK_SECONDS = 8.0
DELAY_SECONDS = 0.6


def solid_png(rgb: tuple[int, int, int], width: int = PICTURE_SIZE[0], height: int = PICTURE_SIZE[1]) -> bytes:
    """A PNG of one colour (8-bit RGB, no filter)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height, 9)) + chunk(b"IEND", b""))


def _colour(rgb: tuple[int, int, int]) -> str:
    return bytes(rgb).hex()


def lazy_page(stuck: bool) -> bytes:
    width, height = PICTURE_SIZE

    def placed(top: int, tag: str) -> str:
        return f"<div style='position:absolute;left:{PICTURE_LEFT}px;top:{top}px'>{tag}</div>"

    size = f"width={width} height={height}"
    parts = [
        "<h1 style='margin:0;padding:20px'>A long feed whose pictures load late</h1>",
        placed(NATIVE_TOP, f"<img id='native' loading='lazy' {size} src='/pic?rgb={_colour(NATIVE_RGB)}'>"),
        placed(OBSERVED_TOP, f"<img id='observed' class='later' {size} data-src='/pic?rgb={_colour(OBSERVED_RGB)}'>"),
        placed(5_000, f"<img id='hidden' loading='lazy' {size} style='display:none' "
                      f"src='/pic?rgb={_colour(HIDDEN_RGB)}&never=hidden'>"),
        placed(5_500, "<div style='width:300px;height:100px;overflow:hidden;white-space:nowrap'>"
                      "<div style='width:300px;height:100px;display:inline-block'></div>"
                      f"<img id='aside' loading='lazy' width=300 height=100 style='margin-left:3000px' "
                      f"src='/pic?rgb={_colour(HIDDEN_RGB)}&never=aside'></div>"),
    ]
    if stuck:
        parts.append(placed(STUCK_TOP, f"<img id='stuck' loading='lazy' {size} "
                                       f"src='/pic?rgb={_colour(STUCK_RGB)}&hold=1'>"))
    script = ("<script>const seen = new IntersectionObserver(entries => { for (const e of entries) {"
              " if (e.isIntersecting) { e.target.src = e.target.dataset.src; seen.unobserve(e.target); } } });"
              " document.querySelectorAll('img.later').forEach(img => seen.observe(img));</script>")
    style = (f"<style>html,body{{margin:0;background:rgb{GROUND}}}"
             f"body{{position:relative;height:{PAGE_HEIGHT}px;font-family:sans-serif}}</style>")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Lazy pictures</title>{style}</head>"
            f"<body>{''.join(parts)}{script}</body></html>").encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence the default log
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        site = self.server.site
        site.note(self.path)
        if parts.path == "/lazy":
            self._send(lazy_page(bool(query.get("stuck"))), "text/html; charset=utf-8")
        elif parts.path == "/pic":
            rgb = bytes.fromhex(query.get("rgb", ["000000"])[0])
            hold = STUCK_SECONDS if query.get("hold") else site.delay
            site.stopping.wait(hold)
            if site.stopping.is_set():
                self.close_connection = True
                return
            self._send(solid_png((rgb[0], rgb[1], rgb[2])), "image/png")
        else:
            self._send(b"not found", "text/plain", 404)

    def _send(self, body: bytes, kind: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: LazySite


class LazySite:
    """Start with :meth:`start`, stop with :meth:`stop`; ``delay`` is each picture's lateness in seconds."""

    def __init__(self, delay: float = DELAY_SECONDS) -> None:
        self.delay = delay
        self.stopping = threading.Event()
        self._asked: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.base = ""

    def start(self) -> LazySite:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.site = self
        self._server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = serve_in_background(server, "lazy-site")
        return self

    def stop(self) -> None:
        self.stopping.set()
        stop_serving(self._server, self._thread)

    def url(self, path: str) -> str:
        return self.base + path

    def note(self, path: str) -> None:
        with self._lock:
            self._asked.append((time.monotonic(), path))

    def asked(self, part: str) -> list[float]:
        """When (``time.monotonic``) each request whose path contains ``part`` arrived."""
        with self._lock:
            return [at for at, path in self._asked if part in path]
