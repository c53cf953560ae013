"""An open case: captures, notes, visits, limits, locking and the seal."""

from __future__ import annotations

import hashlib
import threading

import pytest

from evidence_app import CaseLocked, CaseSealed, InvalidInput, Kind, Quarantined, Status, WrongPassphrase
from evidence_app.vault.timestamps import parse_utc
from tests.helpers.cases import PASS_A, PASSPHRASES
from tests.helpers.images import make_png


def test_a_capture_is_hashed_timestamped_and_read_back_exactly(case) -> None:
    png = make_png(seed=1)
    capture = case.add_capture(png, kind="viewport", url="https://example.org/a", note="n", concern="pornography")
    assert capture.sha256 == hashlib.sha256(png).hexdigest()
    assert capture.id == "C0001" and capture.size == len(png)
    parse_utc(capture.captured_at)
    assert case.read_capture(capture.id) == png
    event = list(case.events())[-1]
    assert event.kind == Kind.CAPTURE and event.data["sha256"] == capture.sha256
    assert event.by == ("Alice Hughes", "Bartosz Nowak")
    assert case.captures() == [capture]


def test_capture_ids_count_up(case) -> None:
    ids = [case.add_capture(make_png(seed=i), kind="page").id for i in range(3)]
    assert ids == ["C0001", "C0002", "C0003"]


@pytest.mark.parametrize("data, kind", [(b"GIF89a....", "viewport"), (make_png(), "selfie"), ("text", "page")])
def test_captures_must_be_png_of_a_known_kind(case, data, kind) -> None:
    with pytest.raises(InvalidInput):
        case.add_capture(data, kind=kind)
    assert case.captures() == []


def test_events_are_in_order_with_a_hash_chain(case) -> None:
    case.record_visit("https://example.org/", "Example")
    case.add_note("Looked at the home page")
    events = list(case.events())
    assert [e.seq for e in events] == list(range(len(events)))
    for before, after in zip(events, events[1:]):
        assert after.prev == before.hash
        assert hashlib.sha256(after.line).hexdigest() == after.hash
        assert parse_utc(before.time) <= parse_utc(after.time)
    assert case.head == events[-1].hash


def test_a_huge_note_is_refused_plainly_and_nothing_is_lost(case) -> None:
    case.add_note("kept")
    before = len(list(case.events()))
    with pytest.raises(InvalidInput, match="too long"):
        case.add_note("x" * 1_000_001)
    assert len(list(case.events())) == before
    case.verify()


def test_hostile_urls_are_stored_exactly(case) -> None:
    hostile = ["https://example.org/\u202egnp.exe", "javascript:alert(1)", "http://a\r\nSet-Cookie: x",
               "https://example.org/" + "%00" * 10 + "\x00", "https://xn--80ak6aa92e.com/" + "a" * 100_000]
    for url in hostile:
        case.record_visit(url, title="<script>alert(1)</script>")
    visits = [e.data["url"] for e in case.events() if e.kind == Kind.VISIT]
    assert visits == hostile
    case.verify()


def test_text_that_cannot_be_encoded_is_refused(case) -> None:
    with pytest.raises(InvalidInput):
        case.add_note("half a pair \ud800")
    case.verify()


def test_lock_drops_everything_and_unlock_needs_both(case) -> None:
    case.add_note("Private note about a pupil")
    case.lock()
    assert case.locked
    for action in (lambda: case.details, lambda: list(case.events()), lambda: case.captures(),
                   lambda: case.add_note("x")):
        with pytest.raises(CaseLocked):
            action()
    assert "Private note" not in repr(vars(case))
    with pytest.raises(WrongPassphrase):
        case.unlock((PASS_A, "Wr0ng one!"))
    assert case.locked
    case.unlock(PASSPHRASES)
    kinds = [e.kind for e in case.events()]
    assert kinds[-2:] == [Kind.LOCKED, Kind.UNLOCKED]
    case.add_note("after unlock")


def test_flagging_seals_quarantines_and_refuses_everything_after(case) -> None:
    flagged_url = "https://Example.org:443/gallery/#top"
    kept = case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/other")
    caught = case.add_capture(make_png(seed=2), kind="viewport", url="https://example.org/gallery")
    case.flag_csam(flagged_url, note="suspected imagery")
    assert case.status is Status.SEALED
    quarantined = {c.id: c.quarantined for c in case.captures()}
    assert quarantined == {kept.id: False, caught.id: True}
    with pytest.raises(Quarantined):
        case.read_capture(caught.id)
    assert case.read_capture(kept.id)
    for action in (lambda: case.add_capture(make_png(), kind="screen"), lambda: case.add_note("x"),
                   lambda: case.record_visit("https://example.org/"), lambda: case.flag_csam("https://x/")):
        with pytest.raises(CaseSealed):
            action()
    kinds = [e.kind for e in case.events()]
    assert kinds[-3:] == [Kind.FLAGGED, Kind.QUARANTINED, Kind.SEALED]
    quarantine = [e for e in case.events() if e.kind == Kind.QUARANTINED][0]
    assert quarantine.data["sha256"] == [caught.sha256]


def test_the_seal_survives_reopening(store, case) -> None:
    case.flag_csam("https://example.org/x")
    case.lock()
    reopened = store.open(case.id, PASSPHRASES)
    assert reopened.status is Status.SEALED
    with pytest.raises(CaseSealed):
        reopened.add_note("x")
    reopened.lock()


def test_concurrent_captures_from_threads_all_land(case) -> None:
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            for i in range(10):
                case.add_capture(make_png(seed=offset * 100 + i), kind="viewport")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(c.id for c in case.captures()) == [f"C{n:04d}" for n in range(1, 41)]
    assert case.verify().blobs == 40 + 1  # and the case's signing key


def test_page_snapshots_are_stored_as_text_and_verified(case) -> None:
    html = "<html><body>Ysgol \u0141\u00f3d\u017a \U0001f600</body></html>"
    event = case.add_page_snapshot(html, url="https://example.org/", title="Home")
    assert case.read_snapshot(event.data["id"]) == html
    assert event.data["sha256"] == hashlib.sha256(html.encode()).hexdigest()
    assert case.verify().blobs == 1 + 1  # and the case's signing key


def test_a_form_already_kept_is_not_kept_twice(store, case) -> None:
    pdf = b"%PDF-1.7\n" + b"x" * 1000
    first = case.add_form(pdf)
    blobs = sorted((store.root / case.id / "blobs").iterdir())
    assert case.add_form(pdf) == first
    assert sorted((store.root / case.id / "blobs").iterdir()) == blobs
    assert case.add_form(pdf + b"\n").data["id"] == "F0002"
