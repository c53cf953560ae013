"""The form's digital signature: PAdES with the case's own Ed25519 key (pyHanko).

The whole file is signed (an invisible signature field, "CaseSignature"),
with SHA-512 as Ed25519 signatures in CMS require (RFC 8419). The signer's
certificate is the case's self-signed one, made with the case; its key's
fingerprint is printed on page one. Any PDF reader shows the signature, and
shows it broken if a byte of the signed file changes; :func:`check_form`
does the same check with pyHanko's validator, trusting only the case's
certificate.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from evidence_app.errors import EvidenceError
from evidence_app.vault.signing import SigningKey

FIELD = "CaseSignature"


class SignatureError(EvidenceError):
    """The form could not be signed, or its signature could not be read."""


def _signer(key: SigningKey):  # type: ignore[no-untyped-def]
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der = key.private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    certificate = asn1_x509.Certificate.load(key.certificate_der)
    return signers.SimpleSigner(signing_cert=certificate, signing_key=asn1_keys.PrivateKeyInfo.load(der),
                                cert_registry=SimpleCertificateStore.from_certs([certificate]))


def sign_pdf(pdf: bytes, key: SigningKey, *, reason: str, location: str = "") -> bytes:
    """``pdf`` with a PAdES signature by ``key`` over the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha512",
            reason=reason, location=location or None, name=f"Evidence App case {key.case_id}")
        return signers.sign_pdf(writer, meta, signer=_signer(key)).getvalue()
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds; all mean "not signed"
        raise SignatureError(f"The form could not be signed ({type(exc).__name__}: {exc}).") from exc


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko's validator says about a form's signature."""

    intact: bool            # the signed bytes are unchanged
    valid: bool             # the signature is cryptographically sound
    trusted: bool           # by the case's certificate
    whole_file: bool        # the signature covers the entire file
    signer: str
    summary: str

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.whole_file


def check_form(pdf: bytes, certificate_der: bytes) -> SignatureCheck:
    """Validate the form's signature, trusting ``certificate_der`` (the case's certificate) alone."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    certificate = asn1_x509.Certificate.load(certificate_der)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return SignatureCheck(False, False, False, False, "", "The file has no signature.")
        status = validate_pdf_signature(signatures[0], ValidationContext(trust_roots=[certificate]))
    except Exception as exc:  # noqa: BLE001 - a damaged file is an answer, not a crash
        return SignatureCheck(False, False, False, False, "", f"The file cannot be read as signed: {exc}")
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    return SignatureCheck(intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
                          whole_file=whole, signer=status.signing_cert.subject.human_friendly,
                          summary=status.summary())


def signer_public_key(pdf: bytes) -> bytes | None:
    """The raw public key of the certificate that signed the form's first signature (None if unreadable)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        if not signatures:
            return None
        key = signatures[0].signer_cert.public_key
        return bytes(key["public_key"].native) if key.algorithm == "ed25519" else None
    except Exception:  # noqa: BLE001 - a damaged file is an answer, not a crash
        return None
