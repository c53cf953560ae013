"""A local RFC 3161 time-stamp authority for tests, built on pyHanko's test time stamper.

:func:`local_tsa` answers as an authority does; :func:`hostile_tsa` stamps each request
the same way, then hands the genuine answer to the test, which answers what it likes:
garbage, an error page, a body without end, a trickle, another request's answer.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper


def _tsa_identity(common_name: str) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Evidence App tests")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=3650)).not_valid_after(now + dt.timedelta(days=30))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                   .sign(key, hashes.SHA256()))
    return certificate, key


@dataclass(frozen=True)
class Reply:
    """What a hostile authority sends back: a body, an HTTP status, and how."""

    body: bytes
    status: int = 200
    content_type: str = "application/timestamp-reply"
    pause: float = 0.0        # seconds between each byte of the body (a trickle)
    declare_length: bool = True  # without Content-Length, the body simply runs until the connection closes


@contextmanager
def local_tsa(ca_file: Path | None = None, *, name: str = "Test Time-Stamp Authority",
              fixed_time: dt.datetime | None = None) -> Iterator[str]:
    """Serve a TSA on 127.0.0.1; yield its URL. ``ca_file`` receives its certificate (PEM) for openssl.

    ``name`` is the name it signs under (anyone can choose a famous one); ``fixed_time``, the
    time it puts on every stamp (a back-dating authority).
    """
    with hostile_tsa(Reply, ca_file, name=name, fixed_time=fixed_time) as url:
        yield url


@contextmanager
def hostile_tsa(reply: Callable[[bytes], Reply], ca_file: Path | None = None, *,
                name: str = "Test Time-Stamp Authority", fixed_time: dt.datetime | None = None) -> Iterator[str]:
    """A TSA on 127.0.0.1 that stamps each request as :func:`local_tsa` does, then sends ``reply(genuine)``."""
    certificate, key = _tsa_identity(name)
    if ca_file is not None:
        ca_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption())),
        fixed_dt=fixed_time)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            answer = reply(stamper.request_tsa_response(request).dump())
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            if answer.declare_length:
                self.send_header("Content-Length", str(len(answer.body)))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            try:
                if not answer.pause:
                    self.wfile.write(answer.body)
                for index in range(len(answer.body) if answer.pause else 0):
                    self.wfile.write(answer.body[index:index + 1])
                    self.wfile.flush()
                    time.sleep(answer.pause)
            except OSError:
                pass  # the client gave up on a body without end, or on a trickle

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
