"""The append-only, encrypted, hash-chained journal of a case.

File layout: an 8-byte magic and two checkpoint slots in the first 12 KiB
(see :mod:`evidence_app.vault.marks`), then records of ``[4-byte big-endian
length] [nonce | AES-GCM ciphertext | tag]``. Each record's plaintext is one canonical
JSON line holding its position (``seq``), the SHA-256 of the previous line
(``prev``), a UTC time, the kind, who was signed in and the data. The case id
and the position are the associated data, so records cannot be moved or
swapped between cases. An append writes the record and its mark (the running
checkpoint) and is fdatasync'd once, before it returns.

A cut of the file's end is found from the marks: a journal that ends two or
more records before its newest mark was cut (:class:`TamperDetected`). A
journal one record short of its newest mark is what a power cut can leave (the
mark reached the disk, the record did not): it opens, and the case journals
which record is missing (:attr:`LoadedJournal.missing`). A mark spoilt while it
was written (its record is there, the mark before it is whole) is written again
and journaled (:attr:`LoadedJournal.unmarked`, :attr:`LoadedJournal.damaged_mark`);
any other spoilt mark is tampering.

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

from evidence_app.errors import InvalidInput, StorageError, TamperDetected
from evidence_app.vault import crypto, marks
from evidence_app.vault.durable import append_durably, storage_error, write_all, write_new_file
from evidence_app.vault.events import GENESIS, Event, canonical_json
from evidence_app.vault.marks import RECORDS_START, SLOT_OFFSETS, SLOT_SIZE, Mark
from evidence_app.vault.timestamps import utc_now

MAGIC = b"EVJRNL2\n"
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
    missing: Mark | None = None  # the newest mark names a record one past the end (a power cut, or a cut)
    unmarked: Mark | None = None  # the last record's mark, not on disk (a crash between the two writes)
    damaged_mark: bool = False  # ... because its slot holds a spoilt mark
    marked: int = -1  # the newest whole mark's position


class Journal:
    """One case's journal file, opened with the case's journal key."""

    def __init__(self, path: Path, key: bytes, case_id: str) -> None:
        self.path = path
        self._key = key
        self._case_id = case_id
        self._fd: int | None = None
        self._mark_fd: int | None = None  # a second descriptor, without O_APPEND, for the slots
        self._next_seq = 0
        self._head = GENESIS
        self._end = RECORDS_START  # where the last acknowledged record ends
        self._slots = [bytes(SLOT_SIZE), bytes(SLOT_SIZE)]  # what each slot holds on disk
        self._slot_stale: int | None = None  # a slot a refused append may have left ahead of the journal

    @classmethod
    def create(cls, path: Path, key: bytes, case_id: str) -> Journal:
        write_new_file(path, marks.blank_header(MAGIC), "the case journal")
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
        if blob[: len(MAGIC)] != MAGIC or len(blob) < RECORDS_START:
            raise TamperDetected(FILE_NAME, "the file does not start like a case journal")
        slots = [blob[at: at + SLOT_SIZE] for at in SLOT_OFFSETS]
        if any(blob[len(MAGIC): SLOT_OFFSETS[0]]) or any(any(blob[at + SLOT_SIZE: at + marks.PAGE])
                                                          for at in SLOT_OFFSETS):
            raise TamperDetected(FILE_NAME, "its first pages, which hold only its checkpoints, were changed")
        found = [marks.decode(self._key, self._case_id, slot, raw) for slot, raw in enumerate(slots)]
        whole = [mark for mark in found if mark is not None]
        newest = max(whole, key=lambda mark: mark.seq) if whole else None
        settled = checkpoint_seq  # the status file's checkpoint: written after its records and their marks
        if newest is not None:  # every record up to the one before the newest mark reached the disk
            checkpoint_seq = max(checkpoint_seq, newest.seq - 1)
        events: list[Event] = []
        offset = RECORDS_START
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
            if newest is not None and len(events) < newest.seq:
                raise TamperDetected(FILE_NAME, f"the journal ends at record {len(events) - 1}, but record "
                                     f"{newest.seq} ({newest.kind}, {newest.time}) was written and checkpointed: "
                                     f"{newest.seq - len(events) + 1} records were cut from its end")
            raise TamperDetected(FILE_NAME, f"the journal ends at record {len(events) - 1} but "
                                 f"record {checkpoint_seq} was checkpointed: records were removed")
        missing, unmarked = self._check_marks(events, found, newest, settled)
        self._next_seq = len(events)
        self._head = prev
        self._end = offset
        self._slots = slots
        self._slot_stale = None
        return LoadedJournal(events=tuple(events), torn=torn, missing=missing, unmarked=unmarked,
                             damaged_mark=unmarked is not None and found[unmarked.slot] is None,
                             marked=newest.seq if newest is not None else -1)

    def _check_marks(self, events: list[Event], found: list[Mark | None], newest: Mark | None,
                     settled: int) -> tuple[Mark | None, Mark | None]:
        """Hold the records against the marks: ``(missing, unmarked)``, or :class:`TamperDetected`.

        The last record's mark can be absent or spoilt after a crash between writing the record and
        writing its mark (the other slot then holds the mark before it): it is to be written again
        (:meth:`repair_mark`) before anything is appended, or the two slots would no longer alternate.
        """
        last = len(events) - 1
        if newest is None:
            if events:
                raise TamperDetected(FILE_NAME, "its checkpoints are missing or spoilt, so a cut of its end "
                                     "could not be found")
            return None, None
        for mark in found:
            if mark is not None and mark.seq <= last and events[mark.seq].hash != mark.head:
                raise TamperDetected(f"journal record {mark.seq}", "it is not the record that was checkpointed")
        older = found[1 - newest.slot]
        if older is not None and older.seq != newest.seq - 1:
            raise TamperDetected(FILE_NAME, "its two checkpoints do not follow one another")
        missing = newest if newest.seq == last + 1 else None
        unmarked = None
        if last == newest.seq + 1:
            if last <= settled:  # the status file was written after this record's mark
                raise TamperDetected(FILE_NAME, f"the checkpoint of record {last} was spoilt or removed")
            event = events[last]
            unmarked = Mark(event.seq, event.hash, event.kind, event.time)
        elif older is None and newest.seq > 0:
            # Only the slot being written can be spoilt by a crash, and its record was written before it.
            raise TamperDetected(FILE_NAME, f"the checkpoint of record {newest.seq - 1} was spoilt or removed")
        return missing, unmarked

    def repair_mark(self, mark: Mark) -> None:
        """Write ``mark`` into its slot again (the last record's, absent or spoilt after a crash), durably."""
        raw = marks.encode(self._key, self._case_id, mark)
        try:
            self._put_slot(mark.slot, raw)
        except OSError as exc:
            raise storage_error(exc, "the journal's checkpoint") from exc
        self._slots[mark.slot] = raw

    def _marks_fd(self) -> int:
        if self._mark_fd is None:
            raise RuntimeError("journal not open for appending")
        return self._mark_fd

    def _put_slot(self, slot: int, raw: bytes) -> None:
        """Write ``raw`` into ``slot`` and fsync it; ``OSError`` if the disk refuses."""
        fd = self._marks_fd()
        os.lseek(fd, SLOT_OFFSETS[slot], os.SEEK_SET)
        write_all(fd, raw)
        os.fsync(fd)

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
                self._mark_fd = os.open(self.path, os.O_WRONLY | getattr(os, "O_BINARY", 0))
            except OSError as exc:
                self.close()
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
        digest = hashlib.sha256(line).hexdigest()
        mark = Mark(seq, digest, str(kind), str(record["time"]))
        slot = marks.encode(self._key, self._case_id, mark)
        self._cut_back_refused()
        self._slot_stale = mark.slot  # until the append is whole, or undone with its old mark put back
        try:
            append_durably(self._fd, _LENGTH.pack(len(sealed)) + sealed, "the journal entry",
                           mark=(self._marks_fd(), SLOT_OFFSETS[mark.slot], slot))
        except StorageError:
            self._put_back_slot(mark.slot)
            raise
        self._slots[mark.slot] = slot
        self._slot_stale = None
        self._end += _LENGTH.size + len(sealed)
        event = Event.from_line(line, digest, self._head)
        self._next_seq = seq + 1
        self._head = event.hash
        return event

    def _put_back_slot(self, slot: int) -> None:
        """After a refused append: the slot its mark went to holds again what it held before (best effort)."""
        try:
            self._put_slot(slot, self._slots[slot])
        except OSError:
            return  # _cut_back_refused tries again before the next write
        self._slot_stale = None

    def _cut_back_refused(self) -> None:
        """Remove what a refused append left behind (its cleanup failed too) before writing again."""
        if self._fd is None:
            raise RuntimeError("journal not open for appending")
        try:
            if self._slot_stale is not None:
                self._put_slot(self._slot_stale, self._slots[self._slot_stale])
                self._slot_stale = None
            if os.fstat(self._fd).st_size <= self._end:  # shorter: cut by someone else, never grown back here
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
            return self.path.stat().st_size > self._end or self._slot_stale is not None
        except OSError:
            return True

    def close(self) -> None:
        for name in ("_fd", "_mark_fd"):
            fd = getattr(self, name)
            if fd is not None:
                setattr(self, name, None)
                os.close(fd)


def _zeros_from(blob: bytes, offset: int) -> int:
    """Where the run of zero bytes that ends the file begins (``len(blob)`` if it ends otherwise)."""
    return max(offset, len(blob.rstrip(b"\0")))
