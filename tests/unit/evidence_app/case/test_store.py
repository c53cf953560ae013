"""Creating, listing and opening cases; both passphrases, always."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from evidence_app import (
    CaseInUse,
    CaseNotFound,
    CaseStore,
    Investigator,
    Kind,
    PolicyError,
    Status,
    WrongMachine,
    WrongPassphrase,
)
from tests.helpers.cases import ALICE, BOB, CHEAP, OTHER_MACHINE, PASS_A, PASS_B, PASSPHRASES, make_case, make_store


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` and the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_default_case_folder_is_the_platform_data_folder() -> None:
    root = CaseStore().root
    assert root.name == "cases" and "Evidence App" in str(root)


def test_list_shows_id_created_and_status_without_any_passphrase(store) -> None:
    assert store.list() == []
    first = make_case(store)
    second = make_case(store)
    second.flag_csam("https://example.invalid/x")
    first.lock()
    second.lock()
    listed = store.list()
    assert [s.id for s in listed] == [first.id, second.id]
    assert [s.status for s in listed] == [Status.OPEN, Status.SEALED]
    assert listed[0].created.endswith("Z")


def test_a_new_case_journals_its_details_and_who_created_it(store) -> None:
    case = make_case(store)
    created = next(case.events())
    assert created.kind == Kind.CREATED
    assert created.data["group"] == "Year 9"
    assert case.details.investigators[0].name == ALICE.name
    assert case.details.investigators[1].position == BOB.position
    assert case.designated and not case.read_only
    case.lock()


def test_opening_needs_both_passphrases_in_their_places(store) -> None:
    case = make_case(store)
    case.add_note("first note")
    case.lock()
    before = snapshot(store.root)
    attempts = [(PASS_A, "Wr0ng pass!"), ("Wr0ng pass!", PASS_B), (PASS_B, PASS_A),
                (PASS_A, ""), ("", PASS_B), (PASS_A,), (), (PASS_A, PASS_A)]
    for attempt in attempts:
        with pytest.raises(WrongPassphrase) as caught:
            store.open(case.id, attempt)  # type: ignore[arg-type]
        assert "one or both" in str(caught.value).lower() or "both" in str(caught.value).lower()
        assert snapshot(store.root) == before, f"files changed after {attempt!r}"
    opened = store.open(case.id, PASSPHRASES)
    assert [e.kind for e in opened.events()][-1] == Kind.OPENED
    opened.lock()


def test_the_message_never_says_which_passphrase_was_wrong(store) -> None:
    case = make_case(store)
    case.lock()
    messages = set()
    for attempt in [(PASS_A, "Wr0ng pass!"), ("Wr0ng pass!", PASS_B)]:
        with pytest.raises(WrongPassphrase) as caught:
            store.open(case.id, attempt)
        messages.add(str(caught.value))
    assert len(messages) == 1


def test_a_case_cannot_be_opened_twice_at_once(store) -> None:
    case = make_case(store)
    with pytest.raises(CaseInUse):
        store.open(case.id, PASSPHRASES)
    case.lock()
    store.open(case.id, PASSPHRASES).lock()


def test_unknown_or_malformed_case_ids_are_not_found(store) -> None:
    with pytest.raises(CaseNotFound):
        store.open("EV-20260101-AAAAAA", PASSPHRASES)
    with pytest.raises(CaseNotFound):
        store.open("../../etc", PASSPHRASES)


def test_creation_refuses_a_bad_pair_and_leaves_nothing(store) -> None:
    with pytest.raises(PolicyError):
        store.create(reason="r", group="g", computer_location="l",
                     investigators=(ALICE, Investigator("Alice Hughes", "Deputy", "Other pass 9!")), kdf=CHEAP)
    assert store.list() == []
    assert not store.root.exists() or not any(store.root.iterdir())


def test_on_another_computer_the_case_opens_read_only_and_says_so(store) -> None:
    case = make_case(store)
    case.lock()
    elsewhere = make_store(store.root, machine=OTHER_MACHINE)
    before = snapshot(store.root)
    with pytest.raises(WrongMachine):
        elsewhere.open(case.id, PASSPHRASES, writable=True)
    assert snapshot(store.root) == before
    viewed = elsewhere.open(case.id, PASSPHRASES)
    assert viewed.read_only and not viewed.designated
    opened = list(viewed.events())[-1]
    assert opened.kind == Kind.OPENED and opened.data["designated"] is False
    assert opened.data["computer"] == OTHER_MACHINE.name
    with pytest.raises(WrongMachine):
        viewed.add_note("should not be added")
    with pytest.raises(WrongMachine):
        viewed.record_visit("https://example.org/")
    viewed.verify()
    viewed.lock()


def test_read_only_can_be_asked_for_on_the_designated_computer(store) -> None:
    case = make_case(store)
    case.lock()
    viewed = store.open(case.id, PASSPHRASES, writable=False)
    assert viewed.read_only and viewed.designated
    viewed.lock()
