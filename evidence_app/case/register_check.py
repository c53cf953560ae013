"""The coordinator's check: the incident register against the cases on this computer.

A case folder can be put back to an older copy (an older ``state.json``, a cut journal)
and a register can lose its last entries; each hides well alone, not together. Read with
the school key, the register is compared with each case folder, without opening any case
(nothing here needs the pair's passphrases):

- every case made with a school key has its entries in the register;
- a case the register says was sealed must say "sealed" on disk (else it was rolled back);
- a case sealed or concluded on disk has that entry in the register (else entries were cut);
- a case the register says was deleted is not on disk; one it lists is, unless deleted;
- each case was made for this school key (else the school key cannot open it: the
  school key file was swapped while it was made, or the case came from elsewhere).

Forged, cut and reordered entries are named by :func:`evidence_app.school.register.audit`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from evidence_app.errors import EvidenceError
from evidence_app.school import register
from evidence_app.school.register import FORGED, RegisterEntry
from evidence_app.vault.header import Header
from evidence_app.vault.school_key import SchoolKey, fingerprint
from evidence_app.vault.state import Status, peek_state

_CASE_ID = re.compile(r"^EV-\d{8}-[2-9A-HJKMNP-Z]{6}$")


@dataclass(frozen=True)
class RegisterCheck:
    """The register's entries and, in plain sentences, what the comparison found."""

    entries: tuple[RegisterEntry, ...]
    problems: tuple[str, ...]      # forged, cut, reordered entries; rolled-back or missing cases
    unopenable: tuple[str, ...]    # cases on this computer the school key cannot open, each named
    school_key: str                # the fingerprint of the school key used

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unopenable


def _case_folders(root: Path) -> list[Path]:
    try:
        return sorted(f for f in Path(root).iterdir() if _CASE_ID.match(f.name) and f.is_dir())
    except FileNotFoundError:
        return []
    except OSError:
        return []


def _header(folder: Path) -> Header | None:
    try:
        return Header.read(folder)
    except EvidenceError:
        return None


def check_register(root: Path, key: SchoolKey) -> RegisterCheck:
    """Read the register with ``key`` and compare it with every case folder under ``root``."""
    folders = {folder.name: folder for folder in _case_folders(root)}
    headers = {case_id: _header(folder) for case_id, folder in folders.items()}
    audit = register.audit(root, key, {case_id: h.signing_key for case_id, h in headers.items() if h is not None})
    mine = key.public.fingerprint
    problems = list(audit.problems)
    unopenable: list[str] = []
    by_case: dict[str, list[RegisterEntry]] = defaultdict(list)
    for entry in audit.entries:
        if entry.trust != FORGED:
            by_case[entry.case_id].append(entry)
    for case_id, folder in folders.items():
        header = headers[case_id]
        if header is None:
            problems.append(f"Case {case_id}: its header cannot be read, so it cannot be compared with the "
                            "register (the case shows as damaged in the list).")
            continue
        if header.school is None:
            unopenable.append(f"Case {case_id} cannot be opened with the school key: it was made before the "
                              "school key was set up, so only both investigators together can open it.")
            continue
        if header.school.key_id != key.public.id:
            unopenable.append(f"Case {case_id} cannot be opened with this school key: it was made for another "
                              f"school key (fingerprint {fingerprint(header.school.key_id)}; this one is {mine}). "
                              "The school key file on this computer was swapped while the case was made, or the "
                              "case was brought from another computer.")
        problems.extend(_compare(case_id, peek_state(folder).status, by_case.get(case_id, [])))
    for case_id, entries in by_case.items():
        if case_id in folders or not any(e.event == "created" for e in entries):
            continue
        if not any(e.event == "deleted" for e in entries):
            problems.append(f"Case {case_id} is in the register (made {entries[0].date}) but its folder is not "
                            "on this computer, and no deletion was registered: it was removed or moved outside "
                            "Evidence App.")
    return RegisterCheck(entries=audit.entries, problems=tuple(problems), unopenable=tuple(unopenable),
                         school_key=mine)


def _compare(case_id: str, on_disk: Status, entries: list[RegisterEntry]) -> list[str]:
    """What is wrong between one case's status on disk and its entries in the register."""
    if not entries:
        return [f"Case {case_id} has no entry in the register: its entries were cut from the register (or it "
                "was made while another school key file was in place)."]
    events = {e.event: e for e in entries}
    found: list[str] = []
    if "sealed" in events and on_disk is not Status.SEALED:
        found.append(f"Case {case_id} says \"{on_disk}\" on disk, but the register says it was sealed on "
                     f"{events['sealed'].date}: the case folder was put back to an older copy. Treat the case as "
                     "sealed: do not open it for browsing, and tell the police.")
    if on_disk is Status.SEALED and "sealed" not in events:
        found.append(f"Case {case_id} is sealed, but the register has no entry for its seal: the register's "
                     "entries for it were cut.")
    if on_disk is Status.CONCLUDED and "concluded" not in events:
        found.append(f"Case {case_id} is concluded, but the register has no entry for its conclusion: the "
                     "register's entries for it were cut.")
    if "deleted" in events:
        found.append(f"Case {case_id} is on this computer, yet the register says it was deleted on "
                     f"{events['deleted'].date}: its folder was put back from a copy.")
    return found
