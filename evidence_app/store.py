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
from pathlib import Path

from .blobs import BlobStore
from .case import BLOB_FOLDER, Case, CaseKeys, checked_text
from .crypto import KdfParams
from .durable import fsync_dir, make_private_dir, storage_error
from .errors import CaseNotFound, TamperDetected
from .events import Kind
from .filelock import CaseFileLock
from .filelock import FILE_NAME as LOCK_FILE
from .header import Header, build_header, new_case_id, unwrap_data_key
from .journal import FILE_NAME as JOURNAL_FILE
from .journal import Journal
from .machine import Machine
from .people import Investigator, check_pair
from .records import CaseSummary
from .state import State, Status, peek_status, write_state
from .signing import SigningKey
from .timestamps import parse_utc, utc_now

CASE_ID = re.compile(r"^EV-\d{8}-[2-9A-HJKMNP-Z]{6}$")


def default_root() -> Path:
    """The platform's per-user data folder, e.g. ``~/.local/share/Evidence App/cases``."""
    from platformdirs import user_data_path

    return user_data_path("Evidence App", appauthor=False) / "cases"


class CaseStore:
    """The case folder of this computer."""

    def __init__(self, root: Path | str | None = None, *, machine: Machine | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.machine = machine or Machine.this()

    def _ensure_root(self) -> None:
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, "the case folder") from exc

    def list(self) -> list[CaseSummary]:
        """Every case here, oldest first, without decrypting anything."""
        if not self.root.is_dir():
            return []
        summaries = []
        for folder in self.root.iterdir():
            if not CASE_ID.match(folder.name) or not folder.is_dir():
                continue
            try:
                created = Header.read(folder).created
                status = peek_status(folder)
            except TamperDetected:
                created, status = "", Status.UNREADABLE
            summaries.append(CaseSummary(id=folder.name, created=created, status=status))
        return sorted(summaries, key=lambda s: (s.created, s.id))

    def create(self, *, reason: str, group: str, computer_location: str,
               investigators: tuple[Investigator, Investigator], subject: str = "",
               computer_name: str | None = None, kdf: KdfParams | None = None) -> Case:
        """A new case on this computer, open and ready for evidence."""
        check_pair(investigators)
        for value, what in ((reason, "reason"), (group, "group"), (subject, "subject"),
                            (computer_location, "computer location"), (computer_name or "", "computer name")):
            checked_text(value, what, 10_000)
        self._ensure_root()
        created = utc_now()
        case_id = new_case_id(created)
        while (self.root / case_id).exists():
            case_id = new_case_id(created)
        building = self.root / f".creating-{case_id}"
        header, data_key = build_header(case_id, created, self.machine.fingerprint,
                                        (investigators[0].passphrase, investigators[1].passphrase),
                                        kdf or KdfParams.recommended())
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
                    "computer_location": computer_location,
                    "investigators": [{"name": p.name.strip(), "position": p.position.strip()}
                                      for p in investigators],
                    "machine": self.machine.fingerprint})
                signing = SigningKey.generate(case_id, parse_utc(created))
                key_blob = BlobStore(building / BLOB_FOLDER, keys.blobs, case_id).put(signing.private_raw,
                                                                                      "the case's signing key")
                last = journal.append(Kind.KEY, (), {"blob": key_blob, **signing.public_record(),
                                                     "sha256": hashlib.sha256(signing.private_raw).hexdigest()})
            finally:
                journal.close()
            write_state(building, State(Status.OPEN, last.seq, last.hash).signed(case_id, data_key), new=True)
            (building / LOCK_FILE).touch(mode=0o600)
            os.replace(building, self.root / case_id)
            fsync_dir(self.root)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        return self._open_folder(self.root / case_id, header, data_key, writable=True)

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

    def _open_folder(self, folder: Path, header: Header, data_key: bytes, *, writable: bool | None) -> Case:
        file_lock = CaseFileLock(folder)
        file_lock.acquire()
        try:
            case = Case(folder, header, data_key, self.machine, file_lock, writable)
            case._after_open()
        except BaseException:
            file_lock.release()
            raise
        return case
