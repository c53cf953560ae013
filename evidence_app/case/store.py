"""The cases on this computer: create, open and list them.

Each case is a folder named by its id under the store's root. A new case is
built in a hidden folder and renamed into place once whole, so a crash while
creating leaves nothing half-made in the list.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from evidence_app.case.open_case import BLOB_FOLDER, Case, CaseKeys, checked_text
from evidence_app.case.records import CaseSummary
from evidence_app.case.register_check import RegisterCheck, check_register
from evidence_app.errors import CaseNotFound, EvidenceError, PolicyError
from evidence_app.policy.passphrases import case_words
from evidence_app.policy.people import Investigator, check_pair
from evidence_app.school import register
from evidence_app.school.location import computer_wide_settings
from evidence_app.school.settings import load as load_settings
from evidence_app.vault import school_key
from evidence_app.vault.blobs import BlobStore
from evidence_app.vault.crypto import KdfParams
from evidence_app.vault.durable import fsync_dir, make_private_dir, rename, storage_error
from evidence_app.vault.events import Kind
from evidence_app.vault.filelock import FILE_NAME as LOCK_FILE
from evidence_app.vault.filelock import CaseFileLock
from evidence_app.vault.header import Header, build_header, new_case_id, unwrap_data_key, unwrap_with_school_key
from evidence_app.vault.journal import FILE_NAME as JOURNAL_FILE
from evidence_app.vault.journal import Journal
from evidence_app.vault.machine import Machine
from evidence_app.vault.school_key import SchoolKey, SchoolPublicKey, fingerprint
from evidence_app.vault.signing import SigningKey
from evidence_app.vault.state import State, Status, peek_state, write_state
from evidence_app.vault.timestamps import format_utc, parse_utc, utc_now

CASE_ID = re.compile(r"^EV-\d{8}-[2-9A-HJKMNP-Z]{6}$")
LEFTOVER_AGE_SECONDS = 15 * 60


def default_root() -> Path:
    """The computer-wide case folder when an administrator made one (:mod:`evidence_app.school.location`),
    else the platform's per-user data folder, e.g. ``~/.local/share/Evidence App/cases``."""
    shared = computer_wide_settings()
    if shared is not None and (folder := load_settings(shared).cases_folder):
        return Path(folder)
    from platformdirs import user_data_path

    return user_data_path("Evidence App", appauthor=False) / "cases"


@dataclass(frozen=True)
class DeletionReport:
    """What was destroyed: the case's keys first, then its files."""

    case_id: str
    deleted_at: str
    by: str
    files_removed: int


