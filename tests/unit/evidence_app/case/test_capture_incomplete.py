"""A capture's ``incomplete``: what the browser said the picture may lack, journaled with it for the examiner."""

from __future__ import annotations

import pytest

from evidence_app import Kind
from evidence_app.errors import InvalidInput
from tests.helpers.cases import PASSPHRASES
from tests.helpers.images import make_png

LATE = "Some pictures were still loading when the page was drawn."
BEFORE = {"id", "blob", "kind", "url", "note", "concern", "sha256", "captured_at", "size", "media_type"}


def test_pictures_still_loading_are_journaled_with_the_capture_and_survive_reopening(store, case) -> None:
    capture = case.add_capture(make_png(seed=1), kind="page", url="https://example.org/feed", incomplete=LATE)
    assert capture.incomplete == LATE
    record = [e for e in case.events() if e.kind == Kind.CAPTURE][-1]
    assert record.data["incomplete"] == LATE
    case.lock()
    reopened = store.open(case.id, PASSPHRASES)
    try:
        assert {c.id: c.incomplete for c in reopened.captures()}[capture.id] == LATE
        reopened.verify()
    finally:
        reopened.lock()


def test_a_capture_with_nothing_said_is_journaled_exactly_as_before(case) -> None:
    """No new key at all: a journal written before this field existed reads the same, and so does a new one."""
    capture = case.add_capture(make_png(seed=2), kind="viewport", url="https://example.org/")
    record = [e for e in case.events() if e.kind == Kind.CAPTURE][-1]
    assert set(record.data) == BEFORE
    assert capture.incomplete == ""


def test_a_notice_that_is_not_short_text_is_refused_and_nothing_is_stored(case) -> None:
    before = len(list(case.events()))
    with pytest.raises(InvalidInput, match="too long"):
        case.add_capture(make_png(seed=3), kind="page", incomplete="x" * 100_000)  # a page's text, not a sentence
    with pytest.raises(InvalidInput, match="must be text"):
        case.add_capture(make_png(seed=3), kind="page", incomplete=3)  # type: ignore[arg-type]
    assert len(list(case.events())) == before


def test_the_notice_is_one_sentence_at_most_a_thousand_characters(case) -> None:
    assert case.add_capture(make_png(seed=4), kind="page", incomplete="x" * 1_000).incomplete == "x" * 1_000
    with pytest.raises(InvalidInput, match="too long"):
        case.add_capture(make_png(seed=5), kind="page", incomplete="x" * 1_001)
