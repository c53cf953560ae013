"""The school key: the third secret, kept by the eSafeguarding coordinator and in the school safe.

An X25519 key pair made once on the designated computer. Its public half is
kept beside the cases (``school-key.json``), so the app can wrap every new
case's key to it, and append to the incident register, with no secret at
hand. Its private half is kept there too, sealed under the coordinator's
passphrase (Argon2id), and is printed once as 24 words (BIP-39 style, with a
checksum) for the school safe, from which it can be typed back in.

Alone it opens nothing: a case's school slots each need one investigator's
passphrase as well (see :mod:`evidence_app.vault.header`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from evidence_app.errors import EvidenceError, PolicyError, TamperDetected, WeakPassphrase, WrongPassphrase
from evidence_app.policy.passphrase_words import word_list
from evidence_app.policy.passphrases import passphrase_problems
from evidence_app.vault import crypto
from evidence_app.vault.crypto import KdfParams
from evidence_app.vault.durable import storage_error, write_new_file

FILE_NAME = "school-key.json"
FORMAT = "evidence-app/school-key/1"


class SchoolKeyError(EvidenceError):
    """The school key is missing, or its words or file are not right."""


def _raw_public(private: X25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: bytes) -> str:
    """A short name for the school key: the first 16 hex digits of its public key's SHA-256."""
    return hashlib.sha256(public).hexdigest()[:16]


def fingerprint(identifier: str) -> str:
    """The school key's id as people compare it by eye: ``1A2B 3C4D 5E6F 7A8B``.

    Shown when a case is made, printed on the school key's page, journaled in each
    case and written in the register, so a swapped ``school-key.json`` shows as a
    different fingerprint. An empty id gives "none".
    """
    text = identifier.upper()
    return " ".join(text[i: i + 4] for i in range(0, len(text), 4)) or "none"


@dataclass(frozen=True)
class SchoolPublicKey:
    """What the app keeps in the clear: enough to write to the school key, never to read."""

    public: bytes

    @property
    def id(self) -> str:
        return key_id(self.public)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.id)

    def shared_secret(self, ephemeral: X25519PrivateKey) -> bytes:
        return ephemeral.exchange(X25519PublicKey.from_public_bytes(self.public))


@dataclass(frozen=True)
class SchoolKey:
    """The unlocked school key (its private half is in memory: keep it no longer than needed)."""

    private_raw: bytes = field(repr=False)

    @property
    def public(self) -> SchoolPublicKey:
        return SchoolPublicKey(_raw_public(X25519PrivateKey.from_private_bytes(self.private_raw)))

    def shared_secret(self, ephemeral_public: bytes) -> bytes:
        return X25519PrivateKey.from_private_bytes(self.private_raw).exchange(
            X25519PublicKey.from_public_bytes(ephemeral_public))

    def to_words(self) -> str:
        """24 words: the 256-bit key and an 8-bit checksum, 11 bits a word."""
        checksum = hashlib.sha256(self.private_raw).digest()[0]
        number = int.from_bytes(self.private_raw + bytes([checksum]), "big")
        words = word_list()
        return " ".join(words[(number >> (11 * (23 - i))) & 0x7FF] for i in range(24))

    @classmethod
    def from_words(cls, text: str) -> SchoolKey:
        given = text.lower().split()
        if len(given) != 24:
            raise SchoolKeyError(f"The school key is 24 words; {len(given)} were given.")
        words = word_list()
        by_prefix = {word[:4]: index for index, word in enumerate(words)}
        number = 0
        for position, word in enumerate(given, start=1):
            index = by_prefix.get(word[:4])
            if index is None or not words[index].startswith(word):
                raise SchoolKeyError(f"Word {position} ({word!r}) is not one of the school key's words.")
            number = (number << 11) | index
        raw = number.to_bytes(33, "big")
        if hashlib.sha256(raw[:32]).digest()[0] != raw[32]:
            raise SchoolKeyError("The words do not make a valid school key: check each one against the "
                                 "printed page.")
        return cls(raw[:32])


def _path(root: Path) -> Path:
    return Path(root) / FILE_NAME


def load_public(root: Path) -> SchoolPublicKey | None:
    """The school key's public half, or None when no school key has been made here."""
    try:
        document = json.loads(_path(root).read_text(encoding="ascii"))
        public = base64.b64decode(document["public"], validate=True)
        if len(public) != 32:
            raise ValueError("not an X25519 public key")
        return SchoolPublicKey(public)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise TamperDetected(FILE_NAME, "the school key file is not readable") from None


def create(root: Path, coordinator_passphrase: str, *, kdf: KdfParams | None = None) -> SchoolKey:
    """Make the school key (once); its private half is sealed under the coordinator's passphrase."""
    problems = passphrase_problems(coordinator_passphrase)
    if problems:
        raise WeakPassphrase("the eSafeguarding coordinator", problems)
    target = _path(root)
    if target.exists():
        raise PolicyError("This computer already has a school key. It is made once; use the printed "
                          "page from the school safe if the passphrase is lost.")
    params = kdf or KdfParams.recommended()
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    salt = crypto.random_bytes(crypto.SALT_BYTES)
    public = _raw_public(private)
    sealed = crypto.seal(crypto.derive_passphrase_key(coordinator_passphrase, salt, params), raw,
                         f"school-key|{key_id(public)}".encode("ascii"))
    document = {"format": FORMAT, "public": base64.b64encode(public).decode("ascii"), "id": key_id(public),
                "kdf": params.to_json(), "salt": base64.b64encode(salt).decode("ascii"),
                "sealed_private": base64.b64encode(sealed).decode("ascii")}
    try:
        Path(root).mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, "the case folder") from exc
    write_new_file(target, (json.dumps(document, indent=1) + "\n").encode("ascii"), "the school key")
    return SchoolKey(raw)


def unlock(root: Path, coordinator_passphrase: str) -> SchoolKey:
    """The school key from the coordinator's passphrase; :class:`WrongPassphrase` otherwise."""
    try:
        document = json.loads(_path(root).read_text(encoding="ascii"))
        public = base64.b64decode(document["public"])
        salt = base64.b64decode(document["salt"])
        sealed = base64.b64decode(document["sealed_private"])
        params = KdfParams.from_json(document["kdf"])
        if len(public) != 32 or len(salt) != crypto.SALT_BYTES:
            raise ValueError("a key or salt of the wrong size")
    except FileNotFoundError:
        raise SchoolKeyError("No school key has been made on this computer yet.") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise TamperDetected(FILE_NAME, "the school key file is not readable") from None
    try:
        raw = crypto.open_sealed(crypto.derive_passphrase_key(coordinator_passphrase, salt, params), sealed,
                                 f"school-key|{key_id(public)}".encode("ascii"))
    except crypto.DecryptionFailed:
        raise WrongPassphrase("That is not the coordinator's passphrase for the school key.") from None
    key = SchoolKey(raw)
    if key.public.public != public:
        raise TamperDetected(FILE_NAME, "the public and private halves do not belong together")
    return key
