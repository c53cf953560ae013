"""This account's own cases, moved into the folder every account uses (issue 17, item 4).

Alice's account made cases (and the school key) in its own folder before the cases became
computer-wide. They are found at every start and moved whole: opened afterwards with both
passphrases, their chains verified, the register read with the school key. Across disks, the
shared folder is a real tmpfs (root, as CI runs); a tmpfs too small to hold the case stops the
move with the case still whole where it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_app import CaseStore, StorageError
from evidence_app.case.moving import MOVING_PREFIX, left_behind, move_left_behind
from evidence_app.school.first_run import Places, Scope, choose, current_location
from tests.helpers.cases import CHEAP, PASSPHRASES, THIS_MACHINE, make_case
from tests.helpers.disks import small_disk
from tests.helpers.images import make_png

COORDINATOR = "Coordinat0r's own pass!"


def places(tmp_path: Path, name: str, computer: Path | None = None) -> Places:
    return Places(computer=computer or tmp_path / "ProgramData" / "Evidence App",
                  account_settings=tmp_path / name / "config" / "settings.json",
                  account_cases=tmp_path / name / "data" / "cases")


def own_cases(where: Places, count: int, *, school_key: bool = True) -> list[str]:
    store = CaseStore(where.account_cases, machine=THIS_MACHINE)
    if school_key:
        store.create_school_key(COORDINATOR, kdf=CHEAP)
    made = []
    for n in range(count):
        case = make_case(store)
        case.add_capture(make_png(200, 120, seed=n), kind="viewport", url=f"https://site.example/{n}")
        case.lock()
        made.append(case.id)
    return made


def test_nothing_is_left_behind_while_each_account_keeps_its_own(tmp_path: Path) -> None:
    alice = places(tmp_path, "alice")
    own_cases(alice, 1, school_key=False)
    assert not left_behind(choose(Scope.ACCOUNT, alice), alice).anything


def test_the_accounts_cases_and_school_key_move_whole_and_open_there(tmp_path: Path) -> None:
    alice, bob = places(tmp_path, "alice"), places(tmp_path, "bob")
    ids = own_cases(alice, 2)
    shared = choose(Scope.COMPUTER, alice, administrator=True)
    found = left_behind(shared, alice)
    assert found.case_ids == tuple(sorted(ids)) and found.school_files == ("school-key.json", "register.log")
    assert found.text() == (f"This account still keeps 2 cases and its own school key and incident register in "
                            f"{alice.account_cases}, where other accounts on this computer cannot see them.")
    report = move_left_behind(found)
    assert report.moved == tuple(sorted(ids)) and not report.in_use and not report.school_files_kept
    assert report.text().startswith("Moved 2 cases into the folder every account uses: ")
    assert "The school key and the incident register moved with them." in report.text()
    assert not left_behind(shared, alice).anything, "the move left something behind"
    assert sorted(p.name for p in alice.account_cases.iterdir()) == []

    his = CaseStore(current_location(bob).cases_folder, machine=THIS_MACHINE)  # the other account
    assert sorted(s.id for s in his.list()) == sorted(ids)
    for case_id in ids:
        case = his.open(case_id, passphrases=PASSPHRASES)
        assert case.verify().blobs >= 1 and len(case.captures()) == 1
        case.lock()
    key = his.unlock_school_key(COORDINATOR)
    assert sorted(e.case_id for e in his.read_register(key)) == sorted(ids)


def test_a_case_open_in_another_window_stays_where_it_is(tmp_path: Path) -> None:
    alice = places(tmp_path, "alice")
    first, second = own_cases(alice, 2, school_key=False)
    still_open = CaseStore(alice.account_cases, machine=THIS_MACHINE).open(first, passphrases=PASSPHRASES)
    try:
        report = move_left_behind(left_behind(choose(Scope.COMPUTER, alice, administrator=True), alice))
    finally:
        still_open.lock()
    assert report.moved == (second,) and report.in_use == (first,)
    assert f"{first} is open in another window and stayed where it was" in report.text()
    assert (alice.account_cases / first).is_dir()
    again = left_behind(current_location(alice), alice)
    assert again.case_ids == (first,), "the case left in place is no longer offered"
    assert move_left_behind(again).moved == (first,)


def test_a_shared_folder_with_its_own_school_key_keeps_it_and_this_accounts_stays(tmp_path: Path) -> None:
    alice, bob = places(tmp_path, "alice"), places(tmp_path, "bob")
    shared = choose(Scope.COMPUTER, bob, administrator=True)
    CaseStore(shared.cases_folder, machine=THIS_MACHINE).create_school_key("An0ther coordinator!", kdf=CHEAP)
    theirs = (shared.cases_folder / "school-key.json").read_bytes()
    (case_id,) = own_cases(alice, 1)
    found = left_behind(current_location(alice), alice)
    assert found.case_ids == (case_id,) and found.school_files == ()
    report = move_left_behind(found)
    assert report.moved == (case_id,) and report.school_files_kept == ("school-key.json", "register.log")
    assert "cases made before the move can be recovered only with the old one" in report.text()
    assert (shared.cases_folder / "school-key.json").read_bytes() == theirs, "the shared school key was replaced"
    assert (alice.account_cases / "school-key.json").is_file() and (alice.account_cases / "register.log").is_file()
    assert not left_behind(current_location(alice), alice).anything, "asked again about what cannot move"


def test_a_move_to_another_disk_copies_then_removes_the_old(tmp_path: Path) -> None:
    with small_disk(tmp_path / "D", size_kib=32 * 1024) as disk:
        alice = places(tmp_path, "alice", computer=disk / "Evidence App")
        ids = own_cases(alice, 2)
        report = move_left_behind(left_behind(choose(Scope.COMPUTER, alice, administrator=True), alice))
        assert report.moved == tuple(sorted(ids))
        shared = disk / "Evidence App" / "cases"
        assert not any(p.name.startswith(MOVING_PREFIX) for p in shared.iterdir())
        assert list(alice.account_cases.iterdir()) == []
        store = CaseStore(shared, machine=THIS_MACHINE)
        for case_id in ids:
            case = store.open(case_id, passphrases=PASSPHRASES)
            assert case.verify().records > 0
            case.lock()
        assert len(store.read_register(store.unlock_school_key(COORDINATOR))) == 2


def test_a_disk_too_small_stops_the_move_with_the_case_whole_where_it_was(tmp_path: Path) -> None:
    with small_disk(tmp_path / "D", size_kib=256) as disk:
        alice = places(tmp_path, "alice", computer=disk / "Evidence App")
        (case_id,) = own_cases(alice, 1, school_key=False)
        case = CaseStore(alice.account_cases, machine=THIS_MACHINE).open(case_id, passphrases=PASSPHRASES)
        for n in range(3):  # about 600 KB of captures: more than the disk holds
            case.add_capture(make_png(400, 300, seed=10 + n, noise=0.9), kind="page", url=f"https://x.example/{n}")
        case.lock()
        shared = choose(Scope.COMPUTER, alice, administrator=True)
        with pytest.raises(StorageError) as failed:
            move_left_behind(left_behind(shared, alice))
        assert "Errno" not in str(failed.value) and f"case {case_id}" in str(failed.value)
        assert [p.name for p in shared.cases_folder.iterdir()] == [], "a half copy was left in the shared folder"
        reopened = CaseStore(alice.account_cases, machine=THIS_MACHINE).open(case_id, passphrases=PASSPHRASES)
        assert reopened.verify().blobs >= 4 and len(reopened.captures()) == 4
        reopened.lock()
