"""UTC timestamps as the journal writes them: ISO 8601 with milliseconds and a Z."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timezone


def utc_now() -> str:
    """The current UTC time, e.g. ``2026-11-23T05:02:49.123Z``."""
    return format_utc(datetime.now(timezone.utc))


def format_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("a timestamp needs a time zone")
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_utc(text: str) -> datetime:
    """The inverse of :func:`format_utc`."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, the day clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
