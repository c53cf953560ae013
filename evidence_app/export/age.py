"""age files (age-encryption.org/v1) through pyrage, the bindings to rage (the Rust age).

Everything that *reads* an age file goes through rage, which is as strict as
Debian's ``age`` (canonical base64, one header grammar, low-order X25519
shares refused): a re-spelt header is an error, never a second valid file.

* X25519: the evidence file is encrypted to a fresh identity and decrypted
  with it, streaming (``pyrage.encrypt_io`` / ``decrypt_io`` on a thread of
  their own, fed through a bounded pipe), so memory stays flat.
* scrypt: the identity's text is encrypted with the officer's passphrase.
  Decryption is rage's, after a bound on the file's size and work factor
  (rage itself would spend 4 GiB and 20 s on a crafted 2^22). Encryption is
  the one piece written here: ``pyrage.passphrase.encrypt`` always picks
  2^18 (256 MiB, 1.3 s measured), beyond the export's 200 MB budget, and
  tests need a cheap cost. Debian's ``age`` opens what it writes (tested).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
import re
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import pyrage
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from evidence_app.errors import EvidenceError

INTRO = b"age-encryption.org/v1\n"
CHUNK = 64 * 1024
TAG = 16
SCRYPT_LOG_N = 18          # age's own default
EXPORT_SCRYPT_LOG_N = 16   # the officer's key file: 64 MiB, a quarter second. The six generated words
                           # carry 66 bits, which is what protects it; this cost keeps export and
                           # verify under 200 MB beside a full-size form.
SCRYPT_MAX_LOG_N = 18      # the most a key file may ask for: 256 MiB, about a second
MAX_KEY_FILE = 64 * 1024   # a key file is a few hundred bytes; anything larger is not one
PIPE_BYTES = 1024 * 1024   # what may wait between the bag's writer and rage, either way
PIPE_PIECE = 256 * 1024    # the most one write puts into the pipe at once
_SCRYPT_LABEL = b"age-encryption.org/v1/scrypt"
_SCRYPT_LINE = re.compile(rb"-> scrypt ([A-Za-z0-9+/]{22}) ([1-9][0-9]?)\n")


class AgeError(EvidenceError):
    """An age file that cannot be decrypted: wrong key or passphrase, damaged, cut short or re-spelt."""


def _plain(error: Exception, *, passphrase: bool = False) -> AgeError:
    """rage's error as a sentence."""
    text = str(error)
    if "No matching keys" in text:
        return AgeError("No key that can open this file was given (wrong key file or passphrase).")
    if passphrase and "Decryption failed" in text:
        return AgeError("The passphrase is wrong.")
    if "Excessive work" in text:
        return AgeError("The file asks for more passphrase work than this app allows.")
    if "Unknown age format" in text or "Header is invalid" in text or "header" in text.lower():
        return AgeError("The age header is malformed or has been altered.")
    return AgeError("The age file is damaged, cut short, re-ordered or has data added.")


# --------------------------------------------------------------------------- keys

@dataclass(frozen=True)
class Identity:
    """An X25519 age identity (``AGE-SECRET-KEY-1...``)."""

    text: str = field(repr=False)

    @classmethod
    def generate(cls) -> Identity:
        return cls(str(pyrage.x25519.Identity.generate()))

    @classmethod
    def parse(cls, text: str) -> Identity:
        """The first key line of an identity file (``#`` lines are comments), checked by rage."""
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                try:
                    return cls(str(pyrage.x25519.Identity.from_str(line)))
                except (pyrage.IdentityError, ValueError):
                    raise AgeError("That is not an age identity, or it was mistyped or damaged.") from None
        raise AgeError("The identity file holds no key.")

    def _rage(self) -> pyrage.x25519.Identity:
        return pyrage.x25519.Identity.from_str(self.text)

    @property
    def recipient(self) -> str:
        """The public key (``age1...``) that files for this identity are encrypted to."""
        return str(self._rage().to_public())

    def to_text(self) -> str:
        return self.text

    def recipient_text(self) -> str:
        return self.recipient


# --------------------------------------------------------------------------- a bounded pipe

