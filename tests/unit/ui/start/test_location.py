"""The first run's question through the real window, and the offer to move an account's own cases.

Two accounts are two :class:`Places` (their own per-user folders beside one computer-wide
folder, all under the test's folder) and two :class:`Starter` runs, as two people signing in.
Everything is done with the mouse and keyboard on the words a person reads.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow

from evidence_app import CaseStore
from evidence_app.school.first_run import Places, Scope, choose, current_location
from tests.helpers.cases import CHEAP, THIS_MACHINE, make_case
from tests.helpers.person import Person
from tests.unit.ui.conftest import model_text
from ui.app import Starter
from ui.start.location import ACCOUNT, WHY, CaseLocationDialog, MoveCasesDialog

pytestmark = pytest.mark.usefixtures("clean_qt")
TITLE = "Where this computer keeps its cases"
ALT = Qt.KeyboardModifier.AltModifier


def places(tmp_path: Path, name: str) -> Places:
    return Places(computer=tmp_path / "ProgramData" / "Evidence App",
                  account_settings=tmp_path / name / "config" / "settings.json",
                  account_cases=tmp_path / name / "data" / "cases")


@pytest.fixture
def person(qtbot, qapp: QApplication) -> Person:
    return Person(qtbot, qapp)


@pytest.fixture
def starters(qapp: QApplication):
    made: list[Starter] = []

    def start(where: Places, *, administrator: bool) -> Starter:
        starter = Starter(qapp, places=where, administrator=administrator, kdf=CHEAP, with_browser=False)
        made.append(starter)
        starter.begin()
        return starter

    yield start
    for starter in made:
        starter.shutdown()


def own_case(where: Places) -> str:
    case = make_case(CaseStore(where.account_cases, machine=THIS_MACHINE))
    case.lock()
    return case.id


def test_the_first_run_asks_and_only_for_me_is_remembered(person: Person, starters, tmp_path: Path) -> None:
    alice = places(tmp_path, "alice")
    starter = starters(alice, administrator=False)
    dialog = person.window(TITLE)
    assert person.sees_text(dialog, WHY) and person.sees_text(dialog, f"Kept in {alice.computer / 'cases'}, which every account may use")
    assert not person.all_named(dialog, "Continue")[0].isEnabled(), "Continue before anything was chosen"
    person.click(person.find(dialog, f"Only for me ({ACCOUNT})"))
    person.press_button(dialog, "Continue")
    start = person.window("Evidence App")
    assert isinstance(start, QMainWindow)
    person.gone(TITLE)
    assert starter.controller is not None and starter.controller.store.root == alice.account_cases
    assert current_location(alice).scope is Scope.ACCOUNT

    again = starters(alice, administrator=False)  # the next start: no question
    assert again.dialog is None and again.controller is not None and again.controller.start.isVisible()


def test_for_everyone_without_an_administrator_says_how_and_goes_on_for_now(person: Person, starters,
                                                                           tmp_path: Path) -> None:
    alice = places(tmp_path, "alice")
    starter = starters(alice, administrator=False)
    dialog = person.window(TITLE)
    person.shortcut(dialog, Qt.Key.Key_E, ALT)  # "For &everyone ..."
    everyone = person.find(dialog, "For everyone who signs in to this computer")
    person.qtbot.waitUntil(everyone.isChecked)  # a mnemonic clicks after a short animation
    person.shortcut(dialog, Qt.Key.Key_C, ALT)  # "&Continue"
    person.qtbot.waitUntil(lambda: person.sees_text(dialog, "Only an administrator of this computer can make the "
                                                             "folder every account uses"))
    assert person.sees_text(dialog, "nothing is lost") and dialog.isVisible()
    person.press_button(dialog, "Continue with my own cases for now")
    start = person.window("Evidence App")
    assert isinstance(start, QMainWindow)
    assert starter.controller is not None and starter.controller.store.root == alice.account_cases
    assert not alice.computer.exists() and not current_location(alice).chosen, "the refusal was remembered"


def test_escape_goes_on_with_the_accounts_own_folder_and_asks_again(person: Person, starters,
                                                                    tmp_path: Path) -> None:
    alice = places(tmp_path, "alice")
    starters(alice, administrator=True)
    dialog = person.window(TITLE)
    person.shortcut(dialog, Qt.Key.Key_Escape)
    assert isinstance(person.window("Evidence App"), QMainWindow)
    assert not current_location(alice).chosen
    assert isinstance(starters(alice, administrator=True).dialog, CaseLocationDialog)


def test_for_everyone_by_an_administrator_and_the_other_account_finds_the_same_cases(
        person: Person, starters, tmp_path: Path) -> None:
    alice, bob = places(tmp_path, "alice"), places(tmp_path, "bob")
    first = starters(alice, administrator=True)
    dialog = person.window(TITLE)
    person.click(person.find(dialog, "For everyone who signs in to this computer"))
    person.press_button(dialog, "Continue")
    person.window("Evidence App")
    assert first.controller is not None and first.controller.store.root == alice.computer / "cases"
    case = make_case(first.controller.store)  # as the wizard does, in the store the window shows
    case.lock()
    first.shutdown()
    first.controller.start.close()

    second = starters(bob, administrator=False)  # Bob's account, not an administrator: no question
    assert second.dialog is None and second.controller is not None
    start = second.controller.start
    assert start.isVisible() and case.id in model_text(start.table)


def test_an_accounts_own_cases_are_offered_and_moved(person: Person, starters, tmp_path: Path) -> None:
    alice, bob = places(tmp_path, "alice"), places(tmp_path, "bob")
    case_id = own_case(alice)
    choose(Scope.COMPUTER, bob, administrator=True)  # Bob's administrator made the shared folder
    starter = starters(alice, administrator=False)
    offer = person.window("Cases kept by this account")
    assert isinstance(offer, MoveCasesDialog)
    assert person.sees_text(offer, f"This account still keeps 1 case in {alice.account_cases}")
    person.press_button(offer, "Move them")
    person.qtbot.waitUntil(lambda: person.sees_text(offer, f"Moved 1 case into the folder every account uses: "
                                                           f"{case_id}."), timeout=20_000)
    assert starter.controller is not None
    assert case_id in model_text(starter.controller.start.table)
    person.press_button(offer, "Close")
    assert not starter.controller.start.elsewhere.isVisible()
    assert (alice.computer / "cases" / case_id).is_dir() and not (alice.account_cases / case_id).exists()


def test_not_now_leaves_them_where_they_are_and_the_start_screen_says_so(person: Person, starters,
                                                                         tmp_path: Path) -> None:
    alice, bob = places(tmp_path, "alice"), places(tmp_path, "bob")
    case_id = own_case(alice)
    choose(Scope.COMPUTER, bob, administrator=True)
    starter = starters(alice, administrator=False)
    offer = person.window("Cases kept by this account")
    person.shortcut(offer, Qt.Key.Key_Escape)  # "Not now"
    person.gone("Cases kept by this account")
    assert starter.controller is not None
    start = starter.controller.start
    assert person.sees_text(start, f"This account still keeps 1 case in {alice.account_cases}, where other "
                                   "accounts on this computer cannot see it. Evidence App will offer to move "
                                   "them again at the next start.")
    assert (alice.account_cases / case_id).is_dir()
    starters(alice, administrator=False)  # the next start offers them again
    assert isinstance(person.window("Cases kept by this account"), MoveCasesDialog)
