"""The first run's question: cases for every account on this computer, or for this one (issue 17, item 4).

Two accounts are two sets of per-user folders beside one computer-wide folder, all in the test's
own folder. "Another account" is a second :class:`Places` with its own per-user folders and a
second :class:`CaseStore`; the Windows leg runs these under a Windows CPython (ProgramData's
access list itself is untested there: Wine's icacls does nothing).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evidence_app.case.store import CaseStore, default_root
from evidence_app.errors import EvidenceError
from evidence_app.school import settings
from evidence_app.school.first_run import (
    NeedsAdministrator,
    Places,
    Scope,
    choose,
    current_location,
    for_now,
    is_administrator,
)
from evidence_app.school.location import OVERRIDE_ENV
from evidence_app.school.settings import Settings
from tests.helpers.cases import CHEAP, THIS_MACHINE, make_case

COORDINATOR = "Coordinat0r's own pass!"


def account(tmp_path: Path, name: str) -> Places:
    return Places(computer=tmp_path / "ProgramData" / "Evidence App",
                  account_settings=tmp_path / name / "config" / "settings.json",
                  account_cases=tmp_path / name / "data" / "cases")


@pytest.fixture
def alice(tmp_path: Path) -> Places:
    return account(tmp_path, "alice")


@pytest.fixture
def bob(tmp_path: Path) -> Places:
    return account(tmp_path, "bob")


def test_at_first_nothing_is_chosen_and_the_accounts_own_folders_serve(alice: Places) -> None:
    where = current_location(alice)
    assert not where.chosen and where.scope is None
    assert (where.settings_path, where.cases_folder) == (alice.account_settings, alice.account_cases)
    assert for_now(alice) == where


def test_only_for_me_is_remembered_in_the_accounts_own_settings(alice: Places, bob: Places) -> None:
    where = choose(Scope.ACCOUNT, alice, administrator=False)
    assert where.scope is Scope.ACCOUNT and alice.account_settings.is_file()
    assert current_location(alice) == where, "the next start asks again"
    assert not current_location(bob).chosen, "one account's choice was taken for another's"
    assert not alice.computer.exists()


def test_only_for_me_keeps_the_settings_already_made(alice: Places) -> None:
    settings.save(Settings(school_name="Hill Primary", cases_folder=str(alice.account_cases.parent / "Mine")),
                  alice.account_settings)
    where = choose(Scope.ACCOUNT, alice)
    assert where.cases_folder == alice.account_cases.parent / "Mine"
    assert settings.load(alice.account_settings).school_name == "Hill Primary"


def test_for_everyone_as_an_administrator_is_found_by_every_account(alice: Places, bob: Places) -> None:
    settings.save(Settings(school_name="Hill Primary", computer_name="ICT-OFFICE-01"), alice.account_settings)
    where = choose(Scope.COMPUTER, alice, administrator=True)
    assert where.scope is Scope.COMPUTER
    assert where.settings_path == alice.computer / "settings.json"
    assert where.cases_folder == alice.computer / "cases"
    carried = settings.load(where.settings_path)
    assert (carried.school_name, carried.computer_name) == ("Hill Primary", "ICT-OFFICE-01")
    assert current_location(bob) == where, "the other account does not find the computer-wide folder"

    # Alice's account makes the school key and a case; Bob's account finds the case, the key and the register.
    theirs = CaseStore(where.cases_folder, machine=THIS_MACHINE)
    theirs.create_school_key(COORDINATOR, kdf=CHEAP)
    case = make_case(theirs)
    case.lock()
    his = CaseStore(current_location(bob).cases_folder, machine=THIS_MACHINE)
    assert [s.id for s in his.list()] == [case.id]
    key = his.unlock_school_key(COORDINATOR)
    assert [e.case_id for e in his.read_register(key)] == [case.id]


def test_for_everyone_without_an_administrator_says_how_and_changes_nothing(alice: Places) -> None:
    with pytest.raises(NeedsAdministrator) as refused:
        choose(Scope.COMPUTER, alice, administrator=False)
    said = str(refused.value)
    assert said.startswith(f"Only an administrator of this computer can make the folder every account uses "
                           f"({alice.computer}).")
    if os.name == "nt":
        assert 'right-click it and choose "Run as administrator"' in said
        assert '"evidence-app share-cases" once, as an administrator' in said
    else:
        assert "sudo evidence-app share-cases" in said
    assert "nothing is lost" in said and "asked again at the next start" in said
    assert not alice.computer.exists() and not alice.account_settings.exists()
    assert not current_location(alice).chosen, "a refused choice was remembered"


def test_a_folder_an_administrator_made_already_needs_no_administrator(alice: Places, bob: Places) -> None:
    made = choose(Scope.COMPUTER, alice, administrator=True)
    assert choose(Scope.COMPUTER, bob, administrator=False) == made


def test_a_failure_to_make_the_folder_is_a_sentence_and_changes_nothing(alice: Places, tmp_path: Path) -> None:
    (tmp_path / "ProgramData").write_text("a file where the folder should be")
    with pytest.raises(EvidenceError) as failed:
        choose(Scope.COMPUTER, alice, administrator=True)
    assert "Errno" not in str(failed.value) and "computer-wide folder" in str(failed.value)
    assert not current_location(alice).chosen


def test_a_damaged_settings_file_still_counts_as_chosen(alice: Places) -> None:
    alice.account_settings.parent.mkdir(parents=True)
    alice.account_settings.write_text("{not json")
    where = current_location(alice)
    assert where.scope is Scope.ACCOUNT and where.cases_folder == alice.account_cases  # the app names the damage


def test_the_computer_wide_settings_win_over_the_accounts_own(alice: Places) -> None:
    choose(Scope.ACCOUNT, alice)
    alice.computer.mkdir(parents=True)
    (alice.computer / "settings.json").write_text(json.dumps({"cases_folder": str(alice.computer / "Elsewhere")}))
    where = current_location(alice)
    assert where.scope is Scope.COMPUTER and where.cases_folder == alice.computer / "Elsewhere"


def test_the_real_places_are_the_ones_the_store_and_settings_use(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(OVERRIDE_ENV, str(tmp_path / "ProgramData" / "Evidence App"))
    here = Places.of_this_computer()
    assert here.computer == tmp_path / "ProgramData" / "Evidence App"
    assert (here.account_settings, here.account_cases) == (settings.default_path(), default_root())
    choose(Scope.COMPUTER, here, administrator=True)
    assert (here.computer_settings, here.computer / "cases") == (settings.default_path(), default_root())


def test_whether_this_is_an_administrator_is_asked_of_the_system() -> None:
    answer = is_administrator()
    assert isinstance(answer, bool)
    if os.name != "nt":
        assert answer == (os.geteuid() == 0)
