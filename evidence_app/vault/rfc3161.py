"""RFC 3161 time stamps: a trusted third party's signed word that some data existed at a time.

Asking a time-stamp authority (TSA) for a token over some data, and checking a
token (``rfc3161-client``, not ASN.1 of our own): that its imprint is the data's
hash (or a journal head itself, which is a SHA-256), that the TSA's signature is
sound, and, given roots, that its certificate chains to one of them. The export
stamps its tag manifest with these; the case stamps its journal head at the
checkpoints that matter (:mod:`evidence_app.case.trusted_time`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass

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
SHA256_OID = "2.16.840.1.101.3.4.2.1"


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
    return _verified(response, leaf, data, roots=roots, nonce=nonce, hashed=False)


def _verified(response: TimeStampResponse, leaf: x509.Certificate, message: bytes, *,
              roots: list[x509.Certificate] | None, nonce: int | None = None, hashed: bool) -> TimestampInfo:
    """The TSA's signature over ``message`` (its hash when ``hashed``), and the authority's roots."""
    trusted = roots if roots is not None else [x509.load_der_x509_certificate(d)
                                               for d in response.signed_data.certificates]
    builder = VerifierBuilder(roots=trusted, nonce=nonce)
    name = leaf.subject.rfc4514_string()
    try:
        verifier = builder.build()
        if hashed:
            verifier.verify(response, message)
        else:
            verifier.verify_message(response, message)
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


def check_head_token(token_der: bytes, head: str, *, roots: list[x509.Certificate] | None) -> TimestampInfo:
    """Check that ``token_der`` time-stamps exactly the journal head ``head`` (hex SHA-256 of a record).

    The token's message imprint must be the head itself (SHA-256), and the TSA's
    signature must verify over it; ``roots=None`` trusts the certificates the token
    carries (sound and for this head, not who made it).
    """
    try:
        digest = bytes.fromhex(head)
    except ValueError:
        raise TimestampError("The journal head a time stamp claims is not a SHA-256.") from None
    response = _as_response(token_der)
    try:
        leaf = _leaf(response)
        imprint = response.tst_info.message_imprint
        algorithm = imprint.hash_algorithm.dotted_string
        message = imprint.message
    except ValueError:
        raise TimestampError("The time stamp is not a readable RFC 3161 token.") from None
    if leaf is None:
        raise TimestampError("The time stamp does not carry its authority's certificate.")
    if algorithm != SHA256_OID or message != digest:
        raise TimestampError(f"The time stamp is for other data, not the journal head it claims ({head[:16]}…).")
    return _verified(response, leaf, digest, roots=roots, hashed=True)


def token_imprint(token_der: bytes) -> str:
    """The message imprint a token carries, as hex (for a journal head: the head it stamps)."""
    try:
        return bytes(_as_response(token_der).tst_info.message_imprint.message).hex()
    except ValueError:
        raise TimestampError("The time stamp is not a readable RFC 3161 token.") from None
