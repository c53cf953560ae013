"""The eSafeguarding incident register: an append-only log only the coordinator can read.

The policy asks that "an eSafeguarding incident log is kept up to date". Each
entry is written when a case is created, concluded, sealed, exported, opened
with the school key, or deleted, encrypted to the school key's public half
(X25519 + AES-GCM, a fresh ephemeral key an entry), so the app writes it with
no secret at hand and only the coordinator's passphrase (or the printed words)
reads it. Each entry holds the SHA-256 of the one before it on disk, so a
removed or re-ordered entry shows when the register is read.

Anyone may write to the school key's public half, so each entry is also signed
with the case's own Ed25519 key (:mod:`evidence_app.vault.signing`); every signed
entry names that public key, which must be the one the case's header holds when
the case is still on this computer, and else the one of the case's first signed
entry. An entry that is not signed by its case is named as forged. The case
journals where each of its entries went (index and hash of the stored record), so
an entry cut from the end is found by the case's ``verify()``, and the cases on
disk are compared with the register by :mod:`evidence_app.case.register_check`.

What remains: a forger who deletes a case's folder *and* cuts the register back to
before that case's first entry can write entries for it under a key of their own
(there is nothing left to compare them with). Entries written before entries were
signed are read, marked "unsigned"; once a signed entry is in the register, an
unsigned one after it is named as not written by Evidence App.

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
import time as _time
from base64 import b64decode, b64encode
from collections.abc import Mapping
from dataclasses import dataclass, replace
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
from evidence_app.vault.signing import SigningKey, verify_signature
from evidence_app.vault.timestamps import utc_now

FILE_NAME = "register.log"
MAGIC = b"EVREGISTER1\n"
_LENGTH = struct.Struct(">I")
MAX_ENTRY_BYTES = 1024 * 1024
_SIGNED = b"evidence-app/register-entry/v1\0"
MOVED_SEARCH = 32

SIGNED, UNSIGNED, FORGED = "signed", "unsigned", "forged"
UNSIGNED_NOTE = "unsigned: written before register entries were signed (Evidence App before 29 November 2026)"


@dataclass(frozen=True)
class RegisterPosition:
    """Where an entry went: its index and the SHA-256 of the record as stored (journaled by the case)."""

    index: int
    record: str
    school_key: str  # the fingerprint of the school key it was written for


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
    school_key: str = ""     # the fingerprint of the school key it was written for ("" before it was kept)
    signing_key: str = ""    # the case's public key that signed it (base64), "" when unsigned
    trust: str = SIGNED      # signed | unsigned (written before signing) | forged
    note: str = ""           # for an unsigned or forged entry, why, in a sentence

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


def records_on_disk(root: Path) -> list[bytes]:
    """The register's records as stored, without decrypting (an empty list when there is no register).

    A case checks its own entries against these: the SHA-256 of a record needs no key.
    """
    try:
        raw = (Path(root) / FILE_NAME).read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise storage_error(exc, "the incident register") from exc
    return _records(raw)


def record_hash(record: bytes) -> str:
    return crypto.sha256_hex(record)


def _signed_bytes(data: Mapping[str, object]) -> bytes:
    fields = {k: v for k, v in data.items() if k != "signature"}
    return _SIGNED + json.dumps(fields, ensure_ascii=False, sort_keys=True).encode("utf-8")


def append(root: Path, school: SchoolPublicKey, *, case_id: str, event: str, incident: str, action: str,
           by: str, reported_by: str = "", signer: SigningKey | None = None) -> RegisterPosition:
    """Add an entry, durably, signed by the case's key; several windows may write at once (the file is locked)."""
    path = Path(root) / FILE_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as exc:
        raise storage_error(exc, "the incident register") from exc
    try:
        while not try_lock(fd):
            _time.sleep(0.01)
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
            data: dict[str, object] = {"seq": seq, "prev": prev, "time": utc_now(), "case_id": case_id,
                                       "event": event, "incident": incident, "action": action, "by": by,
                                       "reported_by": reported_by, "school_key": school.fingerprint}
            if signer is not None:
                data["signing_key"] = b64encode(signer.public_raw).decode("ascii")
                data["signature"] = b64encode(signer.sign(_signed_bytes(data))).decode("ascii")
            plaintext = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
            ephemeral = X25519PrivateKey.generate()
            share = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            key = _key(school.shared_secret(ephemeral), share, school.public)
            body = share + crypto.seal(key, plaintext, f"register|{seq}".encode("ascii"))
            record = _LENGTH.pack(len(body)) + body
            os.lseek(fd, 0, os.SEEK_END)
            append_durably(fd, record, "the incident register")
            return RegisterPosition(index=seq, record=crypto.sha256_hex(record), school_key=school.fingerprint)
        finally:
            unlock(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class RegisterAudit:
    """The register as read: the entries that decrypt (each marked signed, unsigned or forged) and,
    in plain sentences, everything wrong with it. ``problems`` is empty for a genuine register."""

    entries: tuple[RegisterEntry, ...]
    problems: tuple[str, ...]
    first_bad: tuple[str, str] | None = None  # (where, what) of the first problem, for TamperDetected


def audit(root: Path, school_key: SchoolKey, case_keys: Mapping[str, bytes] | None = None) -> RegisterAudit:
    """Read every entry and name what is wrong, without stopping at the first problem.

    ``case_keys`` gives, for each case still on this computer, the public signing key its
    header holds (empty bytes for a case made before the header kept it): its entries must
    be signed by that key.
    """
    path = Path(root) / FILE_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return RegisterAudit((), ())
    except OSError as exc:
        raise storage_error(exc, "the incident register") from exc
    known = dict(case_keys or {})
    public = school_key.public.public
    entries: list[RegisterEntry] = []
    problems: list[str] = []
    first_bad: list[tuple[str, str]] = []

    def bad(seq: int, sentence: str, detail: str) -> None:
        problems.append(sentence)
        first_bad.append((f"register entry {seq}", detail))

    try:
        records = _records(raw)
    except TamperDetected as exc:
        return RegisterAudit((), (f"The incident register is damaged ({exc.detail}): nothing in it can be read.",),
                             (exc.where, exc.detail))
    prev, signed_seen = GENESIS, False
    first_key: dict[str, str] = {}
    for seq, record in enumerate(records):
        body = record[_LENGTH.size:]
        share = body[:32]
        try:
            key = _key(school_key.shared_secret(share), share, public)
            plaintext = _opened(key, body[32:], seq, len(records))
            if isinstance(plaintext, int):
                bad(seq, f"Entry {seq + 1} of the register was written as entry {plaintext + 1}: an entry before "
                         "it was removed, or entries were put in another order.", "an entry before it was removed or moved")
                prev = crypto.sha256_hex(record)
                continue
            data = json.loads(plaintext)
            if not isinstance(data, dict):
                raise ValueError("not an entry")
            entry = RegisterEntry(seq=seq, time=str(data["time"]), case_id=str(data["case_id"]),
                                  event=str(data["event"]), incident=str(data["incident"]),
                                  action=str(data["action"]), by=str(data["by"]),
                                  reported_by=str(data["reported_by"]), school_key=str(data.get("school_key", "")))
        except (crypto.DecryptionFailed, ValueError, KeyError, TypeError):
            bad(seq, f"Entry {seq + 1} of the register cannot be read with this school key: it was written for "
                     "another school key (the school key file on this computer was swapped when it was written) "
                     "or it was damaged.", "it does not decrypt with the school key")
            prev = crypto.sha256_hex(record)
            continue
        if data.get("seq") != seq or data.get("prev") != prev:
            bad(seq, f"Entry {seq + 1} of the register ({entry.event}, case {entry.case_id}) does not follow the "
                     "entry before it: an entry was removed, or entries were put in another order.",
                "an entry before it was removed or moved")
        prev = crypto.sha256_hex(record)
        entry = _judged(entry, data, known, first_key, signed_seen)
        signed_seen = signed_seen or entry.trust == SIGNED
        if entry.trust == FORGED:
            bad(seq, f"Entry {seq + 1} of the register ({entry.event}, case {entry.case_id}, {entry.date}) is "
                     f"forged: {entry.note}", entry.note)
        entries.append(entry)
    return RegisterAudit(tuple(entries), tuple(problems), first_bad[0] if first_bad else None)


def _opened(key: bytes, sealed: bytes, seq: int, count: int) -> bytes | int:
    """The entry's plaintext at its place; else the place it was written for, when it was moved
    (looked for up to :data:`MOVED_SEARCH` places either side, so junk records cannot make reading slow)."""
    try:
        return crypto.open_sealed(key, sealed, f"register|{seq}".encode("ascii"))
    except crypto.DecryptionFailed:
        for other in range(max(0, seq - MOVED_SEARCH), min(count, seq + MOVED_SEARCH) + 1):
            if other != seq:
                try:
                    crypto.open_sealed(key, sealed, f"register|{other}".encode("ascii"))
                    return other
                except crypto.DecryptionFailed:
                    continue
        raise


def _judged(entry: RegisterEntry, data: Mapping[str, object], known: Mapping[str, bytes],
            first_key: dict[str, str], signed_seen: bool) -> RegisterEntry:
    """The entry marked signed, unsigned or forged (``first_key`` learns each case's key as it goes)."""
    signature, key_text = data.get("signature"), data.get("signing_key")
    if signature is None and key_text is None:
        if signed_seen:
            return replace(entry, trust=FORGED, note="it is not signed, yet it comes after signed entries, so "
                                                     "Evidence App did not write it.")
        return replace(entry, trust=UNSIGNED, note=UNSIGNED_NOTE)
    try:
        key = b64decode(str(key_text), validate=True)
        genuine = len(key) == 32 and verify_signature(key, b64decode(str(signature), validate=True),
                                                      _signed_bytes(data))
    except ValueError:
        key, genuine = b"", False
    if not genuine:
        return replace(entry, trust=FORGED, note="its signature does not match what it says.")
    expected = known.get(entry.case_id)
    if expected:
        if key != expected:
            return replace(entry, trust=FORGED, signing_key=str(key_text),
                           note="it is signed by a key that is not the case's own (the case's folder holds another).")
    elif first_key.setdefault(entry.case_id, str(key_text)) != key_text:
        return replace(entry, trust=FORGED, signing_key=str(key_text),
                       note="it is signed by a key other than the one the case's first entry holds.")
    return replace(entry, trust=SIGNED, signing_key=str(key_text))


def read(root: Path, school_key: SchoolKey) -> list[RegisterEntry]:
    """Every entry, in order, chain and signatures checked; empty when nothing was registered yet.

    :class:`TamperDetected` names the first problem; :func:`audit` names them all.
    """
    result = audit(root, school_key)
    if result.first_bad is not None:
        raise TamperDetected(*result.first_bad)
    return list(result.entries)


COLUMNS = ("Date", "Time", "Case", "Incident", "Action taken: what", "Action taken: by whom", "Incident reported by")


def _action(entry: RegisterEntry) -> str:
    if entry.trust == FORGED:
        return f"NOT GENUINE ({entry.note}) {entry.action}"
    if entry.trust == UNSIGNED:
        return f"{entry.action} ({UNSIGNED_NOTE})"
    return entry.action


def rows(entries: list[RegisterEntry] | tuple[RegisterEntry, ...]) -> list[tuple[str, ...]]:
    """The policy's columns; a forged or unsigned entry says so in its "what" column."""
    return [(e.date, e.clock, e.case_id, e.incident, _action(e), e.by, e.reported_by) for e in entries]


def to_csv(entries: list[RegisterEntry] | tuple[RegisterEntry, ...]) -> bytes:
    """The register as CSV (UTF-8 with a BOM, so spreadsheet programs read accents). Not encrypted."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows(entries):
        writer.writerow(["'" + cell if cell[:1] and cell[:1] in "=+-@" else cell for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
