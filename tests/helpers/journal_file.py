"""The journal file as an attacker with a hex editor sees it: its header pages and its records.

``journal.log`` is the magic and two checkpoint slots in its first pages
(:data:`~evidence_app.vault.marks.RECORDS_START` bytes), then records of a 4-byte length and
the sealed bytes. These helpers cut, reorder and splice records without any key.
"""

from __future__ import annotations

import struct
from pathlib import Path

from evidence_app.vault.journal import MAGIC
from evidence_app.vault.marks import RECORDS_START

_LENGTH = struct.Struct(">I")


def split(blob: bytes) -> tuple[bytes, list[bytes]]:
    """``(header, records)``: the header pages, and each record with its length prefix."""
    assert blob.startswith(MAGIC)
    offset, found = RECORDS_START, []
    while offset < len(blob):
        (size,) = _LENGTH.unpack_from(blob, offset)
        found.append(blob[offset: offset + _LENGTH.size + size])
        offset += _LENGTH.size + size
    return blob[:RECORDS_START], found


def records(path: Path) -> list[bytes]:
    return split(path.read_bytes())[1]


def record_ends(path: Path) -> list[int]:
    """The offset at which each record ends (cut the file there to keep records 0..n)."""
    ends, offset = [], RECORDS_START
    for record in records(path):
        offset += len(record)
        ends.append(offset)
    return ends


def cut_after(path: Path, seq: int) -> int:
    """Cut the journal so that record ``seq`` is its last, as ``truncate`` would; the bytes removed."""
    size = path.stat().st_size
    end = record_ends(path)[seq]
    with path.open("r+b") as handle:
        handle.truncate(end)
    return size - end
