"""Retention: counted from the conclusion (or the police's release), deletion only when due."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from evidence_app import Conclusion, InvalidInput, PolicyError, Status, WrongPassphrase
from evidence_app.vault.timestamps import add_months, parse_utc
from tests.helpers.cases import PASSPHRASES, make_case, make_store


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 11, 23), 12, date(2027, 11, 23)), (date(2026, 12, 15), 1, date(2027, 1, 15))])
def test_months_are_added_as_a_person_would(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_an_open_case_has_no_retention_date_and_cannot_be_deleted(store) -> None:
    case = make_case(store)
    assert case.retain_until == ""
    case.lock()
    with pytest.raises(PolicyError, match="not been concluded"):
        store.delete(case.id, PASSPHRASES, today=date(2099, 1, 1))
    assert store.list()[0].id == case.id


def test_the_retention_period_comes_from_the_store_and_counts_from_the_conclusion(tmp_path) -> None:
    store = make_store(tmp_path / "cases")
    store = type(store)(store.root, machine=store.machine, retention_months=6)
    case = make_case(store)
    event = case.conclude(Conclusion(substance="no", subject="staff"))
    concluded_on = parse_utc(event.time).date()
    assert case.retain_until == add_months(concluded_on, 6).isoformat()
    case.lock()
    not_yet = add_months(concluded_on, 6) - timedelta(days=1)
    with pytest.raises(PolicyError, match="not due"):
        store.delete(case.id, PASSPHRASES, today=not_yet)
    assert store.due_for_deletion(not_yet) == []
    store.delete(case.id, PASSPHRASES, today=add_months(concluded_on, 6))
    assert store.list() == []


def test_a_sealed_case_is_kept_until_the_police_release_it(store) -> None:
    case = make_case(store)
    case.flag_csam("https://bad.example/")
    case.conclude(Conclusion(substance="yes", subject="pupil", actions=("refer-police",)))
    assert case.status is Status.SEALED and case.retain_until == ""
    case.lock()
    with pytest.raises(PolicyError, match="police release"):
        store.delete(case.id, PASSPHRASES, today=date(2099, 1, 1), before_due=True)
    reopened = store.open(case.id, PASSPHRASES)
    with pytest.raises(InvalidInput):
        reopened.record_police_release("")
    released = reopened.record_police_release("TVP/2027/55", note="No further action")
    retain_until = reopened.retain_until
    assert retain_until == add_months(parse_utc(released.time).date(), 12).isoformat()
    reopened.lock()
    assert store.list()[0].retain_until == retain_until
    store.delete(case.id, PASSPHRASES, today=date.fromisoformat(retain_until))
    assert store.list() == []


def test_only_a_sealed_case_can_be_released(case) -> None:
    with pytest.raises(InvalidInput, match="sealed"):
        case.record_police_release("REF-1")


def test_deletion_needs_both_passphrases(store) -> None:
    case = make_case(store)
    case.conclude(Conclusion(substance="no", subject="pupil"))
    case.lock()
    with pytest.raises(WrongPassphrase):
        store.delete(case.id, (PASSPHRASES[0], "Wr0ng pass!"), before_due=True)
    assert store.list()[0].id == case.id


def test_no_key_material_survives_deletion(store, monkeypatch) -> None:
    """Even a deletion cut off before the files go (a crash, a locked file) leaves no key behind."""
    import json

    from evidence_app.case import store as store_module

    case = make_case(store)
    header = json.loads((store.root / case.id / "case.header").read_bytes())
    slots = [wrapped.encode("ascii") for wrapped in header["slots"].values()]  # as the header file spells them
    key = case.signing_key.private_raw
    case.conclude(Conclusion(substance="no", subject="pupil"))
    case.lock()

    def power_cut(path, *args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(store_module.shutil, "rmtree", power_cut)
    with pytest.raises(Exception):
        store.delete(case.id, PASSPHRASES, before_due=True)
    leftovers = [p for p in store.root.rglob("*") if p.is_file()]
    assert leftovers, "the interrupted deletion should have left the files"
    for path in leftovers:
        content = path.read_bytes()
        assert key not in content, path
        assert not any(slot in content for slot in slots), path
    assert case.id not in [summary.id for summary in store.list()]