"""The school key: any two of three secrets open a case, never one; recovery is journaled loudly."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from evidence_app import Kind, PolicyError, TamperDetected, WeakPassphrase, WrongPassphrase
from evidence_app.vault.school_key import SchoolKey, SchoolKeyError
from tests.helpers.cases import CHEAP, PASS_A, PASS_B, PASSPHRASES, make_case

COORDINATOR = "Coordinat0r's own pass!"


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def school(store):
    return store.create_school_key(COORDINATOR, kdf=CHEAP)


def test_the_school_key_is_made_once_and_unlocked_by_the_coordinator(store, school) -> None:
    assert store.school_public() == school.public
    assert store.unlock_school_key(COORDINATOR) == school
    with pytest.raises(WrongPassphrase):
        store.unlock_school_key("Not the coordinat0r!")
    with pytest.raises(PolicyError, match="already has a school key"):
        store.create_school_key(COORDINATOR, kdf=CHEAP)
    assert school.private_raw.hex() not in (store.root / "school-key.json").read_text()


def test_a_weak_coordinator_passphrase_is_refused(store) -> None:
    with pytest.raises(WeakPassphrase):
        store.create_school_key("school", kdf=CHEAP)
    assert store.school_public() is None


def test_the_printed_words_give_the_key_back_and_catch_typos(school) -> None:
    words = school.to_words()
    assert len(words.split()) == 24
    assert SchoolKey.from_words(words.upper()) == school
    assert SchoolKey.from_words(" ".join(w[:4] for w in words.split())) == school  # four letters suffice
    swapped = words.split()
    swapped[0], swapped[1] = swapped[1], swapped[0]
    if swapped[0] != swapped[1]:
        with pytest.raises(SchoolKeyError):
            SchoolKey.from_words(" ".join(swapped))
    with pytest.raises(SchoolKeyError, match="24 words"):
        SchoolKey.from_words(" ".join(words.split()[:23]))
    with pytest.raises(SchoolKeyError, match="Word 3"):
        SchoolKey.from_words(" ".join(words.split()[:2] + ["xylophonez"] + words.split()[3:]))


@pytest.mark.parametrize("passphrase, who", [(PASS_A, "Alice Hughes"), (PASS_B, "Bartosz Nowak")])
def test_one_investigator_with_the_school_key_opens_the_case_loudly(store, school, passphrase, who) -> None:
    case = make_case(store)
    case.add_note("evidence that must survive a departure")
    case.lock()
    recovered = store.open_with_school_key(case.id, passphrase, school)
    event = [e for e in recovered.events() if e.kind == Kind.RECOVERED][-1]
    assert event.data["investigator"] == who and "SCHOOL KEY" in event.data["warning"]
    assert "evidence that must survive a departure" in [e.data.get("text") for e in recovered.events()]
    recovered.verify()
    recovered.lock()
    entries = store.read_register(school)
    assert entries[-1].event == "recovered" and who in entries[-1].by


def test_no_single_secret_opens_a_case(store, school) -> None:
    case = make_case(store)
    case.lock()
    before = _snapshot(store.root / case.id)
    for attempt in ["", "Wr0ng passphrase!", COORDINATOR]:
        with pytest.raises(WrongPassphrase):
            store.open_with_school_key(case.id, attempt, school)
    with pytest.raises(WrongPassphrase):
        store.open(case.id, (PASS_A, ""))
    assert _snapshot(store.root / case.id) == before


def test_another_schools_key_does_not_fit(store, school, tmp_path) -> None:
    from tests.helpers.cases import make_store

    other = make_store(tmp_path / "elsewhere").create_school_key(COORDINATOR, kdf=CHEAP)
    case = make_case(store)
    case.lock()
    with pytest.raises(WrongPassphrase, match="not the school key"):
        store.open_with_school_key(case.id, PASS_A, other)


def test_cases_made_before_the_school_key_need_both_investigators(store) -> None:
    case = make_case(store)
    case.lock()
    school = store.create_school_key(COORDINATOR, kdf=CHEAP)
    with pytest.raises(WrongPassphrase, match="before the school key"):
        store.open_with_school_key(case.id, PASS_A, school)
    store.open(case.id, PASSPHRASES).lock()


def test_unlock_after_an_idle_lock_with_the_school_key(store, school) -> None:
    case = make_case(store)
    case.lock()
    case.unlock_with_school_key(PASS_B, school)
    assert [e.kind for e in case.events()][-3:] == [Kind.UNLOCKED, Kind.RECOVERED, Kind.REGISTERED]
    case.lock()


def test_a_damaged_school_key_file_is_named(store, school) -> None:
    path = store.root / "school-key.json"
    path.write_text(path.read_text()[:-20])
    with pytest.raises(TamperDetected, match="school-key.json"):
        store.unlock_school_key(COORDINATOR)
