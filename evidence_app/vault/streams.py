"""Large blobs in authenticated chunks: a file is encrypted and read back without ever being whole in memory.

The format follows age's STREAM construction. A file ``blobs/<id>.blob`` holds ``MAGIC``, a random
16-byte salt, then the chunks. The chunk key is HKDF over the case's blob key and the salt, so no two
files share a key. Chunk ``i`` is AES-256-GCM with the nonce ``i`` (11 bytes, big-endian) followed by
one byte that is 1 for the final chunk and 0 otherwise, and the case id and blob id as associated
data. Every chunk but the last holds exactly :data:`CHUNK` bytes of plaintext, so:

* a chunk moved, swapped or copied from another file does not decrypt (its position and key differ);
* a file cut at a chunk boundary ends on a chunk not flagged final, and is refused;
* anything after the final chunk is refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from evidence_app.errors import StorageError, TamperDetected
from evidence_app.vault import crypto
from evidence_app.vault.durable import fsync_dir, storage_error, write_all

MAGIC = b"EVSTRM1\n"
SALT_BYTES = 16
CHUNK = 1024 * 1024
SEALED_CHUNK = CHUNK + crypto.TAG_BYTES
_sync = getattr(os, "fdatasync", os.fsync)


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _chunk_key(key: bytes, salt: bytes) -> AESGCM:
    return AESGCM(crypto.pair_key(key, salt, "stream"))


class StreamWriter:
    """Writes one new stream file: :meth:`write` any amount, then :meth:`finish` (or :meth:`abort`)."""

    def __init__(self, path: Path, key: bytes, associated: bytes, what: str) -> None:
        self.path = path
        self._what = what
        self._associated = associated
        salt = crypto.random_bytes(SALT_BYTES)
        self._aead = _chunk_key(key, salt)
        self._pending = bytearray()
        self._index = 0
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        try:
            self._fd: int | None = os.open(path, flags, 0o600)
            write_all(self._fd, MAGIC + salt)
        except OSError as exc:
            self.abort()
            raise storage_error(exc, what) from exc

    def _emit(self, plaintext: bytes | bytearray | memoryview, final: bool) -> None:
        assert self._fd is not None
        sealed = self._aead.encrypt(_nonce(self._index, final), bytes(plaintext), self._associated)
        write_all(self._fd, sealed)
        self._index += 1

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Add bytes; full chunks are sealed and written, the last one is held until more comes or the end."""
        if self._fd is None:
            raise StorageError(f"Could not save {self._what}: the file was already closed.")
        self._pending += data
        try:
            # Keep at least one byte back: the chunk that turns out to be the last must be flagged final.
            while len(self._pending) > CHUNK:
                self._emit(memoryview(self._pending)[:CHUNK], final=False)
                del self._pending[:CHUNK]
        except OSError as exc:
            self.abort()
            raise storage_error(exc, self._what) from exc

    def finish(self) -> None:
        """Seal the final chunk and make the file durable."""
        if self._fd is None:
            raise StorageError(f"Could not save {self._what}: the file was already closed.")
        try:
            self._emit(self._pending, final=True)
            self._pending.clear()
            _sync(self._fd)
            os.close(self._fd)
            self._fd = None
            fsync_dir(self.path.parent)
        except OSError as exc:
            self.abort()
            raise storage_error(exc, self._what) from exc

    def abort(self) -> None:
        """Close and remove the unfinished file (best effort: a leftover is set aside at the next opening)."""
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass


def read_stream(path: Path, key: bytes, associated: bytes, where: str) -> Iterator[bytes]:
    """The plaintext, chunk by chunk; :class:`TamperDetected` on any change, cut or addition."""
    try:
        handle: BinaryIO = open(path, "rb")  # noqa: SIM115 (closed in the finally of the generator)
    except FileNotFoundError:
        raise TamperDetected(where, "the file is missing") from None
    except OSError as exc:
        raise storage_error(exc, where) from exc
    with handle:
        head = handle.read(len(MAGIC) + SALT_BYTES)
        if head[: len(MAGIC)] != MAGIC or len(head) < len(MAGIC) + SALT_BYTES:
            raise TamperDetected(where, "the file does not start like an evidence file")
        aead = _chunk_key(key, head[len(MAGIC):])
        index = 0
        sealed = handle.read(SEALED_CHUNK)
        while True:
            upcoming = handle.read(SEALED_CHUNK) if len(sealed) == SEALED_CHUNK else b""
            final = not upcoming
            try:
                plaintext = aead.decrypt(_nonce(index, final), sealed, associated)
            except (InvalidTag, ValueError):
                reason = ("it was cut short" if final and len(sealed) == SEALED_CHUNK
                          else f"part {index + 1} does not decrypt with the case key")
                raise TamperDetected(where, reason) from None
            yield plaintext
            if final:
                return
            index += 1
            sealed = upcoming
