"""A site on 127.0.0.1 for the response-recording tests: known bodies, known headers, HTTP or HTTPS.

``/page`` is an HTML page that shows ``/image.png``, runs ``/app.js``, styles itself with
``/style.css`` and fetches ``/posts.json`` (as social sites deliver posts) and
``/disguised.txt`` (a picture labelled as text). ``/outer`` frames ``/page`` from
``localhost``: another site, so Chromium runs the frame in a process of its own. Every response
carries ``X-Evidence-Test: <name>`` so a test can check the recorded headers against what
was sent. :data:`BODIES` says what each path sends, so tests can compare hashes.

``ResponsesSite(tls=True)`` serves HTTPS with a certificate for 127.0.0.1 issued by a
test CA made here with ``cryptography`` (:attr:`ResponsesSite.chain_der` holds the
server's certificate and the CA's, DER). The browser does not trust that CA, which is
what the certificate-error tests want.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.helpers.images import make_png

IMAGE = make_png(40, 30, seed=18)
VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000
POSTS = b'{"posts":[{"id":1,"text":"first post \\u2013 evidence"}]}'
SCRIPT = (b"fetch('/posts.json').then(r => r.json()).then(j => { document.title = document.title; });"
          b"fetch('/disguised.txt').then(r => r.text());")
STYLE = b"body { color: #123456; }"
PAGE = ("<!doctype html><html><head><meta charset='utf-8'><title>Responses</title>"
        "<link rel='stylesheet' href='/style.css'></head><body><p>The page \u2013 text.</p>"
        "<img src='/image.png'><script src='/app.js'></script></body></html>").encode("utf-8")
NOT_A_PICTURE = b"These bytes are labelled image/png, but they are not a picture. " * 8
BROKEN_PAGE = (b"<!doctype html><html><head><meta charset='utf-8'><title>Broken</title></head><body>"
               b"<img src='/broken.png'></body></html>")
VIDEO_PAGE = (b"<!doctype html><html><head><meta charset='utf-8'><title>Video</title></head><body>"
              b"<video id='v' src='/clip.mp4' autoplay muted></video></body></html>")

BODIES: dict[str, tuple[str, bytes]] = {
    "/page": ("text/html; charset=utf-8", PAGE),
    "/image.png": ("image/png", IMAGE),
    "/posts.json": ("application/json", POSTS),
    "/app.js": ("text/javascript", SCRIPT),
    "/style.css": ("text/css", STYLE),
    "/video": ("text/html; charset=utf-8", VIDEO_PAGE),
    "/clip.mp4": ("video/mp4", VIDEO),
    "/disguised.txt": ("text/plain", IMAGE),  # a picture labelled as text, fetched by a script
    "/broken": ("text/html; charset=utf-8", BROKEN_PAGE),
    "/broken.png": ("image/png", NOT_A_PICTURE),  # the browser cannot decode it, and gives back no bytes
}


def make_test_chain(folder: Path) -> tuple[Path, Path, list[bytes]]:
    """A CA and a server certificate for 127.0.0.1: (certificate chain PEM, key PEM, [server DER, CA DER])."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Evidence Test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Evidence Test Server")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=10))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    chain = folder / "chain.pem"
    chain.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM))
    key_file = folder / "key.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return chain, key_file, [cert.public_bytes(serialization.Encoding.DER), ca.public_bytes(serialization.Encoding.DER)]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: without this, 40 ms on a reused connection

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        path = self.path.split("?", 1)[0]
        found = BODIES.get(path)
        if path == "/outer":  # the page again, in a frame of another site (its own process, its own target)
            scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
            found = ("text/html; charset=utf-8", (
                "<!doctype html><html><head><meta charset='utf-8'><title>Outer</title></head><body>"
                f"<iframe src='{scheme}://localhost:{self.server.server_address[1]}/page'></iframe>"
                "</body></html>").encode("utf-8"))
        if found is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        kind, body = found
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Evidence-Test", path.strip("/").split(".")[0] or "root")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the standard library's name
        pass


class ResponsesSite:
    """The site, on a free port of 127.0.0.1. ``start()`` returns itself; ``stop()`` ends it."""

    def __init__(self, *, tls: bool = False) -> None:
        self.tls = tls
        self.chain_der: list[bytes] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        if tls:
            with tempfile.TemporaryDirectory(prefix="evidence-test-tls-") as folder:
                chain, key, self.chain_der = make_test_chain(Path(folder))
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(chain, key)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.base = f"{'https' if tls else 'http'}://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> ResponsesSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
