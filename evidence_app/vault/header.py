"""The case header: the only plaintext a case keeps, and the wrapped data key.

``case.header`` holds what opening needs and nothing personal: the format,
the case id, when it was created, the designated computer's fingerprint, the
Argon2id cost and salt of each investigator's passphrase, and one *slot* per
pair of secrets that may open the case. A slot is the case's random data key
sealed under a key derived from both secrets of the pair together, so no
single secret opens anything. A later school key adds slots ``A+S`` and
``B+S`` beside ``A+B`` without changing this layout.

The header carries a SHA-256 checksum (damage shows as such, not as a wrong
passphrase) and an HMAC under the data key (a changed field shows once the
case is open).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from evidence_app.errors import TamperDetected, WrongPassphrase
from evidence_app.vault import crypto
from evidence_app.vault.crypto import KdfParams
from evidence_app.vault.durable import storage_error, write_new_file
from evidence_app.vault.school_key import SchoolKey, SchoolPublicKey
from evidence_app.vault.timestamps import parse_utc

FORMAT = "evidence-app/case/1"
FILE_NAME = "case.header"
INVESTIGATOR_SLOTS = ("A", "B")
MAX_HEADER_BYTES = 64 * 1024
_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CASE_ID = re.compile(r"^EV-\d{8}-[2-9A-HJKMNP-Z]{6}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SLOT_BYTES = crypto.NONCE_BYTES + crypto.KEY_BYTES + crypto.TAG_BYTES


def new_case_id(created: str) -> str:
    """Like ``EV-20261123-7KQ4ZP``: the date, then six characters hard to misread."""
    suffix = "".join(secrets.choice(_ID_ALPHABET) for _ in range(6))
    return f"EV-{created[:10].replace('-', '')}-{suffix}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _canonical(value: dict[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii")


@dataclass(frozen=True)
class SecretSpec:
    """How one secret becomes a key: for a passphrase, its Argon2id cost and salt."""

    kdf: KdfParams
    salt: bytes


@dataclass(frozen=True)
class SchoolSpec:
    """How the school key (secret ``S``) reaches this case: an ephemeral X25519 share."""

    ephemeral: bytes
    key_id: str


@dataclass(frozen=True)
class Header:
    case_id: str
    created: str
    machine: str
    secrets: dict[str, SecretSpec]
    slots: dict[str, bytes]  # "A+B" (and "A+S", "B+S" with a school key) -> sealed data key
    mac: str
    school: SchoolSpec | None = None
    signing_key: bytes = b""  # the case's Ed25519 public key (raw); empty in cases made before it was kept here

    def _body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "format": FORMAT,
            "case_id": self.case_id,
            "created": self.created,
            "machine": self.machine,
            "secrets": {name: {"kdf": spec.kdf.to_json(), "salt": _b64(spec.salt)}
                        for name, spec in sorted(self.secrets.items())},
            "slots": {name: _b64(sealed) for name, sealed in sorted(self.slots.items())},
        }
        if self.school is not None:
            body["school"] = {"ephemeral": _b64(self.school.ephemeral), "key_id": self.school.key_id}
        if self.signing_key:
            body["signing_key"] = _b64(self.signing_key)
        return body

    def to_bytes(self) -> bytes:
        body = self._body()
        body["mac"] = self.mac
        body["checksum"] = crypto.sha256_hex(_canonical(body))
        return json.dumps(body, sort_keys=True, indent=1).encode("ascii") + b"\n"

    @classmethod
    def from_bytes(cls, raw: bytes, where: str = FILE_NAME) -> Header:
        """The header, every field checked for its type and size before anything uses it.

        The checksum is plain SHA-256, so anyone can edit a field and recompute it: what
        is read here is untrusted until the data key's MAC is checked, and must not be
        able to make opening fail in any way but :class:`TamperDetected`.
        """
        try:
            if len(raw) > MAX_HEADER_BYTES:
                raise TamperDetected(where, f"it is larger ({len(raw):,} bytes) than any case header")
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError("not an object")
            checksum = body.pop("checksum")
            if crypto.sha256_hex(_canonical(body)) != checksum:
                raise TamperDetected(where, "its checksum does not match its content")
            if body["format"] != FORMAT:
                raise TamperDetected(where, f"unknown format {str(body['format'])[:40]!r}")
            return _checked(cls(
                case_id=body["case_id"], created=body["created"], machine=body["machine"],
                secrets={name: SecretSpec(KdfParams.from_json(spec["kdf"]), _unb64(spec["salt"]))
                         for name, spec in _mapping(body["secrets"]).items()},
                slots={name: _unb64(sealed) for name, sealed in _mapping(body["slots"]).items()},
                mac=body["mac"],
                school=(SchoolSpec(_unb64(body["school"]["ephemeral"]), body["school"]["key_id"])
                        if "school" in body else None),
                signing_key=_unb64(body["signing_key"]) if "signing_key" in body else b"",
            ))
        except TamperDetected:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError, OverflowError) as exc:
            detail = f" ({exc})" if isinstance(exc, ValueError) and str(exc).startswith(("a ", "the ", "an ")) else ""
            raise TamperDetected(where, f"it is not a readable case header{detail}") from None

    @classmethod
    def read(cls, folder: Path) -> Header:
        path = folder / FILE_NAME
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_HEADER_BYTES + 1)
        except FileNotFoundError:
            raise TamperDetected(FILE_NAME, "the case header is missing") from None
        except OSError as exc:
            raise storage_error(exc, "the case header") from exc
        header = cls.from_bytes(raw)
        if header.case_id != folder.name:
            raise TamperDetected(FILE_NAME, f"it is the header of another case ({header.case_id})")
        return header

    def write_new(self, folder: Path) -> None:
        write_new_file(folder / FILE_NAME, self.to_bytes(), "the case header")

    def check_mac(self, data_key: bytes) -> None:
        if not crypto.mac_matches(crypto.subkey(data_key, "header"), _canonical(self._body()), self.mac):
            raise TamperDetected(FILE_NAME, "a field was changed after the case was created")


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ValueError("not a table of names")
    return value


def _checked(header: Header) -> Header:
    """Every field of the right type and size, so unwrapping cannot fail but by a wrong passphrase."""
    text = (header.case_id, header.created, header.machine, header.mac)
    if not all(isinstance(value, str) and value.isascii() and len(value) <= 200 for value in text):
        raise ValueError("a field that is not short plain text")
    if not _CASE_ID.fullmatch(header.case_id):
        raise ValueError("a case id that is not one")
    if not _HEX64.fullmatch(header.mac):
        raise ValueError("a MAC that is not one")
    parse_utc(header.created)
    if set(header.secrets) != set(INVESTIGATOR_SLOTS):
        raise ValueError("the wrong investigators' secrets")
    if any(len(spec.salt) != crypto.SALT_BYTES for spec in header.secrets.values()):
        raise ValueError("a salt of the wrong size")
    wanted = {"A+B"} | ({f"{n}+S" for n in INVESTIGATOR_SLOTS} if header.school is not None else set())
    if set(header.slots) != wanted:
        raise ValueError("the wrong key slots")
    if any(len(sealed) != _SLOT_BYTES for sealed in header.slots.values()):
        raise ValueError("a key slot of the wrong size")
    if header.school is not None and (len(header.school.ephemeral) != 32 or not isinstance(header.school.key_id, str)
                                      or not re.fullmatch(r"[0-9a-f]{16}", header.school.key_id)):
        raise ValueError("a school key share that is not one")
    if header.signing_key and len(header.signing_key) != 32:
        raise ValueError("a signing key that is not one")
    return header


def _slot_associated(case_id: str, slot: str) -> bytes:
    return f"{case_id}|slot|{slot}".encode("utf-8")


def _school_secret(shared: bytes, ephemeral: bytes, school_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=crypto.KEY_BYTES, salt=ephemeral + school_public,
                info=b"evidence-app/v1/school-secret").derive(shared)


def _seal_slot(case_id: str, slot: str, first: bytes, second: bytes, data_key: bytes) -> bytes:
    return crypto.seal(crypto.pair_key(first, second, "slot/" + slot), data_key, _slot_associated(case_id, slot))


def build_header(case_id: str, created: str, machine: str, passphrases: tuple[str, str],
                 kdf: KdfParams, school: SchoolPublicKey | None = None,
                 signing_key: bytes = b"") -> tuple[Header, bytes]:
    """A new header and the new data key it wraps: for the pair, and with a school key, for each one with it.

    ``signing_key`` (the case's Ed25519 public key) lets the incident register's reader check,
    without opening the case, that the register's entries for it were signed by this case.
    """
    data_key = crypto.random_bytes(crypto.KEY_BYTES)
    specs = {name: SecretSpec(kdf, crypto.random_bytes(crypto.SALT_BYTES)) for name in INVESTIGATOR_SLOTS}
    keys = {n: crypto.derive_passphrase_key(p, specs[n].salt, kdf) for n, p in zip(INVESTIGATOR_SLOTS, passphrases)}
    slots = {"A+B": _seal_slot(case_id, "A+B", keys["A"], keys["B"], data_key)}
    school_spec = None
    if school is not None:
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        school_secret = _school_secret(school.shared_secret(ephemeral), share, school.public)
        for name in INVESTIGATOR_SLOTS:
            slots[f"{name}+S"] = _seal_slot(case_id, f"{name}+S", keys[name], school_secret, data_key)
        school_spec = SchoolSpec(share, school.id)
    unsigned = Header(case_id, created, machine, specs, slots, mac="", school=school_spec, signing_key=signing_key)
    signed = Header(case_id, created, machine, specs, slots, school=school_spec, signing_key=signing_key,
                    mac=crypto.mac(crypto.subkey(data_key, "header"), _canonical(unsigned._body())))
    return signed, data_key


def unwrap_with_school_key(header: Header, passphrase: str, school_key: SchoolKey) -> tuple[bytes, str]:
    """The data key from one investigator's passphrase and the school key; also which investigator ("A" or "B")."""
    if header.school is None:
        raise WrongPassphrase("This case was made before the school key existed, so only both "
                              "investigators together can open it.")
    if school_key.public.id != header.school.key_id:
        raise WrongPassphrase("That is not the school key this case was made with.")
    if not passphrase:
        raise WrongPassphrase("One investigator must type their passphrase as well as the school key.")
    school_secret = _school_secret(school_key.shared_secret(header.school.ephemeral), header.school.ephemeral,
                                   school_key.public.public)
    for name in INVESTIGATOR_SLOTS:
        spec = header.secrets[name]
        key = crypto.derive_passphrase_key(passphrase, spec.salt, spec.kdf)
        try:
            data_key = crypto.open_sealed(crypto.pair_key(key, school_secret, f"slot/{name}+S"),
                                          header.slots[f"{name}+S"], _slot_associated(header.case_id, f"{name}+S"))
        except crypto.DecryptionFailed:
            continue
        header.check_mac(data_key)
        return data_key, name
    raise WrongPassphrase("The passphrase and the school key do not open this case together. Nothing was changed.")


def unwrap_data_key(header: Header, passphrases: tuple[str, str]) -> bytes:
    """The data key, from both investigators' passphrases; :class:`WrongPassphrase` otherwise."""
    if len(passphrases) != 2 or not all(passphrases):
        raise WrongPassphrase("Both investigators must type their passphrase to open a case.")
    keys = [crypto.derive_passphrase_key(p, header.secrets[n].salt, header.secrets[n].kdf)
            for n, p in zip(INVESTIGATOR_SLOTS, passphrases)]
    try:
        data_key = crypto.open_sealed(crypto.pair_key(keys[0], keys[1], "slot/A+B"),
                                      header.slots["A+B"], _slot_associated(header.case_id, "A+B"))
    except crypto.DecryptionFailed:
        raise WrongPassphrase() from None
    header.check_mac(data_key)
    return data_key
