"""RFC 3161 time stamps: a trusted third party's signed word on when the export was made.

When the school sets a time-stamp authority (TSA) URL, the export asks it to
time-stamp the bag's tag manifest; the token travels in the bag beside the
case key's signature. Verification (``rfc3161-client``, not ASN.1 of our own)
checks that the imprint is the tag manifest's hash, that the TSA's signature
is sound, and that its certificate chains to a root the checker trusts: the
system's, or a file the officer gives (``--trust-roots``). A token any stranger
could make, named after a real authority, chains to nothing and fails.
"""

from __future__ import annotations

import ssl
import warnings
from pathlib import Path

from cryptography import x509

from evidence_app.vault.rfc3161 import (
    MAX_RESPONSE_BYTES,
    TimestampError,
    TimestampInfo,
    check_head_token,
    check_token,
    request_token,
)

__all__ = ["MAX_RESPONSE_BYTES", "TimestampError", "TimestampInfo", "check_head_token", "check_token",
           "request_token", "trust_roots"]

MAX_ROOTS_FILE = 16 * 1024 * 1024


def _certificates(blobs: list[bytes], *, pem: bool) -> list[x509.Certificate]:
    """Each certificate that loads; one odd certificate in a system store spoils none of the rest."""
    loaded = []
    for blob in blobs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                loaded.append(x509.load_pem_x509_certificate(blob) if pem else x509.load_der_x509_certificate(blob))
            except ValueError:
                continue
    return loaded


def _pem_blocks(data: bytes) -> list[bytes]:
    marker = b"-----BEGIN CERTIFICATE-----"
    return [marker + part for part in data.split(marker)[1:]]


def trust_roots(path: Path | str | None) -> list[x509.Certificate]:
    """The certificates to trust: those in ``path`` (PEM), else the system's trusted roots."""
    if path is not None:
        where = Path(path)
        try:
            if where.stat().st_size > MAX_ROOTS_FILE:
                raise TimestampError(f"{where.name} is too large to be a file of certificates.")
            roots = _certificates(_pem_blocks(where.read_bytes()), pem=True)
        except OSError as exc:
            raise TimestampError(f"The trusted roots file {where} cannot be read ({exc.strerror}).") from None
        if not roots:
            raise TimestampError(f"{where} holds no PEM certificates.")
        return roots
    context = ssl.create_default_context()
    roots = _certificates(context.get_ca_certs(binary_form=True), pem=False)
    if not roots:  # on Linux the default store is a folder read lazily: read the bundle file instead
        paths = ssl.get_default_verify_paths()
        for candidate in (paths.cafile, paths.openssl_cafile, "/etc/ssl/certs/ca-certificates.crt"):
            if candidate and Path(candidate).is_file() and Path(candidate).stat().st_size <= MAX_ROOTS_FILE:
                roots = _certificates(_pem_blocks(Path(candidate).read_bytes()), pem=True)
                if roots:
                    break
    return roots
