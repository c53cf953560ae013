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

import hashlib
import ssl
import warnings
from pathlib import Path

from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from evidence_app.vault.rfc3161 import (
    MAX_RESPONSE_BYTES,
    TimestampError,
    TimestampInfo,
    check_head_token,
    check_token,
    request_token,
    unreadable_named,
)

__all__ = ["MAX_RESPONSE_BYTES", "TIMESTAMP_DECLARED", "TimestampError", "TimestampInfo", "check_exported_token",
           "check_head_token", "check_token", "request_token", "trust_roots", "unreadable_named"]

MAX_ROOTS_FILE = 16 * 1024 * 1024
# bag-info.txt's line (which the tag manifest covers) saying the bag holds a token: one taken out is then named
TIMESTAMP_DECLARED = "Time-Stamp-Token"


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


_SIGNATURE_KEYS = {"rsassa_pkcs1v15": {"rsa"}, "rsassa_pss": {"rsa", "rsassa_pss"}, "ecdsa": {"ec"},
                   "ed25519": {"ed25519"}, "ed448": {"ed448"}}


def check_exported_token(token: bytes, data: bytes, *, roots: list[x509.Certificate]) -> TimestampInfo:
    """:func:`check_token`, and that the token's bytes are exactly the ones its authority wrote.

    No manifest lists the token (it stamps the tag manifest), so nothing else pins
    its bytes, and the authority's signature covers only part of them: what it
    signs (the time, the imprint, the name of its certificate) and its certificate.
    The rest must be the one spelling an authority writes: a single DER encoding
    with nothing after it, the fixed values of CMS's envelope (versions, the
    digest algorithm, no revocation lists or unsigned attributes), a signature
    algorithm that fits the key and digest, and no certificate but the
    authority's own (the one its signed attributes name by hash) and those that
    link it, signature by signature, to a root you trust.

    Two respellings stay possible, for a forger who sets out to make them (no
    flipped byte does, and neither changes what the token says): RSA's signature
    algorithm named rsaEncryption or sha256WithRSAEncryption, and an ECDSA
    signature's s replaced by n - s. Only a signature over the token's bytes by
    the case key, made at export, would pin those.
    """
    info = check_token(token, data, roots=roots)  # a sentence whatever the token holds (vault.rfc3161)
    changed_after = "The time stamp file was changed after the authority made it"
    with unreadable_named(f"{changed_after}: parts of it cannot be read."):
        changed = _changed_part(token, roots)
    if changed:
        raise TimestampError(f"{changed_after}: {changed}.")
    return info


def _der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def _changed_part(token: bytes, roots: list[x509.Certificate]) -> str:
    """What in ``token`` is not as its authority wrote it (a plain phrase), or ``""`` when nothing is."""
    try:
        content = cms.ContentInfo.load(token, strict=True)
    except ValueError:
        return "there are bytes after the end of the token"
    if content.dump(force=True) != token:  # re-encoded as DER: lengths, order of sets, defaults left out
        return "it is not spelt in DER, the one encoding an authority writes (a length or an order was respelt)"
    signed = content["content"]
    signers = list(signed["signer_infos"])
    if signed["version"].native != "v3" or len(signers) != 1:
        return "its envelope's version or its number of signers is not the one every time stamp has"
    signer = signers[0]
    digest = signer["digest_algorithm"]["algorithm"].native
    if [a["algorithm"].native for a in signed["digest_algorithms"]] != [digest]:
        return "its list of digest algorithms, which the authority does not sign, is not its signer's"
    if signed["crls"].native is not None or signer["unsigned_attrs"].native is not None:
        return "it carries revocation lists or unsigned attributes, which the authority does not sign"
    if signer["version"].native != "v1" or signer["sid"].name != "issuer_and_serial_number":
        return "its signer is named in another way than the authority names itself"
    certificates = [c.chosen for c in signed["certificates"] or []]
    named = _named_certificate(signer)
    leaves = [c for c in certificates if named is not None and hashlib.new(named[0], c.dump()).digest() == named[1]]
    if len(leaves) != 1:
        return "its certificate is not the one the authority's signature names (its bytes were changed)"
    leaf = leaves[0]
    sid = signer["sid"].chosen
    if sid["issuer"].dump() != leaf.issuer.dump() or sid["serial_number"].native != leaf.serial_number:
        return "its signer is not named exactly as its certificate names the authority"
    algorithm = signer["signature_algorithm"]
    try:
        kind = algorithm.signature_algo
    except ValueError:
        return "its signature algorithm is not one a time stamp is signed with"
    if leaf.public_key.algorithm not in _SIGNATURE_KEYS[kind] or \
            (algorithm["algorithm"].native not in ("rsassa_pkcs1v15", "ecdsa", "ed25519", "ed448")
             and algorithm.hash_algo != digest):
        return "its signature algorithm does not fit the authority's key and digest"
    linked = _linked(x509.load_der_x509_certificate(leaf.dump()),
                     [x509.load_der_x509_certificate(c.dump()) for c in certificates], roots)
    if linked is None:
        return "no root you trust can be reached from its certificate, signature by signature"
    trusted = {_der(root) for root in roots}
    for certificate in certificates:
        if certificate.dump() not in linked and certificate.dump() not in trusted:
            return (f"it carries a certificate ({certificate.subject.human_friendly}) that does not link the "
                    "authority to a root you trust")
    return ""


def _named_certificate(signer: cms.SignerInfo) -> tuple[str, bytes] | None:
    """The hash algorithm and hash of the certificate the signer's signed attributes name (ESSCertID)."""
    for attribute in signer["signed_attrs"]:
        kind = attribute["type"].native
        if kind in ("signing_certificate", "signing_certificate_v2") and len(attribute["values"]) == 1:
            first = attribute["values"][0]["certs"][0]
            return ("sha1" if kind == "signing_certificate" else first["hash_algorithm"]["algorithm"].native,
                    first["cert_hash"].native)
    return None


def _linked(leaf: x509.Certificate, carried: list[x509.Certificate],
            roots: list[x509.Certificate]) -> set[bytes] | None:
    """The DER of each certificate on the path from ``leaf`` to a root, each signature checked; None if none."""
    path, current = {_der(leaf)}, leaf
    trusted = {_der(root) for root in roots}
    while _der(current) not in trusted:
        if any(_issued_by(current, root) for root in roots):
            return path
        issuers = [c for c in carried if _der(c) not in path and _issued_by(current, c)]
        if not issuers:
            return None
        current = issuers[0]
        path.add(_der(current))
    return path


def _issued_by(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True
