"""The journal's running checkpoint: two fixed slots at the start of ``journal.log``.

Every record the journal appends also writes a *mark* naming it (its position,
hash, kind and time) into slot ``seq % 2``, and one fdatasync makes both
durable. A cut of the file's end therefore leaves marks naming records that are
no longer there. Marks are encrypted with the journal key (bound to the case,
the slot and so the position's parity), so they can be neither forged nor
read without the key; a copy of an older mark is only possible with an older
copy of the whole file.

The two slots alternate, so that a write torn by a crash spoils only the slot
being written, never the mark of the record before. The slots sit in their
own 4 KiB pages, away from the records and from each other.
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass

from evidence_app.vault import crypto
from evidence_app.vault.events import canonical_json

PAGE = 4096
SLOT_OFFSETS = (PAGE, 2 * PAGE)
SLOT_SIZE = 512  # one disk sector: written whole or not at all on ordinary disks
RECORDS_START = 3 * PAGE
_LENGTH = struct.Struct(">I")
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Mark:
    """What one slot says: journal record ``seq`` has hash ``head``, is of ``kind`` and was written at ``time``."""

    seq: int
    head: str
    kind: str
    time: str

    @property
    def slot(self) -> int:
        return self.seq % 2


def _associated(case_id: str, slot: int) -> bytes:
    return f"{case_id}|journal-mark|{slot}".encode("utf-8")


def encode(key: bytes, case_id: str, mark: Mark) -> bytes:
    """The slot's bytes for ``mark``: length, sealed JSON, zeros up to :data:`SLOT_SIZE`."""
    body = canonical_json({"seq": mark.seq, "head": mark.head, "kind": mark.kind, "time": mark.time})
    sealed = crypto.seal(key, body, _associated(case_id, mark.slot))
    raw = _LENGTH.pack(len(sealed)) + sealed
    if len(raw) > SLOT_SIZE:
        raise ValueError("a journal mark does not fit its slot")
    return raw + bytes(SLOT_SIZE - len(raw))


def decode(key: bytes, case_id: str, slot: int, raw: bytes) -> Mark | None:
    """The mark held in ``raw`` (slot ``slot``), or None when the slot does not hold a whole, genuine one."""
    if len(raw) != SLOT_SIZE or len(raw) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack_from(raw, 0)
    end = _LENGTH.size + size
    if size == 0 or end > SLOT_SIZE or any(raw[end:]):
        return None
    try:
        body = json.loads(crypto.open_sealed(key, raw[_LENGTH.size:end], _associated(case_id, slot)))
        mark = Mark(body["seq"], body["head"], body["kind"], body["time"])
    except (crypto.DecryptionFailed, ValueError, KeyError, TypeError):
        return None
    if (not isinstance(mark.seq, int) or isinstance(mark.seq, bool) or mark.seq < 0 or mark.slot != slot
            or not isinstance(mark.head, str) or not _HEX64.fullmatch(mark.head)
            or not isinstance(mark.kind, str) or not isinstance(mark.time, str)):
        return None
    return mark


def blank_header(magic: bytes) -> bytes:
    """A new journal's first :data:`RECORDS_START` bytes: the magic, then zeros (both slots empty)."""
    return magic + bytes(RECORDS_START - len(magic))
