"""An open case and the rules that protect its evidence.

A :class:`Case` is handed out by :class:`~evidence_app.case.store.CaseStore`. It
holds the case's keys while open, appends every event to the journal before
it returns, and refuses new evidence when the case is locked, sealed,
concluded or opened away from its designated computer. Every rule lives here,
not in the UI, so no UI path can get round it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from evidence_app.case.files import FilesAndDevices
from evidence_app.case.kept import KeptPage, KeptPages
from evidence_app.case.png import check_png
from evidence_app.case.records import Capture, CaseDetails, Person, VerifyReport
from evidence_app.case.trusted_time import check_journaled_stamp, stamp_record
from evidence_app.case.text import MAX_NOTICE_CHARS, MAX_TEXT_CHARS, MAX_URL_CHARS, checked_text
from evidence_app.errors import (
    CaseConcluded,
    CaseLocked,
    CaseSealed,
    InvalidInput,
    Quarantined,
    StorageError,
    TamperDetected,
    WrongMachine,
)
from evidence_app.items.records import Item
from evidence_app.policy.blocklist import Blocklist
from evidence_app.policy.concerns import CSAM, load_concerns
from evidence_app.policy.sanctions import Conclusion, check_conclusion, load_sanctions
from evidence_app.policy.urls import normalise_url
from evidence_app.school.register import FILE_NAME as REGISTER_FILE
from evidence_app.school.register import RegisterPosition, record_hash, records_on_disk
from evidence_app.vault import crypto
from evidence_app.vault.blobs import SUFFIX as BLOB_SUFFIX
from evidence_app.vault.blobs import BlobStore
from evidence_app.vault.durable import fsync_dir, rename, storage_error
from evidence_app.vault.events import Event, Kind
from evidence_app.vault.filelock import CaseFileLock
from evidence_app.vault.hashing import sha256_begun
from evidence_app.vault.header import Header, unwrap_data_key, unwrap_with_school_key
from evidence_app.vault.journal import FILE_NAME as JOURNAL_FILE
from evidence_app.vault.journal import TORN_PREFIX, Journal, LoadedJournal
from evidence_app.vault.machine import Machine
from evidence_app.vault.rfc3161 import TimestampError
from evidence_app.vault.school_key import SchoolKey
from evidence_app.vault.signing import SigningKey
from evidence_app.vault.state import FILE_NAME as STATE_FILE
from evidence_app.vault.state import State, Status, read_state, stricter, write_state
from evidence_app.vault.timestamps import add_months, parse_utc, utc_now
from evidence_app.web.responses import PageResponses, page_responses_from_bytes

CAPTURE_KINDS = ("viewport", "page", "screen", "region")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BLOB_FOLDER = "blobs"
RECOVERED_FOLDER = "recovered"
CHECKPOINT_TRIES = 3
MISSING_RECORD = ("journal record {seq} ({kind}, written at {time}) is not in the journal, though its checkpoint "
                  "is: the computer lost power while it was being saved, or it was cut from the journal afterwards")


class CaseKeys:
    """The per-purpose keys derived from the case's data key, dropped on lock."""

    def __init__(self, data_key: bytes) -> None:
        self.data = data_key
        self.journal = crypto.subkey(data_key, "journal")
        self.blobs = crypto.subkey(data_key, "blobs")


Registrar = Callable[..., RegisterPosition]
"""Writes an incident-register entry, signed by the case:
``registrar(signer=, event=, incident=, action=, by=, reported_by=)``; returns where it went."""


