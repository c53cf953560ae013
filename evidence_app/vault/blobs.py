"""Encrypted blobs: screenshots, page snapshots, generated forms, files brought in as evidence.

Each blob is one file ``blobs/<random id>.blob`` holding a magic and the
AES-GCM ciphertext of the bytes, bound to the case id and the blob id. Names
are random, so nothing about the content shows; the content's SHA-256 lives
in the (encrypted) journal. Files brought in (any size) are written in authenticated chunks
instead (:mod:`~evidence_app.vault.streams`), never whole in memory.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from evidence_app.errors import InvalidInput, StorageError, TamperDetected
from evidence_app.vault import crypto
from evidence_app.vault.durable import fsync_dir, storage_error, write_new_file
from evidence_app.vault.streams import MAGIC as STREAM_MAGIC
from evidence_app.vault.streams import StreamWriter, read_stream

MAGIC = b"EVBLOB1\n"
SUFFIX = ".blob"
MAX_BLOB_BYTES = 512 * 1024 * 1024
_ID = re.compile(r"^[0-9a-f]{32}$")


class BlobStore:
    """The ``blobs`` folder of one case, with the case's blob key."""

    def __init__(self, folder: Path, key: bytes, case_id: str) -> None:
        self.folder = folder
        self._key = key
        self._case_id = case_id
        self.refused: set[str] = set()  # blobs whose saving was refused but whose file could not be removed
        self.pending: set[str] = set()  # streams being written now, before their record exists

    def _associated(self, blob_id: str) -> bytes:
        return f"{self._case_id}|blob|{blob_id}".encode("ascii")

    def path_of(self, blob_id: str) -> Path:
        if not _ID.match(blob_id):
            raise InvalidInput(f"{blob_id!r} is not a blob id")
        return self.folder / (blob_id + SUFFIX)

    def put(self, data: bytes, what: str) -> str:
        """Encrypt and store ``data`` durably; return its new id."""
        if len(data) > MAX_BLOB_BYTES:
            raise InvalidInput(f"{what} is {len(data) // 1024 // 1024} MB; the limit is "
                               f"{MAX_BLOB_BYTES // 1024 // 1024} MB.")
        blob_id = secrets.token_hex(16)
        nonce, sealed = crypto.seal_parts(self._key, data, self._associated(blob_id))
        try:
            write_new_file(self.path_of(blob_id), MAGIC, what, nonce, sealed)
        except StorageError:
            self.discard(blob_id)  # whole, perhaps, but never acknowledged: nothing will name it
            raise
        return blob_id

    def new_stream(self, what: str) -> tuple[str, StreamWriter]:
        """A new blob written in chunks (see :mod:`~evidence_app.vault.streams`), for files of any size.

        Its id stays in :attr:`pending` until :meth:`settled` says its record was written or it was discarded.
        """
        blob_id = secrets.token_hex(16)
        self.pending.add(blob_id)
        try:
            return blob_id, StreamWriter(self.path_of(blob_id), self._key, self._associated(blob_id), what)
        except BaseException:
            self.pending.discard(blob_id)
            raise

    def settled(self, blob_id: str) -> None:
        self.pending.discard(blob_id)

    def read_chunks(self, blob_id: str) -> Iterator[bytes]:
        """A chunked blob's bytes, in order; :class:`TamperDetected` if it is missing, altered, cut or extended."""
        where = f"blobs/{blob_id}{SUFFIX}"
        return read_stream(self.path_of(blob_id), self._key, self._associated(blob_id), where)

    def discard(self, blob_id: str) -> bool:
        """Remove a blob no record names (its record was refused); False if the disk refused that too."""
        try:
            self.path_of(blob_id).unlink(missing_ok=True)
            fsync_dir(self.folder)
        except OSError:
            self.refused.add(blob_id)  # set aside at the next opening, like a crash's leftover
            return False
        return True

    def get(self, blob_id: str) -> bytes:
        """The stored bytes; :class:`TamperDetected` if the file is missing or altered."""
        where = f"blobs/{blob_id}{SUFFIX}"
        try:
            raw = self.path_of(blob_id).read_bytes()
        except FileNotFoundError:
            raise TamperDetected(where, "the file is missing") from None
        except OSError as exc:
            raise storage_error(exc, where) from exc
        if raw[: len(STREAM_MAGIC)] == STREAM_MAGIC and len(raw) <= MAX_BLOB_BYTES:
            return b"".join(read_stream(self.path_of(blob_id), self._key, self._associated(blob_id), where))
        if raw[: len(MAGIC)] != MAGIC:
            raise TamperDetected(where, "the file does not start like an evidence file")
        try:
            return crypto.open_sealed(self._key, raw[len(MAGIC):], self._associated(blob_id))
        except crypto.DecryptionFailed:
            raise TamperDetected(where, "it does not decrypt with the case key") from None
