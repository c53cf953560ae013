"""RFC 3161 time stamps: a trusted third party's signed word that some data existed at a time.

Asking a time-stamp authority (TSA) for a token over some data, and checking a
token (``rfc3161-client``, not ASN.1 of our own): that its imprint is the data's
hash (or a journal head itself, which is a SHA-256), that the TSA's signature is
sound, and, given roots, that its certificate chains to one of them. The export
stamps its tag manifest with these; the case stamps its journal head at the
checkpoints that matter (:mod:`evidence_app.case.trusted_time`).

Tokens come from a time server's answer and from a case's journal, and either
may be hostile: whatever the parsers under us raise on such bytes (KeyError,
InvalidVersion, ValueError and the like, or a warning) is turned here, in
:func:`unreadable_named`, into a :class:`TimestampError` with a sentence, so
every caller gets a sentence and never a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

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
UNREADABLE_TOKEN = "The time stamp is not a readable RFC 3161 token."
# What rfc3161-client, asn1crypto and cryptography raise on hostile bytes besides ValueError: a flipped tag
# (KeyError), a certificate version no X.509 has (InvalidVersion), a length past the end, a number too large.
UNREADABLE = (ValueError, KeyError, TypeError, IndexError, OverflowError, x509.InvalidVersion)

# warnings.catch_warnings changes the process's filters: two threads interleaving it (the stamps' worker, the
# timeline) could leave "ignore" behind or lose it mid-parse. Token parsing is a few milliseconds: one at a time.
_PARSING = threading.RLock()
_P = ParamSpec("_P")
_R = TypeVar("_R")


class TimestampError(EvidenceError):
    """The time-stamp authority did not answer, or a token does not check out."""


@contextmanager
def unreadable_named(sentence: str = UNREADABLE_TOKEN) -> Iterator[None]:
    """Around parsing a token: whatever its parsers raise on hostile bytes becomes a :class:`TimestampError`.

    Also silences their warnings about a certificate's oddities (a warning is no
    sentence, and tests make warnings errors). Our own :class:`TimestampError`
    passes through with its own sentence.
    """
    with _PARSING, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            yield
        except UNREADABLE:
            raise TimestampError(sentence) from None


def _named(check: Callable[_P, _R]) -> Callable[_P, _R]:
    """Each public checker below runs inside :func:`unreadable_named`: its callers get a sentence, always."""

    @functools.wraps(check)
    def named(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with unreadable_named():
            return check(*args, **kwargs)

    return named


@dataclass(frozen=True)
class TimestampInfo:
    time: str           # the TSA's time, ISO 8601 UTC
    authority: str      # the TSA's name, from its certificate
    certificate_sha256: str
    when: dt.datetime   # the same time, for comparing


def request_token(url: str, data: bytes, *, timeout: float = 15.0) -> bytes:
    """Ask the TSA at ``url`` to time-stamp ``data``; return the token (DER) after checking it.

    The answer is read for at most ``timeout`` seconds in all and :data:`MAX_RESPONSE_BYTES`:
    a broken or hostile server (an error page, garbage, a token for other data or for
    another request, a body without end, a trickle) ends in a :class:`TimestampError`.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise TimestampError(f"The time-stamp authority's address must start with http:// or https://: {url!r}.")
    request = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).build()
    body = _answer(url, request.as_bytes(), timeout)
    not_a_stamp = f"The answer from {url} is not a time stamp."
    with unreadable_named(not_a_stamp):
        response = decode_timestamp_response(body)
        status = response.status
        if status != 0:
            raise TimestampError(f"The time-stamp authority refused the request (status {status}).")
        token = response.time_stamp_token()
    # Sound and for this request; whether to trust the authority is the recipient's call, at verify.
    with unreadable_named(f"The answer from {url} does not hold a readable time stamp."):
        _check_token(token, data, roots=None, nonce=request.nonce,
                     other_data=f"The time-stamp authority at {url} answered with a time stamp of other data "
                                "than it was sent.")
    return token