class Case(FilesAndDevices, KeptPages):
    """One open case. Use :meth:`lock` when done; both passphrases :meth:`unlock` it."""

    def __init__(self, folder: Path, header: Header, data_key: bytes, machine: Machine,
                 file_lock: CaseFileLock, writable: bool | None, *, retention_months: int = 12,
                 registrar: Registrar | None = None) -> None:
        self.folder = folder
        self._retention_months = retention_months
        self._registrar = registrar
        self.id = header.case_id
        self._header = header
        self._machine = machine
        self.designated = machine.designates(header.machine, header.case_id)
        if writable and not self.designated:
            raise WrongMachine(
                "This is not the case's designated computer. The policy says to use the same "
                "computer throughout, so the case can only be viewed, printed and exported here.")
        self._asked_read_only = not self.designated or writable is False
        self.read_only = self._asked_read_only
        self.storage_problem = ""  # set when the disk refused a write while opening (see _cannot_write)
        self._mutex = threading.RLock()
        self._blocklist: Blocklist | None = None
        self._file_lock = file_lock
        self._forget()
        self._status = Status.OPEN
        self._load(data_key)

    # ------------------------------------------------------------------ loading

    def _load(self, data_key: bytes) -> None:
        keys = CaseKeys(data_key)
        state = read_state(self.folder)
        state.check(self.id, data_key)
        journal = Journal(self.folder / JOURNAL_FILE, keys.journal, self.id)
        loaded = journal.load(checkpoint_seq=state.checkpoint_seq)
        if state.checkpoint_seq >= 0 and loaded.events[state.checkpoint_seq].hash != state.checkpoint_head:
            raise TamperDetected(f"journal record {state.checkpoint_seq}",
                                 "it is not the record that was checkpointed")
        if not loaded.events or loaded.events[0].kind != Kind.CREATED:
            raise TamperDetected("journal record 0", "the journal does not begin with the case's creation")
        self._forget()
        self.read_only = self._asked_read_only
        self.storage_problem = ""
        self._keys = keys
        self._journal = journal
        self._blobs = BlobStore(self.folder / BLOB_FOLDER, keys.blobs, self.id)
        for event in loaded.events:
            self._index(event)
        self._status = stricter(state.status, self._status_from_events())
        try:
            journal.open_for_append()
            self._repair(loaded)
            flag = self._unfinished_flag()
            if flag is not None:
                self._finish_stop(flag, completed_on_opening=True)
            elif state.status is not self._status:  # a status file behind its journal (its update failed)
                self._checkpoint()
        except StorageError as exc:
            self._cannot_write(exc)
        except BaseException:
            journal.close()
            self._forget()
            raise

    def _cannot_write(self, exc: StorageError) -> None:
        """The disk refused a write while opening: open read-only, journal nothing, say why.

        What was read is whole and checked; a repair or a stop left unfinished is done at the
        next opening with room on the disk. Until then nothing is written to the case.
        """
        self.read_only = True
        self.storage_problem = (f"{exc} The case is open read-only: you can view, print and export, "
                                "but nothing is recorded until there is room on the disk and it is opened again.")

    def _repair(self, loaded: LoadedJournal) -> None:
        """Set aside what a crash left half-made, and journal every file set aside.

        Each step can itself be interrupted; whatever an earlier, interrupted repair
        set aside without journaling it is found here and journaled now. A record the
        journal's checkpoint names but the file no longer holds is journaled too.
        """
        repairs: list[dict[str, Any]] = []
        torn = loaded.torn
        if torn is not None:
            target = self._journal.set_aside(torn, self.folder)
            repairs.append({"what": "torn journal end set aside", "bytes": torn.size,
                            "reason": torn.reason, "file": target.name})
        if loaded.missing is not None:
            gone = loaded.missing
            repairs.append({"what": "checkpointed journal record missing", "record": gone.seq, "kind": gone.kind,
                            "time": gone.time, "sha256": gone.head,
                            "reason": MISSING_RECORD.format(seq=gone.seq, kind=gone.kind, time=gone.time)})
        if loaded.unmarked is not None:  # the last record was written, its checkpoint not (a crash between)
            self._journal.repair_mark(loaded.unmarked)
            if loaded.damaged_mark:
                repairs.append({"what": "spoilt journal checkpoint written again", "record": loaded.unmarked.seq,
                                "reason": "the computer stopped while the checkpoint was being written, "
                                          "or the file was edited"})
        stray = self._set_aside_stray_state()
        if stray:
            repairs.append(stray)
        repairs.extend(self._set_aside_orphans())
        done = {str(r["file"]) for r in repairs if "file" in r}
        for name, size in self._unjournaled_set_asides():
            if name not in done:
                repairs.append({"what": "file set aside by an interrupted repair, journaled on opening",
                                "bytes": size, "file": name})
        for repair in repairs:
            self._append(Kind.REPAIRED, repair)

    def _set_aside_files(self) -> list[tuple[str, int]]:
        """Every file a repair sets aside: ``recovered/*`` and ``journal.torn-*``, with its size."""
        try:
            found = [(p.name, p) for p in self.folder.glob(f"{TORN_PREFIX}*") if p.is_file()]
            recovered = self.folder / RECOVERED_FOLDER
            if recovered.is_dir():
                found += [(f"{RECOVERED_FOLDER}/{p.name}", p) for p in recovered.iterdir()]
            return sorted((name, path.stat().st_size) for name, path in found)
        except OSError as exc:
            raise storage_error(exc, "the repair of the case") from exc

    def _unjournaled_set_asides(self) -> list[tuple[str, int]]:
        journaled = {str(e.data.get("file")) for e in self._events if e.kind == Kind.REPAIRED}
        return [(name, size) for name, size in self._set_aside_files() if name not in journaled]

    def _status_from_events(self) -> Status:
        if self._counts[Kind.SEALED] or self._counts[Kind.FLAGGED]:
            return Status.SEALED
        if self._counts[Kind.CONCLUDED]:
            return Status.CONCLUDED
        return Status.OPEN

    def _set_aside_stray_state(self) -> dict[str, Any] | None:
        """A ``state.json.new`` left by a crash (or planted, file or folder): moved into ``recovered/``.

        Journaling it is the caller's part; an interrupted move is found by ``_unjournaled_set_asides``.
        """
        stray = self.folder / f"{STATE_FILE}.new"
        try:
            if not os.path.lexists(stray):
                return None
            recovered = self.folder / RECOVERED_FOLDER
            if not recovered.is_dir():
                recovered.mkdir(mode=0o700)
                fsync_dir(self.folder)
            stamp = utc_now().replace(":", "").replace(".", "")
            target = recovered / f"{stray.name}-{stamp}"
            os.replace(stray, target)
            fsync_dir(self.folder)
            fsync_dir(recovered)
        except OSError as exc:
            raise storage_error(exc, "the repair of the case") from exc
        return {"what": "unfinished status file set aside", "file": f"{RECOVERED_FOLDER}/{target.name}"}

    def _set_aside_orphans(self) -> list[dict[str, Any]]:
        """Blob files no journal record names: left by a crash before the capture was acknowledged."""
        known = {event.data["blob"] for event in self._events if "blob" in event.data}
        folder = self.folder / BLOB_FOLDER
        try:
            orphans = sorted(p for p in folder.iterdir() if p.stem not in known or p.suffix != BLOB_SUFFIX)
            if not orphans:
                return []
            recovered = self.folder / RECOVERED_FOLDER
            if not recovered.is_dir():
                recovered.mkdir(mode=0o700)
                fsync_dir(self.folder)
            for orphan in orphans:
                # retried while an antivirus scans the file a crash left (on Windows it holds it open)
                rename(orphan, recovered / orphan.name, "the repair of the case")
            fsync_dir(folder)
            fsync_dir(recovered)
        except OSError as exc:
            raise storage_error(exc, "the repair of the case") from exc
        return [{"what": "unacknowledged file set aside", "file": f"{RECOVERED_FOLDER}/{p.name}"}
                for p in orphans]

    # ------------------------------------------------------------------ guards

    def _require_keys(self) -> CaseKeys:
        if self._keys is None:
            raise CaseLocked("The case is locked. Both investigators must type their passphrases to go on.")
        return self._keys

    def _require_evidence_allowed(self) -> None:
        self._require_keys()
        if self._status is Status.SEALED:
            raise CaseSealed("This case is sealed because child abuse imagery was suspected. "
                             "Nothing more can be added to it. Follow the referral steps.")
        if self._status is Status.CONCLUDED:
            raise CaseConcluded("This case has been concluded, so it takes no new evidence.")
        if self.storage_problem:
            raise StorageError(self.storage_problem)
        if self.read_only:
            raise WrongMachine("This case is open read-only here (not its designated computer), "
                               "so it takes no new evidence.")

    def _signed_in(self) -> tuple[str, ...]:
        return tuple(person.name for person in self.details.investigators)

    def _append(self, kind: Kind, data: dict[str, Any]) -> Event:
        if self.storage_problem:
            raise StorageError(self.storage_problem)
        by = self._signed_in() if self._events else ()
        event = self._journal.append(kind, by, data)
        self._index(event)
        return event

    def _index(self, event: Event) -> None:
        """Keep the event, and the look-ups captures need, in step with the journal."""
        self._events.append(event)
        self._counts[event.kind] += 1
        if event.kind == Kind.CAPTURE:
            self._capture_events[event.data["id"]] = event
        elif event.kind == Kind.ANNOTATED:
            self._annotations[event.data["capture"]] = event.data
        elif event.kind == Kind.QUARANTINED:
            self._quarantined.update(event.data["captures"])
        elif event.kind == Kind.FLAGGED:
            # The flag itself quarantines: a crash before the QUARANTINED record shows nothing.
            self._quarantined.update(event.data.get("quarantine", ()))
            self._quarantined.update(event.data.get("captures", ()))

    def _checkpoint(self) -> None:
        """Write the status file with the journal's head; tried again, then a sentence.

        The event being checkpointed is already durable in the journal, with the journal's own
        checkpoint (see :mod:`evidence_app.vault.marks`): a failure here never leaves it cuttable.
        A stray ``state.json.new`` in the way is set aside and journaled before the next try.
        """
        keys = self._require_keys()
        failure: StorageError | None = None
        for attempt in range(CHECKPOINT_TRIES):
            state = State(self._status, len(self._events) - 1, self._events[-1].hash,
                          self.retain_until).signed(self.id, keys.data)
            try:
                write_state(self.folder, state)
                return
            except StorageError as exc:
                failure = exc
            try:
                stray = self._set_aside_stray_state()
                if stray is not None:
                    self._append(Kind.REPAIRED, stray)
                    continue
            except StorageError:
                pass
            if attempt + 1 < CHECKPOINT_TRIES:
                time.sleep(0.2 * (attempt + 1))  # another program holding the file may let go
        raise StorageError(f"{failure} What was just recorded is saved in the case's journal and stays; only "
                           "the status shown in the list of cases could not be brought up to date. It is "
                           "written again when the case is next opened on this computer.") from failure

    @property
    def retain_until(self) -> str:
        """The ISO date from which the pair are asked to delete the case; "" while it must be kept.

        Counted from the conclusion, or for a sealed case from the police's release,
        by the retention period in force when that was recorded.
        """
        self._require_keys()
        anchor_kind = Kind.RELEASED if self._status is Status.SEALED else Kind.CONCLUDED
        anchors = [e for e in self._events if e.kind == anchor_kind]
        if not anchors:
            return ""
        anchor = anchors[-1]
        return add_months(parse_utc(anchor.time).date(), int(anchor.data.get("retention_months", 12))).isoformat()

    def register_fields(self, event: str, action: str, by: str = "") -> dict[str, str]:
        """An incident-register entry for this case: no pupil's name, no free text of the pair's."""
        table = load_concerns()
        concerns = sorted({table.label(c.concern) for c in self.captures() if c.concern})
        if self._counts[Kind.FLAGGED] and table.label(CSAM) not in concerns:
            concerns.insert(0, f"{table.label(CSAM)} (suspected)")
        described = ", ".join(concerns) or ("suspected misuse, to be reviewed" if event == "created"
                                            else "no concern category recorded")
        incident = f"{self.details.group}: {described}"
        return {"event": event, "incident": incident, "action": action, "by": by or " and ".join(self._signed_in()),
                "reported_by": self.details.reported_by}

    def _register(self, event: str, action: str, by: str = "") -> None:
        """Write the register entry, signed by the case, and journal where it went (so a cut one is found)."""
        if self._registrar is not None:
            position = self._registrar(signer=self.signing_key, **self.register_fields(event, action, by))
            self._append(Kind.REGISTERED, {"event": event, "index": position.index, "record": position.record,
                                           "school_key": position.school_key})

    # ------------------------------------------------------------------ reading

    @property
    def status(self) -> Status:
        return self._status

    @property
    def locked(self) -> bool:
        return self._keys is None

    @property
    def details(self) -> CaseDetails:
        self._require_keys()
        data = self._events[0].data
        people = data["investigators"]
        return CaseDetails(
            id=self.id, created=self._events[0].time, reason=data["reason"], group=data["group"],
            subject=data["subject"], computer_name=data["computer_name"],
            computer_location=data["computer_location"],
            investigators=(Person(people[0]["name"], people[0]["position"]),
                           Person(people[1]["name"], people[1]["position"])),
            reported_by=data.get("reported_by", ""))

    def events(self) -> Iterator[Event]:
        """Every journal event, in order."""
        self._require_keys()
        return iter(tuple(self._events))

    @property
    def head(self) -> str:
        """The SHA-256 of the last journal record: what the form and the export sign."""
        self._require_keys()
        return self._events[-1].hash

    def captures(self) -> list[Capture]:
        """Every capture, with its latest note and concern, and whether it is quarantined."""
        self._require_keys()
        return [self._capture_from(event, capture_id in self._quarantined, self._annotations.get(capture_id))
                for capture_id, event in self._capture_events.items()]

    @staticmethod
    def _capture_from(event: Event, quarantined: bool, annotation: Any = None) -> Capture:
        d = event.data
        latest = annotation or d
        return Capture(id=d["id"], kind=d["kind"], url=d["url"], note=latest["note"], concern=latest["concern"],
                       sha256=d["sha256"], captured_at=d["captured_at"], size=d["size"],
                       media_type=d["media_type"], by=event.by, quarantined=quarantined,
                       incomplete=d.get("incomplete", ""))

    def _capture_event(self, capture_id: str) -> Event:
        event = self._capture_events.get(capture_id)
        if event is None:
            raise InvalidInput(f"There is no capture {capture_id!r} in this case.")
        return event

    def read_capture(self, capture_id: str) -> bytes:
        """The capture's original bytes, after re-checking their SHA-256."""
        with self._mutex:
            self._require_keys()
            event = self._capture_event(capture_id)
            if capture_id in self._quarantined:
                raise Quarantined(f"Capture {capture_id} was taken of flagged content. It is kept for "
                                  "the police and is never shown, printed or copied.")
            return self._checked_blob(event)

    def _checked_blob(self, event: Event) -> bytes:
        data = self._blobs.get(event.data["blob"])
        if hashlib.sha256(data).hexdigest() != event.data["sha256"]:
            raise TamperDetected(f"blobs/{event.data['blob']}.blob",
                                 f"its content no longer matches the hash recorded in journal record {event.seq}")
        return data

    # ------------------------------------------------------------------ evidence

    def use_blocklist(self, blocklist: Blocklist | None) -> None:
        """The school's blocklist, as a backstop in the core.

        The browser refuses a listed address before any request leaves; should one
        still reach the core (as a visit, snapshot or capture), it is not recorded:
        the stop happens here instead.
        """
        self._blocklist = blocklist

    def _stop_if_listed(self, url: str) -> None:
        match = self._blocklist.match(url) if self._blocklist is not None and url else None
        if match is None:
            return
        self.flag_csam(url, note=f"The address is on the school's blocklist (line {match.line}, {match.kind}).")
        raise CaseSealed("That address is on the school's blocklist: nothing from it was kept, and the case "
                         "is now sealed. Follow the referral steps.")

    def record_visit(self, url: str, title: str = "", *, cause: str = "navigation") -> Event:
        """Journal a visited address (with the page title and what led to it)."""
        checked_text(url, "web address", MAX_URL_CHARS)
        checked_text(title, "page title")
        checked_text(cause, "cause", 100)
        with self._mutex:
            self._require_evidence_allowed()
            self._stop_if_listed(url)
            return self._append(Kind.VISIT, {"url": url, "title": title, "cause": cause})

    def record_refusal(self, what: str, url: str, detail: str = "") -> Event:
        """Journal something the browser refused: a download, a permission, a local scheme."""
        checked_text(what, "refusal kind", 100)
        checked_text(url, "web address", MAX_URL_CHARS)
        checked_text(detail, "detail")
        with self._mutex:
            self._require_evidence_allowed()
            return self._append(Kind.REFUSED, {"what": what, "url": url, "detail": detail})

    def record_resources(self, page_url: str, summary: dict[str, Any]) -> Event:
        """Journal a page's sub-resource requests, summarised (counts by type and host)."""
        checked_text(page_url, "web address", MAX_URL_CHARS)
        with self._mutex:
            self._require_evidence_allowed()
            return self._append(Kind.RESOURCES, {"page_url": page_url, "summary": summary})

    def add_page_snapshot(self, html: str, *, url: str, title: str = "") -> Event:
        """Store a page's DOM as text (never an image), encrypted and hashed."""
        checked_text(html, "page snapshot", 64 * MAX_TEXT_CHARS)
        checked_text(url, "web address", MAX_URL_CHARS)
        checked_text(title, "page title")
        data = html.encode("utf-8", errors="surrogatepass")
        digest = hashlib.sha256(data).hexdigest()
        with self._mutex:
            self._require_evidence_allowed()
            self._stop_if_listed(url)
            snapshot_id = f"P{self._counts[Kind.SNAPSHOT] + 1:04d}"
            return self._store_and_journal(data, f"page snapshot {snapshot_id}", Kind.SNAPSHOT, lambda blob_id: {
                "id": snapshot_id, "blob": blob_id, "url": url, "title": title, "sha256": digest,
                "size": len(data), "media_type": "text/html; charset=utf-8"})

    def read_snapshot(self, snapshot_id: str) -> str:
        with self._mutex:
            self._require_keys()
            for event in self._events:
                if event.kind == Kind.SNAPSHOT and event.data["id"] == snapshot_id:
                    return self._checked_blob(event).decode("utf-8", errors="surrogatepass")
            raise InvalidInput(f"There is no page snapshot {snapshot_id!r} in this case.")

    def record_responses(self, responses: PageResponses) -> Event:
        """Store one page's responses (the full record, kept text bodies included) as an encrypted blob;
        journal its summary. The record never holds an image, video or audio body (``web.bodies``)."""
        checked_text(responses.page_url, "web address", MAX_URL_CHARS)
        data = responses.to_bytes()
        digest = hashlib.sha256(data).hexdigest()
        with self._mutex:
            self._require_evidence_allowed()
            self._stop_if_listed(responses.page_url)
            record_id = f"R{self._counts[Kind.RESPONSES] + 1:04d}"
            return self._store_and_journal(data, f"page responses {record_id}", Kind.RESPONSES, lambda blob_id: {
                "id": record_id, "blob": blob_id, "page_url": responses.page_url, "sha256": digest,
                "size": len(data), "media_type": "application/json", "summary": responses.summary()})

    def read_responses(self, record_id: str) -> PageResponses:
        """A page's responses, hash re-checked."""
        with self._mutex:
            self._require_keys()
            for event in self._events:
                if event.kind == Kind.RESPONSES and event.data["id"] == record_id:
                    return page_responses_from_bytes(self._checked_blob(event))
            raise InvalidInput(f"There are no recorded responses {record_id!r} in this case.")

    def record_unplayable(self, url: str, *, sha256: str, size: int, media_type: str, page_url: str = "") -> Event:
        """Journal a film or sound the browser cannot play here: its address and hash, never its bytes."""
        checked_text(url, "web address", MAX_URL_CHARS)
        checked_text(page_url, "web address", MAX_URL_CHARS)
        checked_text(media_type, "media type", 200)
        with self._mutex:
            self._require_evidence_allowed()
            return self._append(Kind.UNPLAYABLE, {"url": url, "page_url": page_url, "sha256": sha256,
                                                  "size": size, "media_type": media_type})

    def record_provenance(self, provenance: dict[str, Any]) -> Event | None:
        """Journal where the browser runs (versions, operating system, time zone, the clock's offset),
        once per opening of the case: ``None`` if this opening already has it."""
        with self._mutex:
            self._require_keys()
            for event in reversed(self._events):
                if event.kind == Kind.PROVENANCE:
                    return None
                if event.kind == Kind.OPENED:
                    break
            return self._append(Kind.PROVENANCE, dict(provenance))

    def add_note(self, text: str) -> Event:
        checked_text(text, "note")
        if not text.strip():
            raise InvalidInput("The note is empty.")
        with self._mutex:
            self._require_evidence_allowed()
            return self._append(Kind.NOTE, {"text": text})

    def add_capture(self, png_bytes: bytes, *, kind: str, url: str = "", note: str = "",
                    concern: str = "", incomplete: str = "") -> Capture:
        """Hash, timestamp, encrypt and store a screenshot; return once all of it is durable.

        ``incomplete`` is what the picture may lack, as the browser said when it drew it (e.g. "Some
        pictures were still loading when the page was drawn."): journaled with the capture for the
        examiner; nothing is recorded when it is empty, so such a record reads as before.
        """
        captured_at = utc_now()
        if kind not in CAPTURE_KINDS:
            raise InvalidInput(f"Unknown kind of capture {kind!r}; expected one of {', '.join(CAPTURE_KINDS)}.")
        if not isinstance(png_bytes, (bytes, bytearray, memoryview)) or not bytes(png_bytes[:8]) == PNG_SIGNATURE:
            raise InvalidInput("A capture must be a PNG image.")
        data = bytes(png_bytes)
        digest = sha256_begun(data)  # runs while the PNG is checked and its encrypted copy is written
        check_png(data)
        checked_text(url, "web address", MAX_URL_CHARS)
        checked_text(note, "note")
        checked_text(incomplete, "notice of what the picture may lack", MAX_NOTICE_CHARS)
        self._check_concern(concern)
        with self._mutex:
            self._require_evidence_allowed()
            self._stop_if_listed(url)
            if concern == CSAM:
                del data
                self.flag_csam(url, note=note)
                raise CaseSealed("The screenshot was not kept: the concern chosen was child sexual abuse "
                                 "images, and even a screenshot of those is a copy. The case is now sealed; "
                                 "follow the referral steps.")
            capture_id = f"C{self._counts[Kind.CAPTURE] + 1:04d}"
            event = self._store_and_journal(data, f"capture {capture_id}", Kind.CAPTURE, lambda blob_id: {
                "id": capture_id, "blob": blob_id, "kind": kind, "url": url, "note": note,
                "concern": concern, "sha256": digest.hexdigest(), "captured_at": captured_at,
                "size": len(data), "media_type": "image/png", **({"incomplete": incomplete} if incomplete else {})})
            return self._capture_from(event, False)

    def _store_and_journal(self, data: bytes, what: str, kind: Kind,
                           record: Callable[[str], dict[str, Any]]) -> Event:
        """Store a blob, then the record naming it; if the record is refused, the blob goes too.

        Were the refused record's bytes still in the journal (its cleanup failed as well), the
        blob stays, so that the record never names a missing file.
        """
        blob_id = self._blobs.put(data, what)
        try:
            return self._append(kind, record(blob_id))
        except Exception:
            if self._journal.refused_bytes_remain():
                self._blobs.refused.add(blob_id)
            else:
                self._blobs.discard(blob_id)
            raise

    @staticmethod
    def _check_concern(concern: str) -> None:
        checked_text(concern, "concern", 200)
        if concern and load_concerns().get(concern) is None:
            raise InvalidInput(f"{concern!r} is not one of the policy's concerns.")

    def annotate_capture(self, capture_id: str, *, note: str, concern: str) -> Event:
        """Set a capture's note and concern. Choosing child sexual abuse images triggers the stop."""
        checked_text(note, "note")
        self._check_concern(concern)
        with self._mutex:
            self._require_evidence_allowed()
            event = self._capture_event(capture_id)
            if concern == CSAM:
                return self.flag_csam(event.data["url"], note=note, captures=(capture_id,))
            return self._append(Kind.ANNOTATED, {"capture": capture_id, "note": note, "concern": concern})

    # ------------------------------------------------------------------ the stop

    def flag_csam(self, url: str, note: str = "", *, captures: tuple[str, ...] = ()) -> Event:
        """The stop: suspected child abuse imagery. Seals the case for good.

        Quarantines every capture of ``url`` (in any spelling) and those named in ``captures``.
        """
        checked_text(url, "web address", MAX_URL_CHARS)
        checked_text(note, "note")
        with self._mutex:
            self._require_keys()
            if self._status is Status.SEALED:
                raise CaseSealed("This case is already sealed.")
            self._status = Status.SEALED  # from here on every capture path refuses
            caught = self._caught_by(url, captures)
            # The FLAGGED record alone is the stop: it names the quarantine, and reopening treats it
            # as a seal and completes whatever a crash left undone (see _complete_stop).
            flagged = self._append(Kind.FLAGGED, {"url": url, "note": note, "flagged_by": list(self._signed_in()),
                                                  "captures": list(captures),
                                                  "quarantine": [c.id for c in caught]})
            self._finish_stop(flagged)
            return flagged

    def _caught_by(self, url: str, captures: tuple[str, ...] | list[str]) -> list[Capture | Item | KeptPage]:
        """Every capture of ``url`` (in any spelling), the captures and items named in ``captures``
        (an item with everything attached inside it); a stop on an item alone (no address) takes no capture by address."""
        target = normalise_url(url)
        by_address = bool(url) or not any(c.startswith("I") for c in captures)
        found: list[Capture | Item | KeptPage] = [c for c in self.captures()
                                                  if (by_address and normalise_url(c.url) == target) or c.id in captures]
        return found + self._items_caught(captures) + self._kept_caught(target, by_address, captures)

    def _finish_stop(self, flagged: Event, *, completed_on_opening: bool = False) -> None:
        """After the FLAGGED record: the QUARANTINED and SEALED records, the checkpoint, the register."""
        named = set(flagged.data.get("quarantine", ()))
        pending: list[Capture | Item | KeptPage] = [c for c in [*self.captures(), *self.items(), *self.kept_pages()]
                                                    if c.id in named]
        if "quarantine" not in flagged.data:  # a flag written before the stop named its quarantine
            pending = self._caught_by(flagged.data.get("url", ""), tuple(flagged.data.get("captures", ())))
        already = {e.seq for e in self._events if e.kind == Kind.QUARANTINED and e.data.get("flag") == flagged.seq}
        if pending and not already:
            self._append(Kind.QUARANTINED, {"captures": [c.id for c in pending],
                                            "sha256": [c.sha256 for c in pending],
                                            "url": flagged.data.get("url", ""), "flag": flagged.seq})
        sealed: dict[str, Any] = {"reason": "suspected child sexual abuse imagery", "flag": flagged.seq}
        if completed_on_opening:
            sealed["completed"] = "on opening: the stop was interrupted after the flag was journaled"
        self._append(Kind.SEALED, sealed)  # durable, with the journal's checkpoint, before anything else
        try:
            self._checkpoint()
        finally:  # the register's entry is the seal's mark outside the folder: written whatever happened here
            self._register("sealed", "Monitoring halted and the case sealed: suspected child sexual abuse "
                           "imagery; referred to the police")

    def _unfinished_flag(self) -> Event | None:
        """The last FLAGGED record, if no SEALED record follows it (a crash inside the stop)."""
        for event in reversed(self._events):
            if event.kind == Kind.SEALED:
                return None
            if event.kind == Kind.FLAGGED:
                return event
        return None

    # ------------------------------------------------------------------ conclusion and form

    def conclude(self, conclusion: Conclusion) -> Event:
        """Record the pair's judgement; the case then takes no new evidence."""
        for value, what in ((conclusion.action_text, "action"), (conclusion.summary, "conclusion")):
            checked_text(value, what, 100_000)
        with self._mutex:
            self._require_keys()
            if self.read_only:
                raise WrongMachine("A case can only be concluded on its designated computer.")
            if self._counts[Kind.CONCLUDED]:
                raise CaseConcluded("This case has already been concluded.")
            tables = load_sanctions()
            check_conclusion(conclusion, tables=tables, police_required_because=self._police_reason())
            event = self._append(Kind.CONCLUDED, conclusion.to_json() | {"retention_months": self._retention_months})
            self._status = stricter(self._status, Status.CONCLUDED)
            self._checkpoint()
            subject = tables.for_subject(conclusion.subject)
            actions = [found.label for a in conclusion.actions if (found := subject.action(a)) is not None]
            self._register("concluded", f"Concluded (substance: {conclusion.substance}); "
                           + ("; ".join(actions) if actions else "no action from the policy's table"))
            return event

    def record_police_release(self, reference: str, note: str = "") -> Event:
        """The police have released a sealed case: its retention period starts now."""
        checked_text(reference, "police reference", 500)
        checked_text(note, "note")
        with self._mutex:
            self._require_keys()
            if self._status is not Status.SEALED:
                raise InvalidInput("Only a sealed case waits for the police to release it.")
            if not reference.strip():
                raise InvalidInput("Give the police reference for the release.")
            event = self._append(Kind.RELEASED, {"reference": reference, "note": note,
                                                 "retention_months": self._retention_months})
            self._checkpoint()
            self._register("released", f"Released by the police (reference {reference})")
            return event

    def _police_reason(self) -> str:
        if self._status is Status.SEALED:
            return "child sexual abuse imagery was flagged"
        table = load_concerns()
        illegal = sorted({table.label(c.concern) for c in self.captures()
                          if c.concern and (found := table.get(c.concern)) is not None and found.illegal})
        return f"illegal content was recorded ({', '.join(illegal)})" if illegal else ""

    @property
    def conclusion(self) -> Conclusion | None:
        self._require_keys()
        found = [e for e in self._events if e.kind == Kind.CONCLUDED]
        return Conclusion.from_json(found[-1].data) if found else None

    def add_form(self, pdf_bytes: bytes) -> Event:
        """Keep a generated form in the vault and journal its hash.

        A form already kept (the same bytes: the preview handed to an export, an export
        tried again) is not kept twice: its record is returned.
        """
        if not bytes(pdf_bytes[:5]) == b"%PDF-":
            raise InvalidInput("A form must be a PDF document.")
        data = bytes(pdf_bytes)
        digest = hashlib.sha256(data).hexdigest()
        with self._mutex:
            self._require_keys()
            for event in reversed(self._events):
                if event.kind == Kind.FORM and event.data.get("sha256") == digest:
                    return event
            form_id = f"F{self._counts[Kind.FORM] + 1:04d}"
            return self._store_and_journal(data, f"form {form_id}", Kind.FORM, lambda blob_id: {
                "id": form_id, "blob": blob_id, "size": len(data), "sha256": digest,
                "media_type": "application/pdf"})

    def read_for_export(self, event: Event) -> bytes:
        """For the police export only: a blob's bytes, hash re-checked, quarantined captures included."""
        with self._mutex:
            self._require_keys()
            return self._checked_blob(event)

    def journal_export(self, data: dict[str, Any]) -> Event:
        with self._mutex:
            self._require_keys()
            event = self._append(Kind.EXPORTED, data)
            to = data.get("to")
            self._register("exported", "Evidence exported for the police"
                           + (f" ({to['name']}, {to['force']}, reference {to['reference']})" if to else ""))
            return event

    def read_blob_of(self, event: Event) -> bytes:
        """The bytes an event refers to (form, snapshot, capture), hash re-checked. Not for quarantined captures."""
        with self._mutex:
            self._require_keys()
            if event.kind == Kind.CAPTURE:
                return self.read_capture(event.data["id"])
            if event.kind == Kind.KEPT:
                return self.read_kept(event.data["id"], event.data["format"])
            return self._checked_blob(event)

    def record_trusted_time(self, seq: int, token: bytes, reason: str = "") -> Event:
        """Journal an RFC 3161 token over the head of record ``seq`` (see :mod:`evidence_app.case.trusted_time`).

        The token is checked first (imprint, signature, a plausible time); a bad one is refused with
        :class:`TimestampError` and nothing is written. Allowed in a sealed or concluded case: it adds
        no evidence, only a third party's word on when the journal existed.
        """
        checked_text(reason, "reason", 500)
        with self._mutex:
            self._require_keys()
            if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < len(self._events):
                raise InvalidInput(f"There is no journal record {seq!r} to time-stamp.")
            return self._append(Kind.TIMESTAMPED, stamp_record(self._events[seq], bytes(token), reason,
                                                               now=utc_now()))

    @property
    def signing_key(self) -> SigningKey:
        """The case's own Ed25519 key (private part decrypted on demand)."""
        with self._mutex:
            self._require_keys()
            event = next(e for e in self._events if e.kind == Kind.KEY)
            return SigningKey(self.id, self._checked_blob(event), base64.b64decode(event.data["certificate"]))

    # ------------------------------------------------------------------ checking

    def verify(self) -> VerifyReport:
        """Re-read everything from disk; :class:`TamperDetected` names the first bad part."""
        with self._mutex:
            keys = self._require_keys()
            header = Header.read(self.folder)
            header.check_mac(keys.data)
            if header != self._header:
                raise TamperDetected("case.header", "it changed while the case was open")
            state = read_state(self.folder)
            state.check(self.id, keys.data)
            # Opened read-only on a full disk, a repair may be pending (done at the next opening).
            pending_repair = bool(self.storage_problem)
            if not pending_repair:
                self._journal.cut_back_refused()  # a refused record whose cleanup failed too
            fresh = Journal(self.folder / JOURNAL_FILE, keys.journal, self.id)
            loaded = fresh.load(checkpoint_seq=len(self._events) - 1)
            if loaded.torn is not None and not pending_repair:
                raise TamperDetected(f"journal record {len(loaded.events)}", loaded.torn.reason)
            for mine, theirs in zip(self._events, loaded.events):
                if mine.hash != theirs.hash:
                    raise TamperDetected(f"journal record {mine.seq}", "it differs from what was written")
            if len(loaded.events) != len(self._events):
                raise TamperDetected(JOURNAL_FILE, "it holds records this window did not write")
            if not pending_repair and (loaded.marked != len(self._events) - 1 or loaded.missing or loaded.unmarked):
                raise TamperDetected(JOURNAL_FILE, "its checkpoint is not the one written with its last record")
            referenced = {e.data["blob"]: e for e in self._events if "blob" in e.data}
            for event in referenced.values():
                if event.kind == Kind.ITEM:
                    self._check_item_blob(event)  # streamed: a 2 GB file is never whole in memory
                else:
                    self._checked_blob(event)
            for path in sorted((self.folder / BLOB_FOLDER).iterdir()):
                if path.stem in self._blobs.pending and path.suffix == BLOB_SUFFIX:
                    continue  # a file being added right now: its record follows
                if (path.stem in self._blobs.refused and path.suffix == BLOB_SUFFIX) or pending_repair:
                    continue  # refused this session (the disk failed), or a pending repair: set aside next time
                if path.stem not in referenced or path.suffix != BLOB_SUFFIX:
                    raise TamperDetected(f"blobs/{path.name}", "no journal record names this file")
            for name, _ in self._unjournaled_set_asides():
                if not pending_repair:
                    raise TamperDetected(name, "it was set aside, but no repair record in the journal names it")
            self._check_register_entries()
            self._check_trusted_times()
            return VerifyReport(records=len(self._events), blobs=len(referenced), head=self._events[-1].hash)

    def _check_register_entries(self) -> None:
        """Each register entry this case journaled is still in the register, at its place, unchanged.

        The register sits beside the cases; its records are compared by hash, so no key is needed.
        """
        written = [e for e in self._events if e.kind == Kind.REGISTERED]
        if not written:
            return
        records = records_on_disk(self.folder.parent)
        if not records and not (self.folder.parent / REGISTER_FILE).exists():
            raise TamperDetected("the incident register", "there is none beside the case, yet the case wrote "
                                 f"{len(written)} entr{'y' if len(written) == 1 else 'ies'} in it: the register was "
                                 "deleted, or the case was copied away from its computer")
        for event in written:
            index, what = event.data["index"], event.data["event"]
            if index >= len(records):
                raise TamperDetected("the incident register", f"the case's entry {index + 1} ({what}, journaled "
                                     f"{event.time[:10]}) is missing from it: its last entries were cut")
            if record_hash(records[index]) != event.data["record"]:
                raise TamperDetected("the incident register", f"the case's entry {index + 1} ({what}, journaled "
                                     f"{event.time[:10]}) is not the one written: it was replaced or moved")

    def _check_trusted_times(self) -> None:
        """Each journaled RFC 3161 token stamps the head it claims, is signed soundly, and is plausibly dated."""
        for event in self._events:
            if event.kind == Kind.TIMESTAMPED:
                try:
                    check_journaled_stamp(event, self._events)
                except TimestampError as exc:
                    raise TamperDetected(f"journal record {event.seq} (a trusted time stamp)", str(exc)) from None

    # ------------------------------------------------------------------ locking

    def lock(self) -> None:
        """Journal the lock, checkpoint, and drop every key and decrypted record from memory."""
        self._drop(Kind.LOCKED)

    def close(self) -> None:
        """As :meth:`lock`, journaled as the pair closing the case (the window was closed)."""
        self._drop(Kind.CLOSED)

    def _drop(self, kind: Kind) -> None:
        with self._mutex:
            if self._keys is None:
                return
            try:
                if not self.storage_problem:
                    self._append(kind, {"computer": self._machine.name})
                    self._checkpoint()
            finally:
                self._journal.close()
                self._forget()
                self._file_lock.release()

    def _forget(self) -> None:
        """Drop the keys and everything decrypted."""
        self._keys: CaseKeys | None = None
        self._events: list[Event] = []
        self._counts: Counter[str] = Counter()
        self._capture_events: dict[str, Event] = {}
        self._annotations: dict[str, Any] = {}
        self._quarantined: set[str] = set()

    def unlock(self, passphrases: tuple[str, str]) -> None:
        """Both passphrases again; :class:`WrongPassphrase` leaves the case locked."""
        with self._mutex:
            if self._keys is not None:
                return
            self._reopen(unwrap_data_key(self._header, passphrases))

    def unlock_with_school_key(self, passphrase: str, school_key: SchoolKey) -> None:
        """One investigator's passphrase and the school key; journaled loudly, like the first opening."""
        with self._mutex:
            if self._keys is not None:
                return
            data_key, which = unwrap_with_school_key(self._header, passphrase, school_key)
            self._reopen(data_key)
            self._note_school_key(which, school_key)

    def _note_school_key(self, which: str, school_key: SchoolKey) -> None:
        person = self.details.investigators[0 if which == "A" else 1]
        self._append(Kind.RECOVERED, {
            "warning": "OPENED WITH THE SCHOOL KEY, NOT BY BOTH INVESTIGATORS",
            "investigator": person.name, "school_key": school_key.public.id,
            "school_key_fingerprint": school_key.public.fingerprint, "computer": self._machine.name})
        self._register("recovered", "Case opened with the school key (an investigator was not available)",
                       by=f"{person.name} with the eSafeguarding coordinator's school key")

    def _reopen(self, data_key: bytes) -> None:
        with self._mutex:
            self._file_lock.acquire()
            try:
                self._load(data_key)
                if not self.storage_problem:
                    self._append(Kind.UNLOCKED, {"computer": self._machine.name})
            except BaseException:
                if self._keys is not None:
                    self._journal.close()
                self._forget()
                self._file_lock.release()
                raise

    def _after_open(self) -> None:
        if self.storage_problem:
            return
        try:
            self._append(Kind.OPENED, {"computer": self._machine.name, "designated": self.designated,
                                       "read_only": self.read_only})
        except StorageError as exc:
            self._cannot_write(exc)

    def _abandon(self) -> None:
        """Opening failed after the case was loaded: close the journal, drop the keys, free the lock."""
        with self._mutex:
            self._journal.close()
            self._forget()
            self._file_lock.release()

    def __repr__(self) -> str:
        return f"<Case {self.id} {self._status}{' locked' if self.locked else ''}>"
