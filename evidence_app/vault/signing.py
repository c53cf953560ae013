"""The case's own signing key: Ed25519, with a self-signed certificate for PDF signatures.

Made when the case is made; the private key is stored as an encrypted blob,
the public key and certificate in the journal. It signs the incident form
(PAdES) and the police export's tag manifest. Its fingerprint, printed on the
form, is the SHA-256 of the raw public key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID


def fingerprint_of(public_raw: bytes) -> str:
    """``AB12 CD34 ...``: the SHA-256 of the raw public key, in groups of four, for reading aloud."""
    digest = hashlib.sha256(public_raw).hexdigest().upper()
    return " ".join(digest[i: i + 4] for i in range(0, len(digest), 4))


@dataclass(frozen=True)
class SigningKey:
    """An open case's signing key. The private part never leaves the core unencrypted."""

    case_id: str
    private_raw: bytes = field(repr=False)
    certificate_der: bytes

    @classmethod
    def generate(cls, case_id: str, created: dt.datetime) -> SigningKey:
        private = Ed25519PrivateKey.generate()
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Evidence App case {case_id}"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Evidence App")])
        certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                       .public_key(private.public_key()).serial_number(x509.random_serial_number())
                       .not_valid_before(created - dt.timedelta(days=1))
                       .not_valid_after(created + dt.timedelta(days=365 * 30))
                       .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                       .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                                    key_encipherment=False, data_encipherment=False,
                                                    key_agreement=False, key_cert_sign=False, crl_sign=False,
                                                    encipher_only=False, decipher_only=False), critical=True)
                       .sign(private, algorithm=None))
        raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
        return cls(case_id, raw, certificate.public_bytes(serialization.Encoding.DER))

    @property
    def private_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.private_raw)

    @property
    def public_raw(self) -> bytes:
        return self.private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                          serialization.PublicFormat.Raw)

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.public_raw)

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.certificate_der)

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    def public_record(self) -> dict[str, str]:
        """What the journal keeps in the clear (inside its encryption)."""
        return {"algorithm": "ed25519", "public_key": base64.b64encode(self.public_raw).decode("ascii"),
                "fingerprint": self.fingerprint,
                "certificate": base64.b64encode(self.certificate_der).decode("ascii")}

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo)


def verify_signature(public_raw: bytes, signature: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, data)
        return True
    except InvalidSignature:
        return False
