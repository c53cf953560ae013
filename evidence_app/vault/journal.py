"""The append-only, encrypted, hash-chained journal of a case.

File layout: an 8-byte magic, then records of ``[4-byte big-endian length]
[nonce | AES-GCM ciphertext | tag]``. Each record's plaintext is one canonical
JSON line holding its position (``seq``), the SHA-256 of the previous line
(``prev``), a UTC time, the kind, who was signed in and the data. The case id
and the position are the associated data, so records cannot be moved or
swapped between cases. An append is fsync'd before it returns.

A crash can leave a torn last record; :meth:`Journal.load` reports it so the
case can set it aside, unless the record lies inside the last checkpoint, which
means it was written long ago and then changed: that is tampering. A power cut
can also leave the file's new length on disk without its bytes: the end then
reads as zeros, and is a torn tail like any other.

When an append fails and cutting the file back fails too, the refused bytes
may still be there; the journal remembers where its last acknowledged record
ends and cuts back to it before it writes again, so a record number is never
written twice.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from evidence_app.errors import InvalidInput, TamperDetected
from evidence_app.vault import crypto
from evidence_app.vault.durable import append_durably, storage_error, write_new_file
from evidence_app.vault.events import GENESIS, Event, canonical_json
from evidence_app.vault.timestamps import utc_now

MAGIC = b"EVJRNL1\n"
_LENGTH = struct.Struct(">I")
MAX_RECORD_BYTES = 32 * 1024 * 1024
FILE_NAME = "journal.log"
TORN_PREFIX = "journal.torn-"


@dataclass(frozen=True)
class TornTail:
    """Bytes at the end of the journal that do not form a whole, valid record."""

    offset: int
    size: int
    reason: str


@dataclass(frozen=True)
class LoadedJournal:
    events: tuple[Event, ...]
    torn: TornTail | None


class Journal:
    """One case's journal file, opened with the case's journal key."""

    def __init__(self, path: Path, key: bytes, case_id: str) -> None:
        self.path = path
        self._key = key
        self._case_id = case_id
        self._fd: int | None = None
        self._next_seq = 0
        self._head = GENESIS
        self._end = len(MAGIC)  # where the last acknowledged record ends

    @classmethod
    def create(cls, path: Path, key: bytes, case_id: str) -> Journal:
        write_new_file(path, MAGIC, "the case journal")
        return cls(path, key, case_id)

    def _associated(self, seq: int) -> bytes:
        return f"{self._case_id}|journal|{seq}".encode("utf-8")

    @property
    def head(self) -> str:
        return self._head

    @property
    def count(self) -> int:
        return self._next_seq

    def load(self, checkpoint_seq: int = -1) -> LoadedJournal:
        """Read and check every record; raise :class:`TamperDetected` at the first bad one."""
        try:
            blob = self.path.read_bytes()
        except FileNotFoundError:
            raise TamperDetected(FILE_NAME, "the journal file is missing") from None
        except OSError as exc:
            raise storage_error(exc, "the case journal") from exc
        if blob[: len(MAGIC)] != MAGIC:
            raise TamperDetected(FILE_NAME, "the file does not start like a case journal")
        events: list[Event] = []
        offset = len(MAGIC)
        prev = GENESIS
        torn: TornTail | None = None
        names: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        while offset < len(blob):
            seq = len(events)
            problem = None
            if len(blob) - offset < _LENGTH.size:
                problem = "an incomplete record length"
            else:
                (size,) = _LENGTH.unpack_from(blob, offset)
                end = offset + _LENGTH.size + size
                if size > MAX_RECORD_BYTES or end > len(blob):
                    problem = "a record that runs past the end of the file"
            if problem is None:
                try:
                    line = crypto.open_sealed(self._key, blob[offset + _LENGTH.size: end],
                                              self._associated(seq))
                except crypto.DecryptionFailed:
                    if end == len(blob) and seq > checkpoint_seq:
                        problem = "a last record that does not decrypt"
                    elif seq > checkpoint_seq and _zeros_from(blob, offset) <= end:
                        problem = "an end of the file that reads as zeros (written, then lost in a power cut)"
                    else:
                        raise TamperDetected(f"journal record {seq}",
                                             "it does not decrypt with the case key") from None
            if problem is not None:
                if seq <= checkpoint_seq:
                    raise TamperDetected(f"journal record {seq}",
                                         f"{problem}, inside the part already checkpointed")
                torn = TornTail(offset=offset, size=len(blob) - offset, reason=problem)
                break
            event = self._parse(line, seq, prev, names)
            events.append(event)
            prev = event.hash
            offset = end
        if len(events) <= checkpoint_seq:
            raise TamperDetected(FILE_NAME, f"the journal ends at record {len(events) - 1} but "
                                 f"record {checkpoint_seq} was checkpointed: records were removed")
        self._next_seq = len(events)
        self._head = prev
        self._end = offset
        return LoadedJournal(events=tuple(events), torn=torn)

    def _parse(self, line: bytes, seq: int, prev: str, names: dict[tuple[Any, ...], tuple[Any, ...]]) -> Event:
        where = f"journal record {seq}"
        try:
            event = Event.from_line(line, hashlib.sha256(line).hexdigest(), prev, names)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            raise TamperDetected(where, "its content is not a journal record") from None
        if event.seq != seq:
            raise TamperDetected(where, f"it says it is record {event.seq}")
        if event.prev != prev:
            raise TamperDetected(where, "it does not carry the hash of the record before it")
        return event

    def set_aside(self, torn: TornTail, folder: Path) -> Path:
        """Move a torn tail into its own file and cut the journal back to whole records."""
        try:
            with self.path.open("rb") as source:
                source.seek(torn.offset)
                tail = source.read()
        except OSError as exc:
            raise storage_error(exc, "the case journal") from exc
        stamp = utc_now().replace(":", "").replace(".", "")
        target = folder / f"{TORN_PREFIX}{stamp}"
        number = 1
        while target.exists():
            number += 1
            target = folder / f"{TORN_PREFIX}{stamp}-{number}"
        write_new_file(target, tail, "the damaged end of the journal")
        try:
            with self.path.open("r+b") as handle:
                handle.truncate(torn.offset)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise storage_error(exc, "the case journal") from exc
        self._end = torn.offset
        return target

    def open_for_append(self) -> None:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0))
            except OSError as exc:
                raise storage_error(exc, "the case journal") from exc

    def append(self, kind: str, by: tuple[str, ...], data: Mapping[str, Any]) -> Event:
        """Add a record and return once it is on disk."""
        if self._fd is None:
            raise RuntimeError("journal not open for appending")
        seq = self._next_seq
        record = {"seq": seq, "prev": self._head, "time": utc_now(), "kind": str(kind),
                  "by": list(by), "data": dict(data)}
        line = canonical_json(record)
        if len(line) > MAX_RECORD_BYTES - 1024:
            raise InvalidInput("That is too much to store in one journal entry "
                               f"({len(line) // 1024 // 1024} MB); the limit is "
                               f"{MAX_RECORD_BYTES // 1024 // 1024 - 1} MB.")
        sealed = crypto.seal(self._key, line, self._associated(seq))
        self._cut_back_refused()
        append_durably(self._fd, _LENGTH.pack(len(sealed)) + sealed, "the journal entry")
        self._end += _LENGTH.size + len(sealed)
        event = Event.from_line(line, hashlib.sha256(line).hexdigest(), self._head)
        self._next_seq = seq + 1
        self._head = event.hash
        return event

    def _cut_back_refused(self) -> None:
        """Remove what a refused append left behind (its cleanup failed too) before writing again."""
        if self._fd is None:
            raise RuntimeError("journal not open for appending")
        try:
            if os.fstat(self._fd).st_size == self._end:
                return
            os.ftruncate(self._fd, self._end)
            os.fsync(self._fd)
        except OSError as exc:
            raise storage_error(exc, "the journal entry") from exc

    def cut_back_refused(self) -> None:
        """As before an append: :class:`StorageError` if a refused record's bytes cannot be removed."""
        self._cut_back_refused()

    def refused_bytes_remain(self) -> bool:
        """True while a refused append's bytes are still in the file (cut back before the next write)."""
        try:
            return self.path.stat().st_size != self._end
        except OSError:
            return True

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _zeros_from(blob: bytes, offset: int) -> int:
    """Where the run of zero bytes that ends the file begins (``len(blob)`` if it ends otherwise)."""
    return max(offset, len(blob.rstrip(b"\0")))
