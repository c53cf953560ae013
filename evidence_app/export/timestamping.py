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

import datetime as dt
import hashlib
import ssl
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from rfc3161_client import (
    HashAlgorithm,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from evidence_app.errors import EvidenceError

MAX_RESPONSE_BYTES = 1024 * 1024
MAX_ROOTS_FILE = 16 * 1024 * 1024


class TimestampError(EvidenceError):
    """The time-stamp authority did not answer, or a token does not check out."""


@dataclass(frozen=True)
class TimestampInfo:
    time: str           # the TSA's time, ISO 8601 UTC
    authority: str      # the TSA's name, from its certificate
    certificate_sha256: str
    when: dt.datetime   # the same time, for comparing


def request_token(url: str, data: bytes, *, timeout: float = 15.0) -> bytes:
    """Ask the TSA at ``url`` to time-stamp ``data``; return the token (DER) after checking it."""
    if not url.lower().startswith(("http://", "https://")):
        raise TimestampError(f"The time-stamp authority's address must start with http:// or https://: {url!r}.")
    request = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).build()
    http = urllib.request.Request(url, data=request.as_bytes(), method="POST",
                                  headers={"Content-Type": "application/timestamp-query"})
    try:
        with urllib.request.urlopen(http, timeout=timeout) as answer:
            body = answer.read(MAX_RESPONSE_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TimestampError(f"The time-stamp authority at {url} did not answer ({reason}). Try again, or clear "
                             "its address in Settings to export without a time stamp.") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise TimestampError("The time-stamp authority's answer is too large to be a time stamp.")
    try:
        response = decode_timestamp_response(body)
    except ValueError:
        raise TimestampError(f"The answer from {url} is not a time stamp.") from None
    if response.status != 0:
        raise TimestampError(f"The time-stamp authority refused the request (status {response.status}).")
    token = response.time_stamp_token()
    # Sound and for this request; whether to trust the authority is the recipient's call, at verify.
    check_token(token, data, roots=None, nonce=request.nonce)
    return token


def _as_response(token_der: bytes) -> TimeStampResponse:
    try:
        wrapped = tsp.TimeStampResp({"status": {"status": "granted"},
                                     "time_stamp_token": cms.ContentInfo.load(token_der)}).dump()
        return decode_timestamp_response(wrapped)
    except (ValueError, TypeError, KeyError):
        raise TimestampError("The time stamp is not a readable RFC 3161 token.") from None


def _leaf(response: TimeStampResponse) -> x509.Certificate | None:
    infos = list(response.signed_data.signer_infos)
    for der in response.signed_data.certificates:
        certificate = x509.load_der_x509_certificate(der)
        if len(infos) == 1 and certificate.issuer == infos[0].issuer and \
                certificate.serial_number == infos[0].serial_number:
            return certificate
    return None


def check_token(token_der: bytes, data: bytes, *, roots: list[x509.Certificate] | None,
                nonce: int | None = None) -> TimestampInfo:
    """Check that ``token_der`` time-stamps exactly ``data``, signed by an authority ``roots`` vouch for.

    ``roots=None`` trusts the certificates the token carries: it then proves the
    token is sound and for ``data``, not who made it (used only at export).
    """
    response = _as_response(token_der)
    try:
        leaf = _leaf(response)
        imprint = response.tst_info.message_imprint
        algorithm = {"2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.2": "sha384",
                     "2.16.840.1.101.3.4.2.3": "sha512"}.get(imprint.hash_algorithm.dotted_string)
    except ValueError:
        raise TimestampError("The time stamp is not a readable RFC 3161 token.") from None
    if leaf is None:
        raise TimestampError("The time stamp does not carry its authority's certificate.")
    if algorithm is None or imprint.message != hashlib.new(algorithm, data).digest():
        raise TimestampError("The time stamp is for other data: the tag manifest was changed after it was stamped.")
    trusted = roots if roots is not None else [x509.load_der_x509_certificate(d)
                                               for d in response.signed_data.certificates]
    builder = VerifierBuilder(roots=trusted, nonce=nonce)
    name = leaf.subject.rfc4514_string()
    try:
        builder.build().verify_message(response, data)
    except VerificationError as exc:
        if roots is not None and ("certificates" in str(exc).lower() or "roots" in str(exc).lower()):
            raise TimestampError(f"The time stamp claims to be by {name}, but no authority you trust vouches for it "
                                 "(a self-made time stamp looks like this). If you trust that authority, give its "
                                 "CA certificate with --trust-roots.") from None
        raise TimestampError(f"The time-stamp authority's signature does not verify ({exc}).") from None
    except ValueError:
        raise TimestampError("The time stamp is not a readable RFC 3161 token.") from None
    when = response.tst_info.gen_time
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return TimestampInfo(time=when.strftime("%Y-%m-%dT%H:%M:%SZ"), authority=name,
                         certificate_sha256=hashlib.sha256(leaf.public_bytes(Encoding.DER)).hexdigest(),
                         when=when)


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
