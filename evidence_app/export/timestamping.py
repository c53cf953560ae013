"""RFC 3161 time stamps: a trusted third party's signed word on when the export was made.

When the school sets a time-stamp authority (TSA) URL, the export asks it to
time-stamp the bag's tag manifest; the token travels in the bag beside the
case key's signature, and verification checks it: the imprint is the tag
manifest's SHA-256, and the TSA's signature over it is sound. Whether to
trust that TSA is the recipient's call: the report names it, and
``openssl ts -verify`` checks it against the TSA's own certificate chain.

A small client over ``urllib`` and ``asn1crypto`` (which pyHanko brings), so
no HTTP library is needed.
"""

from __future__ import annotations

import hashlib
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

from asn1crypto import algos, cms, tsp
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import load_der_x509_certificate

from evidence_app.errors import EvidenceError

MAX_RESPONSE_BYTES = 1024 * 1024
_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class TimestampError(EvidenceError):
    """The time-stamp authority did not answer, or a token does not check out."""


@dataclass(frozen=True)
class TimestampInfo:
    time: str           # the TSA's time, ISO 8601 UTC
    authority: str      # the TSA's name, from its certificate
    certificate_sha256: str


def request_token(url: str, data: bytes, *, timeout: float = 15.0) -> bytes:
    """Ask the TSA at ``url`` to time-stamp ``data``; return the token (DER) after checking it."""
    if not url.lower().startswith(("http://", "https://")):
        raise TimestampError(f"The time-stamp authority's address must start with http:// or https://: {url!r}.")
    nonce = secrets.randbits(63)
    request = tsp.TimeStampReq({
        "version": 1,
        "message_imprint": tsp.MessageImprint({
            "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "hashed_message": hashlib.sha256(data).digest()}),
        "nonce": nonce,
        "cert_req": True,
    })
    http = urllib.request.Request(url, data=request.dump(), method="POST",
                                  headers={"Content-Type": "application/timestamp-query"})
    try:
        with urllib.request.urlopen(http, timeout=timeout) as answer:  # noqa: S310 (the school's own TSA)
            body = answer.read(MAX_RESPONSE_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TimestampError(f"The time-stamp authority at {url} did not answer ({reason}). Try again, or clear "
                             "its address in Settings to export without a time stamp.") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise TimestampError("The time-stamp authority's answer is too large to be a time stamp.")
    try:
        response = tsp.TimeStampResp.load(body)
        status = response["status"]["status"].native
        token = response["time_stamp_token"]
    except (ValueError, TypeError, KeyError):
        raise TimestampError(f"The answer from {url} is not a time stamp.") from None
    if status not in ("granted", "granted_with_mods") or token.native is None:
        raise TimestampError(f"The time-stamp authority refused the request ({status}).")
    der = token.dump()
    check_token(der, data, nonce=nonce)
    return der


def check_token(token_der: bytes, data: bytes, *, nonce: int | None = None) -> TimestampInfo:
    """Check that ``token_der`` time-stamps exactly ``data`` and is signed by the certificate it carries."""
    try:
        token = cms.ContentInfo.load(token_der)
        signed = token["content"]
        encapsulated = signed["encap_content_info"]["content"]
        info = encapsulated.parsed
        imprint = info["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        signer = signed["signer_infos"][0]
        certificates = [c.chosen for c in signed["certificates"]]
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        raise TimestampError("The time stamp is not a readable RFC 3161 token.") from None
    if algorithm not in _HASHES or imprint["hashed_message"].native != hashlib.new(algorithm, data).digest():
        raise TimestampError("The time stamp is for other data: the tag manifest was changed after it was stamped.")
    if nonce is not None and info["nonce"].native != nonce:
        raise TimestampError("The time stamp answers another request (its nonce differs).")
    serial = signer["sid"].chosen["serial_number"].native if signer["sid"].name == "issuer_and_serial_number" else None
    certificate = next((c for c in certificates if serial is None or c.serial_number == serial), None)
    if certificate is None:
        raise TimestampError("The time stamp does not carry its authority's certificate.")
    attributes = {a["type"].native: a["values"][0] for a in signer["signed_attrs"]}
    digest_name = signer["digest_algorithm"]["algorithm"].native
    if digest_name not in _HASHES:
        raise TimestampError(f"The time stamp uses an unknown digest ({digest_name}).")
    if attributes.get("message_digest") is None or \
            attributes["message_digest"].native != hashlib.new(digest_name, encapsulated.contents).digest():
        raise TimestampError("The time stamp's content does not match its signature.")
    public = load_der_x509_certificate(certificate.dump()).public_key()
    signed_bytes = signer["signed_attrs"].untag().dump()
    signature = signer["signature"].native
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, signed_bytes, padding.PKCS1v15(), _HASHES[digest_name]())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, signed_bytes, ec.ECDSA(_HASHES[digest_name]()))
        else:
            raise TimestampError("The time stamp is signed with a kind of key this app cannot check.")
    except InvalidSignature:
        raise TimestampError("The time-stamp authority's signature does not verify.") from None
    when = info["gen_time"].native
    return TimestampInfo(time=when.strftime("%Y-%m-%dT%H:%M:%SZ"), authority=certificate.subject.human_friendly,
                         certificate_sha256=hashlib.sha256(certificate.dump()).hexdigest())