def _answer(url: str, query: bytes, timeout: float) -> bytes:
    """The body of the authority's answer to ``query``: at most MAX_RESPONSE_BYTES, within ``timeout`` in all."""
    http = urllib.request.Request(url, data=query, method="POST",
                                  headers={"Content-Type": "application/timestamp-query"})
    deadline = time.monotonic() + timeout
    body = bytearray()
    try:
        with urllib.request.urlopen(http, timeout=timeout) as answer:
            while len(body) <= MAX_RESPONSE_BYTES:
                chunk = answer.read1(64 * 1024)
                if not chunk:
                    break
                body += chunk
                if time.monotonic() > deadline:
                    raise TimestampError(f"The time-stamp authority at {url} answered too slowly (more than "
                                         f"{timeout:g} seconds). Try again later.")
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the error page's connection
        raise TimestampError(f"The time-stamp authority at {url} answered with an error (HTTP {exc.code}"
                             f"{', ' + str(exc.reason) if exc.reason else ''}), not a time stamp. Try again "
                             "later, or check its address in Settings.") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TimestampError(f"The time-stamp authority at {url} did not answer ({reason}). Try again, or clear "
                             "its address in Settings to export without a time stamp.") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise TimestampError("The time-stamp authority's answer is too large to be a time stamp.")
    return bytes(body)


def _as_response(token_der: bytes) -> TimeStampResponse:
    wrapped = tsp.TimeStampResp({"status": {"status": "granted"},
                                 "time_stamp_token": cms.ContentInfo.load(token_der)}).dump()
    return decode_timestamp_response(wrapped)


def _leaf(response: TimeStampResponse) -> x509.Certificate | None:
    infos = list(response.signed_data.signer_infos)
    for der in response.signed_data.certificates:
        certificate = x509.load_der_x509_certificate(der)
        if len(infos) == 1 and certificate.issuer == infos[0].issuer and \
                certificate.serial_number == infos[0].serial_number:
            return certificate
    return None


@_named
def check_token(token_der: bytes, data: bytes, *, roots: list[x509.Certificate] | None,
                nonce: int | None = None) -> TimestampInfo:
    """Check that ``token_der`` time-stamps exactly ``data``, signed by an authority ``roots`` vouch for.

    ``roots=None`` trusts the certificates the token carries: it then proves the
    token is sound and for ``data``, not who made it (used only at export).
    """
    return _check_token(token_der, data, roots=roots, nonce=nonce,
                        other_data="The time stamp is for other data: the tag manifest was changed after it was "
                                   "stamped.")


def _check_token(token_der: bytes, data: bytes, *, roots: list[x509.Certificate] | None, nonce: int | None,
                 other_data: str) -> TimestampInfo:
    response = _as_response(token_der)
    leaf = _leaf(response)
    imprint = response.tst_info.message_imprint
    algorithm = {"2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.2": "sha384",
                 "2.16.840.1.101.3.4.2.3": "sha512"}.get(imprint.hash_algorithm.dotted_string)
    if leaf is None:
        raise TimestampError("The time stamp does not carry its authority's certificate.")
    if algorithm is None or imprint.message != hashlib.new(algorithm, data).digest():
        raise TimestampError(other_data)
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
    when = response.tst_info.gen_time
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return TimestampInfo(time=when.strftime("%Y-%m-%dT%H:%M:%SZ"), authority=name,
                         certificate_sha256=hashlib.sha256(leaf.public_bytes(Encoding.DER)).hexdigest(),
                         when=when)


@_named
def check_head_token(token_der: bytes, head: str, *, roots: list[x509.Certificate] | None) -> TimestampInfo:
    """Check that ``token_der`` time-stamps exactly the journal head ``head`` (hex SHA-256 of a record).

    The token's message imprint must be the head itself (SHA-256), and the TSA's
    signature must verify over it; ``roots=None`` trusts the certificates the token
    carries (sound and for this head, not who made it).
    """
    try:
        digest = bytes.fromhex(head)
    except (ValueError, TypeError):
        raise TimestampError("The journal head a time stamp claims is not a SHA-256.") from None
    response = _as_response(token_der)
    leaf = _leaf(response)
    imprint = response.tst_info.message_imprint
    algorithm = imprint.hash_algorithm.dotted_string
    message = imprint.message
    if leaf is None:
        raise TimestampError("The time stamp does not carry its authority's certificate.")
    if algorithm != SHA256_OID or message != digest:
        raise TimestampError(f"The time stamp is for other data, not the journal head it claims ({head[:16]}…).")
    return _verified(response, leaf, digest, roots=roots, hashed=True)


@_named
def token_imprint(token_der: bytes) -> str:
    """The message imprint a token carries, as hex (for a journal head: the head it stamps)."""
    return bytes(_as_response(token_der).tst_info.message_imprint.message).hex()
