"""Plain-English words shared by several windows: statuses, event kinds, times."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from evidence_app import EvidenceError, Kind, Status
from evidence_app.policy.concerns import ConcernTable, load_concerns
from evidence_app.vault.timestamps import parse_utc

STATUS_WORDS: dict[str, str] = {
    Status.OPEN: "Open",
    Status.CONCLUDED: "Concluded",
    Status.SEALED: "Sealed (referred to the police)",
    Status.UNREADABLE: "Damaged: cannot be read",
}

KIND_WORDS: dict[str, str] = {
    Kind.CREATED: "Case started",
    Kind.KEY: "Case signing key made",
    Kind.OPENED: "Opened",
    Kind.LOCKED: "Locked",
    Kind.UNLOCKED: "Unlocked",
    Kind.CLOSED: "Closed",
    Kind.VISIT: "Site visited",
    Kind.CAPTURE: "Screenshot",
    Kind.ANNOTATED: "Screenshot described",
    Kind.SNAPSHOT: "Page text saved",
    Kind.RESOURCES: "Page parts loaded",
    Kind.REFUSED: "Refused",
    Kind.NOTE: "Note",
    Kind.FLAGGED: "Flagged for the police",
    Kind.QUARANTINED: "Withheld",
    Kind.SEALED: "Sealed",
    Kind.CONCLUDED: "Concluded",
    Kind.FORM: "Form saved",
    Kind.EXPORTED: "Exported for the police",
    Kind.REPAIRED: "Repaired after a crash",
    Kind.REGISTERED: "Written in the incident register",
    Kind.TIMESTAMPED: "Trusted time received",
    Kind.ITEM: "File brought in",
    Kind.ITEM_DESCRIBED: "File described",
    Kind.ITEM_VIEWED: "File viewed",
    Kind.DEVICE: "Device reviewed",
    Kind.RESPONSES: "Server responses recorded",
    Kind.UNPLAYABLE: "Video or sound that cannot play here",
    Kind.PROVENANCE: "Browser and computer details",
    Kind.KEPT: "Page kept whole",
}


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, str(status).capitalize())


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, str(kind).capitalize())


def local_time(stamp: str, *, with_date: bool = True) -> str:
    """A journal's UTC time as this computer's local time, e.g. ``23 Nov 2026, 14:05:09``."""
    try:
        moment: datetime = parse_utc(stamp).astimezone()
    except (ValueError, TypeError):
        return stamp or "unknown"
    if with_date:
        return f"{moment.day} {moment:%b %Y, %H:%M:%S}"
    return f"{moment:%H:%M:%S}"


def local_date(stamp: str) -> str:
    try:
        moment = parse_utc(stamp).astimezone()
    except (ValueError, TypeError):
        return stamp or "unknown"
    return f"{moment.day} {moment:%b %Y, %H:%M}"


def weekday(stamp: str) -> str:
    """``"Tue"`` for a UTC ISO time (its local day), or ``""``."""
    try:
        return f"{parse_utc(stamp).astimezone():%a}"
    except (ValueError, TypeError):
        return ""


def elapsed(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@cache
def _concerns() -> ConcernTable | None:
    try:
        return load_concerns()
    except EvidenceError:
        return None


def concern_words(concern_id: str) -> str:
    """The policy's label for a stored concern id (the id itself if the table cannot be read)."""
    table = _concerns()
    return table.label(concern_id) if table is not None else concern_id
