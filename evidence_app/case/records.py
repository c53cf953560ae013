"""Frozen values the core hands out: case summaries, details, captures, reports."""

from __future__ import annotations

from dataclasses import dataclass

from evidence_app.vault.state import Status


@dataclass(frozen=True)
class CaseSummary:
    """What the start screen may show without any passphrase."""

    id: str
    created: str
    status: Status
    retain_until: str = ""  # ISO date from which the pair are asked to delete it; "" while it must be kept
    last_used: str = ""     # UTC time the journal was last written (the file's own time: nothing decrypted)


@dataclass(frozen=True)
class Person:
    name: str
    position: str


@dataclass(frozen=True)
class CaseDetails:
    """The case as described when it was opened (all of it encrypted at rest)."""

    id: str
    created: str
    reason: str
    group: str
    subject: str
    computer_name: str
    computer_location: str
    investigators: tuple[Person, Person]
    reported_by: str = ""


@dataclass(frozen=True)
class Capture:
    """A stored screenshot. ``sha256`` is the hash of the exact bytes stored."""

    id: str
    kind: str
    url: str
    note: str
    concern: str
    sha256: str
    captured_at: str
    size: int
    media_type: str
    by: tuple[str, ...]
    quarantined: bool = False
    incomplete: str = ""  # what the picture may lack, said when it was taken (pictures still loading); "" if nothing


@dataclass(frozen=True)
class VerifyReport:
    """A case that verified: how much was checked, and the journal's head hash."""

    records: int
    blobs: int
    head: str
