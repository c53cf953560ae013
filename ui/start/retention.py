"""Retention in plain words: how long each case is kept, read from the case list without any passphrase.

:func:`retention_words` is the start screen's "Kept until" column: "Due for
deletion since …" once a case's retention date has come, "Kept until the
police release it" for a sealed case. Deleting a due case is
:mod:`ui.start.delete_case`; recording the police's release is :mod:`ui.school.police_release`.
``today`` is always passed in (a seam for tests), never read from a patched clock.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from evidence_app import Case, CaseSummary, Status

SHREDDING = ("Deleting destroys the case's keys first, so nothing in it can ever be decrypted again, and then "
             "removes its files; the incident register keeps a line saying what was deleted, when and by whom.")
SEALED_KEPT = "Kept until the police release it"
DUE_STYLE = "color: #a31515; font-weight: bold;"


def today_utc() -> date:
    return datetime.now(timezone.utc).date()


def long_date(iso: str) -> str:
    """``2027-03-04`` as ``4 March 2027``."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def is_due(summary: CaseSummary, today: date) -> bool:
    return bool(summary.retain_until) and summary.retain_until <= today.isoformat()


def retention_words(summary: CaseSummary, today: date) -> str:
    """What the start screen says about how long a case is kept."""
    if summary.status == Status.UNREADABLE:
        return ""
    if is_due(summary, today):
        return f"Due for deletion since {long_date(summary.retain_until)}"
    if summary.retain_until:
        return f"Kept until {long_date(summary.retain_until)}"
    if summary.status == Status.SEALED:
        return SEALED_KEPT
    return "Kept while the case is open"


def can_be_released(case: Case) -> bool:
    """A sealed case the police have not released yet (its retention has not started)."""
    return not case.locked and case.status is Status.SEALED and not case.retain_until
