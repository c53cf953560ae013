"""Journal timestamps: UTC, ISO 8601, milliseconds."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from evidence_app.vault.timestamps import format_utc, parse_utc, utc_now


def test_now_is_utc_with_milliseconds() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", utc_now())
    assert abs(parse_utc(utc_now()) - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_other_zones_are_converted() -> None:
    moment = datetime(2026, 3, 29, 2, 30, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert format_utc(moment) == "2026-03-29T01:30:00.123Z"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        format_utc(datetime(2026, 1, 1))