class CaseStore:
    """The case folder of this computer."""

    def __init__(self, root: Path | str | None = None, *, machine: Machine | None = None,
                 retention_months: int = 12) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.machine = machine or Machine.this()
        if not 1 <= retention_months <= 120:
            raise PolicyError("The retention period must be between 1 and 120 months.")
        self.retention_months = retention_months

    # ------------------------------------------------------------------ the school key and register

    def school_public(self) -> SchoolPublicKey | None:
        return school_key.load_public(self.root)

    def create_school_key(self, coordinator_passphrase: str, *, kdf: KdfParams | None = None) -> SchoolKey:
        """Make the school key (first run); print :meth:`SchoolKey.to_words` once for the school safe."""
        return school_key.create(self.root, coordinator_passphrase, kdf=kdf)

    def unlock_school_key(self, coordinator_passphrase: str) -> SchoolKey:
        return school_key.unlock(self.root, coordinator_passphrase)

    def read_register(self, key: SchoolKey) -> list[register.RegisterEntry]:
        return register.read(self.root, key)

    def check_register(self, key: SchoolKey) -> RegisterCheck:
        """The register read with the school key and compared with every case on this computer.

        Names forged, cut and reordered entries, cases the school key cannot open, cases whose
        entries are missing, and cases that say "open" where the register says "sealed".
        """
        return check_register(self.root, key)

    def _registrar(self, case_id: str) -> Callable[..., register.RegisterPosition] | None:
        """Writes this case's register entries (signed by the case), when a school key exists here."""
        public = self.school_public()
        if public is None:
            return None

        def write(*, signer: SigningKey, **entry: str) -> register.RegisterPosition:
            return register.append(self.root, public, case_id=case_id, signer=signer, **entry)

        return write

    def _ensure_root(self) -> None:
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, "the case folder") from exc

    def list(self) -> list[CaseSummary]:
        """Every case here, oldest first, without decrypting anything."""
        if not self.root.is_dir():
            return []
        self._clear_leftovers()
        try:
            folders = [f for f in self.root.iterdir() if CASE_ID.match(f.name) and f.is_dir()]
        except OSError as exc:
            raise storage_error(exc, "the list of cases") from exc
        return sorted((_summary(folder) for folder in folders), key=lambda s: (s.created, s.id))

    def _clear_leftovers(self) -> None:
        """Folders a crash left behind: a case half-made (it holds wrapped keys), half-deleted, or half-copied
        here from another disk (its original is still whole where it was: :mod:`evidence_app.case.moving`).

        Only those untouched for a while, so that a case being made right now in another
        window is left alone. The keys are overwritten before the files go.
        """
        try:
            now = time.time()
            for folder in self.root.iterdir():
                if (folder.name.startswith((".creating-", ".deleting-", ".moving-")) and folder.is_dir()
                        and now - folder.stat().st_mtime > LEFTOVER_AGE_SECONDS):
                    _shred_keys(folder)
                    shutil.rmtree(folder)
            fsync_dir(self.root)
        except OSError:
            pass  # tried again at the next listing; a leftover never stops the cases from listing

    def create(self, *, reason: str, group: str, computer_location: str,
               investigators: tuple[Investigator, Investigator], subject: str = "",
               computer_name: str | None = None, reported_by: str = "", kdf: KdfParams | None = None,
               school_key_id: str | None = None, school_name: str = "") -> Case:
        """A new case on this computer, open and ready for evidence.

        The case's own words (reason, group, subject, computer, ``school_name``) count as easy
        guesses when the passphrases are scored; ``school_name`` is not stored.

        With a school key on this computer, the case's key is also wrapped for each
        investigator together with the school key (any two of three secrets open it).
        ``school_key_id``, when given, is the school key whose fingerprint the pair were
        shown: if the school key file holds another one now, nothing is made.
        """
        check_pair(investigators, words=case_words(reason, group, subject, reported_by, computer_location,
                                                   computer_name or "", school_name))
        for value, what in ((reason, "reason"), (group, "group"), (subject, "subject"), (reported_by, "reported by"),
                            (computer_location, "computer location"), (computer_name or "", "computer name")):
            checked_text(value, what, 10_000)
        self._ensure_root()
        self._clear_leftovers()
        created = utc_now()
        case_id = new_case_id(created)
        while (self.root / case_id).exists():
            case_id = new_case_id(created)
        building = self.root / f".creating-{case_id}"
        school = self.school_public()
        if school_key_id is not None and (school is None or school.id != school_key_id):
            raise PolicyError("The school key on this computer changed while the case was being made (its "
                              f"fingerprint is now {school.fingerprint if school else 'none'}, not "
                              f"{fingerprint(school_key_id)}). Nothing was made: tell the eSafeguarding "
                              "coordinator before going on.")
        signing = SigningKey.generate(case_id, parse_utc(created))
        header, data_key = build_header(case_id, created, self.machine.case_fingerprint(case_id),
                                        (investigators[0].passphrase, investigators[1].passphrase),
                                        kdf or KdfParams.recommended(), school=school,
                                        signing_key=signing.public_raw)
        try:
            make_private_dir(building)
            make_private_dir(building / BLOB_FOLDER)
            header.write_new(building)
            keys = CaseKeys(data_key)
            journal = Journal.create(building / JOURNAL_FILE, keys.journal, case_id)
            journal.open_for_append()
            try:
                journal.append(Kind.CREATED, (), {
                    "reason": reason, "group": group, "subject": subject,
                    "computer_name": computer_name or self.machine.name,
                    "computer_location": computer_location, "reported_by": reported_by,
                    "investigators": [{"name": p.name.strip(), "position": p.position.strip()}
                                      for p in investigators],
                    "machine": header.machine,
                    "school_key": school.fingerprint if school is not None else ""})
                key_blob = BlobStore(building / BLOB_FOLDER, keys.blobs, case_id).put(signing.private_raw,
                                                                                      "the case's signing key")
                last = journal.append(Kind.KEY, (), {"blob": key_blob, **signing.public_record(),
                                                     "sha256": hashlib.sha256(signing.private_raw).hexdigest()})
            finally:
                journal.close()
            write_state(building, State(Status.OPEN, last.seq, last.hash).signed(case_id, data_key), new=True)
            (building / LOCK_FILE).touch(mode=0o600)
            rename(building, self.root / case_id, "the new case")
            fsync_dir(self.root)
        except OSError as exc:
            shutil.rmtree(building, ignore_errors=True)
            raise storage_error(exc, "the new case") from exc
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        case = self._open_folder(self.root / case_id, header, data_key, writable=True, created=True)
        try:
            case._register("created", "Investigation opened by two senior members of staff")
        except BaseException:
            case.lock()  # the caller never gets the case: its lock must not outlive this call
            raise
        return case

    def open(self, case_id: str, passphrases: tuple[str, str], *, writable: bool | None = None) -> Case:
        """Open with both passphrases.

        ``writable=None`` gives a read-only case away from the designated computer;
        ``True`` raises :class:`WrongMachine` there; ``False`` always opens read-only.
        """
        folder = self._folder(case_id)
        header = Header.read(folder)
        data_key = unwrap_data_key(header, tuple(passphrases))  # type: ignore[arg-type]
        return self._open_folder(folder, header, data_key, writable=writable)

    def _folder(self, case_id: str) -> Path:
        if not isinstance(case_id, str) or not CASE_ID.match(case_id) or not (self.root / case_id).is_dir():
            raise CaseNotFound(f"There is no case {case_id!r} in {self.root}.")
        return self.root / case_id

    def open_with_school_key(self, case_id: str, passphrase: str, key: SchoolKey, *,
                             writable: bool | None = None) -> Case:
        """One investigator's passphrase and the school key, when the other investigator has gone.

        Journaled loudly in the case and in the incident register.
        """
        folder = self._folder(case_id)
        header = Header.read(folder)
        data_key, which = unwrap_with_school_key(header, passphrase, key)
        case = self._open_folder(folder, header, data_key, writable=writable)
        try:
            case._note_school_key(which, key)  # an opening with the school key is never unrecorded
        except BaseException:
            case._abandon()
            raise
        return case

    def _open_folder(self, folder: Path, header: Header, data_key: bytes, *, writable: bool | None,
                     created: bool = False) -> Case:
        file_lock = CaseFileLock(folder)
        try:
            file_lock.acquire()
        except OSError as exc:
            raise storage_error(exc, "the case's lock file") from exc
        try:
            case = Case(folder, header, data_key, self.machine, file_lock, writable,
                        retention_months=self.retention_months, registrar=self._registrar(header.case_id))
        except BaseException:
            file_lock.release()
            raise
        if not created:
            try:
                case._after_open()
            except BaseException:
                case._abandon()
                raise
        return case

    # ------------------------------------------------------------------ retention

    def due_for_deletion(self, today: date | None = None) -> list[CaseSummary]:
        """Cases whose retention date has come (sealed cases never, until the police release them)."""
        when = (today or datetime.now(timezone.utc).date()).isoformat()
        return [s for s in self.list() if s.retain_until and s.retain_until <= when]

    def delete(self, case_id: str, passphrases: tuple[str, str], *, today: date | None = None,
               before_due: bool = False) -> DeletionReport:
        """Destroy a case: both investigators confirm; its keys go first, then its files.

        Refused for a sealed case the police have not released, and (unless
        ``before_due``) before the retention date.
        """
        case = self.open(case_id, passphrases)
        try:
            if case.status is Status.SEALED and not case.retain_until:
                raise PolicyError("This case is sealed and kept until the police release it; it cannot be "
                                  "deleted yet.")
            when = (today or datetime.now(timezone.utc).date()).isoformat()
            if not before_due and (not case.retain_until or case.retain_until > when):
                raise PolicyError("This case is not due for deletion"
                                  + (f" until {case.retain_until}." if case.retain_until else
                                     " (it has not been concluded)."))
            by = " and ".join(p.name for p in case.details.investigators)
            entry = case.register_fields("deleted", "Case deleted at the end of its retention period: its keys "
                                         "destroyed, then every file", by=by)
            registrar = self._registrar(case_id)
            signer = case.signing_key if registrar is not None else None
        finally:
            case.lock()
        folder = self.root / case_id
        shredded = self.root / f".deleting-{case_id}"
        try:
            _shred_keys(folder)
            rename(folder, shredded, "the deletion of the case")
            fsync_dir(self.root)
            removed = sum(1 for p in shredded.rglob("*") if p.is_file())
            shutil.rmtree(shredded)
            fsync_dir(self.root)
        except OSError as exc:
            raise storage_error(exc, "the deletion of the case") from exc
        if registrar is not None and signer is not None:
            registrar(signer=signer, **entry)
        return DeletionReport(case_id=case_id, deleted_at=utc_now(), by=by, files_removed=removed)


def _last_written(path: Path) -> str:
    """When ``path`` was last written, as UTC ISO time ("" if it cannot be read): what the disk already says."""
    try:
        return format_utc(datetime.fromtimestamp(path.stat().st_mtime, timezone.utc))
    except OSError:
        return ""


def _summary(folder: Path) -> CaseSummary:
    """One case's line in the list, whatever state its files are in (never raising)."""
    state = peek_state(folder)
    status, retain_until = state.status, state.retain_until
    try:
        created = Header.read(folder).created
    except EvidenceError:
        created, status = "", Status.UNREADABLE
    return CaseSummary(id=folder.name, created=created, status=status, retain_until=retain_until,
                       last_used=_last_written(folder / JOURNAL_FILE))


def _shred_keys(folder: Path) -> None:
    """Overwrite the wrapped keys (the header) and the status MAC with random bytes, durably."""
    for name in ("case.header", "state.json"):
        path = folder / name
        if not path.is_file():
            continue
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.write(os.urandom(size))
            handle.flush()
            os.fsync(handle.fileno())
