"""The eSafeguarding incident register: an append-only log only the coordinator can read.

The policy asks that "an eSafeguarding incident log is kept up to date". Each
entry is written when a case is created, concluded, sealed, exported, opened
with the school key, or deleted, encrypted to the school key's public half
(X25519 + AES-GCM, a fresh ephemeral key an entry), so the app writes it with
no secret at hand and only the coordinator's passphrase (or the printed words)
reads it. Each entry holds the SHA-256 of the one before it on disk, so a
removed or re-ordered entry shows when the register is read.

Entries follow the policy's reporting log: date, time, incident, action taken
(what, and by whom), reported by. No pupil's name goes in: the incident is
described by the case id, the group and the policy's concern categories, and
the action by the policy's action labels, never by the pair's free text.
"""

from __future__ import annotations

import csv
import io
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from evidence_app.errors import TamperDetected
from evidence_app.vault import crypto
from evidence_app.vault.durable import append_durably, fsync_dir, storage_error
from evidence_app.vault.events import GENESIS
from evidence_app.vault.filelock import try_lock, unlock
from evidence_app.vault.school_key import SchoolKey, SchoolPublicKey
from evidence_app.vault.timestamps import utc_now

FILE_NAME = "register.log"
MAGIC = b"EVREGISTER1\n"
_LENGTH = struct.Struct(">I")
MAX_ENTRY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class RegisterEntry:
    """One line of the policy's reporting log."""

    seq: int
    time: str          # UTC, ISO 8601
    case_id: str
    event: str         # created | concluded | sealed | exported | recovered | released | deleted
    incident: str
    action: str        # what was done
    by: str            # by whom
    reported_by: str

    @property
    def date(self) -> str:
        return self.time[:10]

    @property
    def clock(self) -> str:
        return self.time[11:16] + " UTC"


def _key(shared: bytes, ephemeral: bytes, school_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + school_public,
                info=b"evidence-app/v1/register").derive(shared)


def _records(raw: bytes) -> list[bytes]:
    """The register's records as stored (length prefix included); TamperDetected if the file is malformed."""
    if raw[: len(MAGIC)] != MAGIC:
        raise TamperDetected(FILE_NAME, "the file does not start like an incident register")
    records, offset = [], len(MAGIC)
    while offset < len(raw):
        if len(raw) - offset < _LENGTH.size:
            raise TamperDetected(FILE_NAME, f"entry {len(records)} is cut short")
        (size,) = _LENGTH.unpack_from(raw, offset)
        end = offset + _LENGTH.size + size
        if size > MAX_ENTRY_BYTES or end > len(raw):
            raise TamperDetected(FILE_NAME, f"entry {len(records)} is cut short")
        records.append(raw[offset:end])
        offset = end
    return records


def append(root: Path, school: SchoolPublicKey, *, case_id: str, event: str, incident: str, action: str,
           by: str, reported_by: str = "") -> None:
    """Add an entry, durably; several windows may write at once (the file is locked while appending)."""
    path = Path(root) / FILE_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as exc:
        raise storage_error(exc, "the incident register") from exc
    try:
        while not try_lock(fd):
            import time

            time.sleep(0.01)
        try:
            size = os.lseek(fd, 0, os.SEEK_END)
            if size == 0:
                append_durably(fd, MAGIC, "the incident register")
                fsync_dir(path.parent)
                raw = MAGIC
            else:
                os.lseek(fd, 0, os.SEEK_SET)
                raw = os.read(fd, size)
                while len(raw) < size:
                    raw += os.read(fd, size - len(raw))
            records = _records(raw)
            prev = crypto.sha256_hex(records[-1]) if records else GENESIS
            seq = len(records)
            plaintext = json.dumps({"seq": seq, "prev": prev, "time": utc_now(), "case_id": case_id,
                                    "event": event, "incident": incident, "action": action, "by": by,
                                    "reported_by": reported_by}, ensure_ascii=False, sort_keys=True).encode("utf-8")
            ephemeral = X25519PrivateKey.generate()
            share = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            key = _key(school.shared_secret(ephemeral), share, school.public)
            body = share + crypto.seal(key, plaintext, f"register|{seq}".encode("ascii"))
            os.lseek(fd, 0, os.SEEK_END)
            append_durably(fd, _LENGTH.pack(len(body)) + body, "the incident register")
        finally:
            unlock(fd)
    finally:
        os.close(fd)


def read(root: Path, school_key: SchoolKey) -> list[RegisterEntry]:
    """Every entry, in order, chain checked; empty when nothing was registered yet."""
    path = Path(root) / FILE_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise storage_error(exc, "the incident register") from exc
    entries, prev = [], GENESIS
    public = school_key.public.public
    for seq, record in enumerate(_records(raw)):
        body = record[_LENGTH.size:]
        share = body[:32]
        try:
            plaintext = crypto.open_sealed(_key(school_key.shared_secret(share), share, public), body[32:],
                                           f"register|{seq}".encode("ascii"))
            data = json.loads(plaintext)
        except (crypto.DecryptionFailed, ValueError):
            raise TamperDetected(f"register entry {seq}", "it does not decrypt with the school key") from None
        if data["seq"] != seq or data["prev"] != prev:
            raise TamperDetected(f"register entry {seq}", "an entry before it was removed or moved")
        entries.append(RegisterEntry(seq=seq, time=data["time"], case_id=data["case_id"], event=data["event"],
                                     incident=data["incident"], action=data["action"], by=data["by"],
                                     reported_by=data["reported_by"]))
        prev = crypto.sha256_hex(record)
    return entries


COLUMNS = ("Date", "Time", "Case", "Incident", "Action taken: what", "Action taken: by whom", "Incident reported by")


def rows(entries: list[RegisterEntry]) -> list[tuple[str, ...]]:
    return [(e.date, e.clock, e.case_id, e.incident, e.action, e.by, e.reported_by) for e in entries]


def to_csv(entries: list[RegisterEntry]) -> bytes:
    """The register as CSV (UTF-8 with a BOM, so spreadsheet programs read accents). Not encrypted."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows(entries):
        writer.writerow(["'" + cell if cell[:1] and cell[:1] in "=+-@" else cell for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