class _Pipe:
    """Bytes handed from one thread to another, at most :data:`PIPE_BYTES` waiting.

    Either side may :meth:`abort` (an error, a cancel); the other then stops
    at its next read or write instead of waiting for ever.
    """

    def __init__(self) -> None:
        self._chunks: deque[bytes] = deque()
        self._buffer: bytes | memoryview = b""
        self.waiting = 0
        self._ended = False
        self._aborted = False
        self._lock = threading.Condition()

    def write(self, data: bytes) -> int:
        data = bytes(data)
        with self._lock:
            while self.waiting >= PIPE_BYTES and not self._aborted:
                self._lock.wait()
            if self._aborted:
                raise _Aborted
            self._chunks.append(data)
            self.waiting += len(data)
            self._lock.notify_all()
        return len(data)

    def end(self) -> None:
        with self._lock:
            self._ended = True
            self._lock.notify_all()

    def abort(self) -> None:
        with self._lock:
            self._aborted = True
            self._lock.notify_all()

    def next_chunk(self) -> bytes | None:
        """All the bytes written since the last call (rage writes 8 KiB at a time), or None at the end."""
        with self._lock:
            while not self._chunks and not self._ended and not self._aborted:
                self._lock.wait()
            if self._aborted:
                raise _Aborted
            if not self._chunks:
                return None
            chunk = self._chunks.popleft() if len(self._chunks) == 1 else b"".join(self._chunks)
            self._chunks.clear()
            self.waiting = 0
            self._lock.notify_all()
            return chunk

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (fewer is fine for rage), ``b""`` only at the end."""
        if size < 0:
            rest = [self._buffer]
            while (chunk := self.next_chunk()) is not None:
                rest.append(chunk)
            self._buffer = b""
            return b"".join(rest)
        while not self._buffer:
            chunk = self.next_chunk()
            if chunk is None:
                return b""
            self._buffer = memoryview(chunk)
        data = bytes(self._buffer[:size])
        self._buffer = self._buffer[size:]
        return data

    def flush(self) -> None:
        pass


class _Aborted(Exception):
    """The other side of a pipe gave up."""


class _Recording:
    """A file wrapper that remembers the first exception its file raised (rage turns it into text)."""

    def __init__(self, target: BinaryIO) -> None:
        self._target = target
        self.failure: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        try:
            return self._target.read(size)
        except BaseException as exc:
            self.failure = self.failure or exc
            raise

    def write(self, data: bytes) -> int:
        try:
            return self._target.write(data)
        except BaseException as exc:
            self.failure = self.failure or exc
            raise

    def flush(self) -> None:
        pass


# --------------------------------------------------------------------------- streams

class Encryptor:
    """A writable stream: bytes written are encrypted by rage to ``recipient`` into ``target``.

    Call :meth:`close` to finish (it raises what the writing met, an
    ``OSError`` as itself); leaving a ``with`` block without closing stops the
    encryption and leaves ``target`` unfinished.
    """

    def __init__(self, target: BinaryIO, *, recipient: str) -> None:
        try:
            rage_recipient = pyrage.x25519.Recipient.from_str(recipient)
        except (pyrage.RecipientError, ValueError, TypeError):
            raise AgeError("That is not an age recipient (age1...).") from None
        self._pipe = _Pipe()
        self._target = _Recording(target)
        self._failure: BaseException | None = None
        self.plaintext_bytes = 0
        self._thread = threading.Thread(target=self._run, args=(rage_recipient,), name="export-age", daemon=True)
        self._thread.start()

    def _run(self, recipient: pyrage.x25519.Recipient) -> None:
        try:
            pyrage.encrypt_io(self._pipe, self._target, [recipient])
        except BaseException as exc:
            self._failure = self._target.failure or self._pipe_failure(exc)
            self._pipe.abort()

    @staticmethod
    def _pipe_failure(exc: BaseException) -> BaseException:
        return AgeError("The encryption stopped.") if "_Aborted" in str(exc) else exc

    @property
    def buffered_bytes(self) -> int:
        return self._pipe.waiting

    def _raise(self) -> None:
        failure = self._failure
        if isinstance(failure, (OSError, EvidenceError)):
            raise failure
        if failure is not None:
            raise AgeError("The evidence could not be encrypted.") from failure

    def write(self, data: bytes) -> int:
        try:
            with memoryview(data) as view:  # in pieces: a 60 MB form is never copied whole into the pipe
                for start in range(0, len(view), PIPE_PIECE):
                    self._pipe.write(view[start: start + PIPE_PIECE])
        except _Aborted:
            self._thread.join()
            self._raise()
            raise AgeError("The encryption stopped.") from None
        self.plaintext_bytes += len(data)
        return len(data)

    def close(self) -> None:
        self._pipe.end()
        self._thread.join()
        self._raise()

    def abort(self) -> None:
        self._pipe.abort()
        self._thread.join()

    def __enter__(self) -> Encryptor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._thread.is_alive():
            self.abort()


def decrypt_chunks(source: BinaryIO, *, identity: Identity) -> Iterator[bytes]:
    """Yield the plaintext of an X25519 age file as rage releases it; :class:`AgeError` at the first fault.

    Every chunk yielded has passed its authentication tag; a file cut short,
    re-ordered or extended fails when its end is reached, so a caller must
    read to the end before it trusts anything. Closing the iterator early stops rage.
    """
    pipe = _Pipe()
    reader = _Recording(source)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            pyrage.decrypt_io(reader, pipe, [identity._rage()])
        except BaseException as exc:
            failure.append(exc)
        finally:
            pipe.end()

    thread = threading.Thread(target=run, name="verify-age", daemon=True)
    thread.start()
    try:
        while (chunk := pipe.next_chunk()) is not None:
            yield chunk
        thread.join()
    finally:
        if thread.is_alive():
            pipe.abort()
            thread.join()
    if reader.failure is not None:  # the disk failed, not the file: say so as itself
        raise reader.failure
    if failure:
        raise _plain(failure[0]) from None  # type: ignore[arg-type]


def _check_passphrase_header(data: bytes) -> None:
    """Refuse, before any work, a key file too large or asking for more scrypt work than we allow."""
    if len(data) > MAX_KEY_FILE:
        raise AgeError(f"The key file is {len(data):,} bytes; a real one is a few hundred. It is not a key file.")
    if not data.startswith(INTRO):
        raise AgeError("This is not an age file (version line missing).")
    stanza = _SCRYPT_LINE.match(data, len(INTRO))
    if stanza is None:
        raise AgeError("The key file is not passphrase-encrypted the way age writes it.")
    log_n = int(stanza.group(2))
    if log_n > SCRYPT_MAX_LOG_N:
        raise AgeError(f"The key file asks for a passphrase cost of 2^{log_n}, beyond the 2^{SCRYPT_MAX_LOG_N} "
                       "this app allows (it would take too much memory or time). It was not made by Evidence App.")


def decrypt_bytes(data: bytes, *, identity: Identity | None = None, passphrase: str | None = None) -> bytes:
    """Decrypt a whole (small) age file with an identity or a passphrase."""
    if passphrase is not None:
        _check_passphrase_header(data)
        try:
            return pyrage.passphrase.decrypt(data, passphrase)
        except pyrage.DecryptError as exc:
            raise _plain(exc, passphrase=True) from None
    if identity is None:
        raise ValueError("an identity or a passphrase is needed")
    return b"".join(decrypt_chunks(io.BytesIO(data), identity=identity))


# --------------------------------------------------------------------------- the passphrase file

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def _passphrase_encrypt(data: bytes, passphrase: str, log_n: int) -> bytes:
    """age's scrypt recipient, written out: one stanza, the header MAC, the STREAM payload."""
    if not 1 <= log_n <= SCRYPT_MAX_LOG_N:
        raise ValueError(f"scrypt cost 2^{log_n} is out of range")
    file_key, salt, nonce = os.urandom(16), os.urandom(16), os.urandom(16)
    wrapping = Scrypt(salt=_SCRYPT_LABEL + salt, length=32, n=2 ** log_n, r=8, p=1).derive(passphrase.encode("utf-8"))
    body = _b64(ChaCha20Poly1305(wrapping).encrypt(b"\0" * 12, file_key, None))  # 43 characters: one line
    without_mac = INTRO + f"-> scrypt {_b64(salt)} {log_n}\n{body}\n---".encode("ascii")
    mac = hmac.new(_hkdf(file_key, b"", b"header"), without_mac, hashlib.sha256).digest()
    out = bytearray(without_mac + b" " + _b64(mac).encode("ascii") + b"\n" + nonce)
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    pieces = [data[i: i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
    for counter, piece in enumerate(pieces):
        last = counter == len(pieces) - 1
        out += aead.encrypt(counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00"), piece, None)
    return bytes(out)


def encrypt_bytes(data: bytes, *, recipient: str | None = None, passphrase: str | None = None,
                  scrypt_log_n: int = SCRYPT_LOG_N) -> bytes:
    """Encrypt a whole (small) file to an X25519 recipient (rage) or with a passphrase."""
    if passphrase is not None:
        return _passphrase_encrypt(data, passphrase, scrypt_log_n)
    if recipient is None:
        raise ValueError("a recipient or a passphrase is needed")
    out = io.BytesIO()
    stream = Encryptor(out, recipient=recipient)
    stream.write(data)
    stream.close()
    return out.getvalue()
