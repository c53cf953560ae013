"""Small cryptographic layers, each with one job.

* :class:`KdfParams` and :func:`derive_passphrase_key`: Argon2id (RFC 9106),
  with its cost kept beside the salt so it can be raised later.
* :func:`seal` / :func:`open_sealed`: AES-256-GCM with a fresh random nonce per
  message and caller-supplied associated data (case id, record position ...).
* :func:`subkey`: HKDF-SHA256, to give every use of the case's data key its own key.
* :func:`pair_key`: the key that only two secrets together can make; the case's
  data key is wrapped under one such key per allowed pair, so no single
  passphrase can decrypt anything.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
SALT_BYTES = 16


class DecryptionFailed(Exception):
    """Internal: the ciphertext, its key or its associated data is not right.

    Never leaves the core: callers turn it into WrongPassphrase or TamperDetected.
    """


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default is RFC 9106's second recommendation (64 MiB, t=3)."""

    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 4

    @classmethod
    def recommended(cls) -> KdfParams:
        return cls()

    @classmethod
    def cheap_for_tests(cls) -> KdfParams:
        """A deliberately weak cost, only ever passed explicitly by tests and benchmarks."""
        return cls(memory_kib=64, iterations=1, lanes=1)

    def to_json(self) -> dict[str, Any]:
        return {"algorithm": "argon2id", "memory_kib": self.memory_kib,
                "iterations": self.iterations, "lanes": self.lanes}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KdfParams:
        """The cost a file asks for, refused (``ValueError``) outside :data:`KDF_LIMITS`.

        The file is read before anything is authenticated, so its cost is bounded: a
        header asking for a huge memory or iteration count must not hang or exhaust
        the computer before the passphrases are even checked.
        """
        if not isinstance(data, dict) or data.get("algorithm") != "argon2id":
            raise ValueError("unknown key derivation")
        values = [data.get(name) for name in ("memory_kib", "iterations", "lanes")]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise ValueError("the key derivation's cost is not a set of whole numbers")
        params = cls(memory_kib=values[0], iterations=values[1], lanes=values[2])
        problem = KDF_LIMITS.problem(params)
        if problem:
            raise ValueError(problem)
        return params


@dataclass(frozen=True)
class KdfLimits:
    """The largest Argon2id cost a case or key file may ask for: 4x RFC 9106's 64 MiB, t=3."""

    max_memory_kib: int = 256 * 1024
    max_iterations: int = 12
    max_lanes: int = 8
    max_work_kib: int = 4 * 64 * 1024 * 3  # memory x iterations

    def problem(self, params: KdfParams) -> str:
        if not 1 <= params.lanes <= self.max_lanes:
            return f"{params.lanes} lanes (at most {self.max_lanes})"
        if not 1 <= params.iterations <= self.max_iterations:
            return f"{params.iterations} iterations (at most {self.max_iterations})"
        if not 8 * params.lanes <= params.memory_kib <= self.max_memory_kib:
            return f"{params.memory_kib} KiB of memory (at most {self.max_memory_kib})"
        if params.memory_kib * params.iterations > self.max_work_kib:
            return "a cost larger than this app ever asks for"
        return ""


KDF_LIMITS = KdfLimits()


def random_bytes(count: int) -> bytes:
    return os.urandom(count)


def derive_passphrase_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    kdf = Argon2id(salt=salt, length=KEY_BYTES, iterations=params.iterations,
                   lanes=params.lanes, memory_cost=params.memory_kib)
    return kdf.derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))


def subkey(key: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=b"evidence-app/v1/" + purpose.encode("ascii")).derive(key)


def pair_key(first: bytes, second: bytes, purpose: str) -> bytes:
    """A key that needs both secrets: HKDF over the two keys, in a fixed order."""
    return subkey(first + second, purpose)


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """nonce || ciphertext || tag."""
    nonce, sealed = seal_parts(key, plaintext, associated)
    return nonce + sealed


def seal_parts(key: bytes, plaintext: bytes, associated: bytes) -> tuple[bytes, bytes]:
    """The nonce and ciphertext || tag, unjoined, so a large one is never copied to prepend the nonce."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, associated)


def open_sealed(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionFailed("too short")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated)
    except InvalidTag as exc:
        raise DecryptionFailed("authentication failed") from exc


def mac(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def mac_matches(key: bytes, data: bytes, expected: str) -> bool:
    if not isinstance(expected, str) or not expected.isascii():
        return False
    return hmac.compare_digest(mac(key, data), expected)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
