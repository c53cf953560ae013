"""The new-case wizard shows the school key's fingerprint where the pair confirm, and refuses a swapped key."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from evidence_app.vault import school_key
from tests.helpers.cases import CHEAP, PASS_A, PASS_B, make_store
from tests.helpers.person import Person

pytestmark = pytest.mark.usefixtures("clean_qt")


def to_the_pair(person: Person, controller):
    """"New case", the first two pages filled in, the pair's page reached, the pair's details typed."""
    controller.start.reload()
    person.press_button(person.window("Evidence App"), "New case")
    wizard = person.window("New case")
    person.fill(wizard, "Reason for investigation", "A teacher saw a pupil on a gambling site")
    person.fill(wizard, "Group", "Year 9")
    person.press_button(wizard, "Next")
    person.fill(wizard, "Location of this computer", "ICT office")
    if not wizard.computer_name.text():
        person.fill(wizard, "Name of this computer", "ICT-OFFICE-01")
    person.press_button(wizard, "Next")
    for who, name, secret in (("First", "Alice Hughes", PASS_A), ("Second", "Bartosz Nowak", PASS_B)):
        person.fill(wizard, f"{who} investigator: name", name)
        person.fill(wizard, f"{who} investigator: position", "Senior leader")
        person.fill(wizard, f"{who} investigator: passphrase", secret)
        person.fill(wizard, f"{who} investigator: passphrase again", secret)
    return wizard


def test_the_fingerprint_is_shown_where_the_pair_confirm(qtbot, qapp: QApplication, controller, store) -> None:
    key = store.create_school_key("Head's own pass 2026!", kdf=CHEAP)
    person = Person(qtbot, qapp)
    wizard = to_the_pair(person, controller)
    assert person.sees_text(wizard, f"School key fingerprint: {key.public.fingerprint}\nCheck it against the page "
                                    "in the school safe. If it differs, stop and tell the coordinator.")
    wizard.grab().save("/tmp/i15b-wizard.png", "PNG") if __import__("os").environ.get("WIZARD_SHOT") else None
    with qtbot.waitSignal(wizard.created, timeout=20_000) as made:
        person.press_button(wizard, "Start the case")
    case = made.args[0]
    created = next(e for e in case.events() if e.kind == "created")
    assert created.data["school_key"] == key.public.fingerprint


def test_a_school_key_swapped_after_it_was_shown_makes_nothing(qtbot, qapp, controller, store, tmp_path) -> None:
    store.create_school_key("Head's own pass 2026!", kdf=CHEAP)
    insider_home = make_store(tmp_path / "insider")
    insider = insider_home.create_school_key("Insider's 0wn pass phrase!", kdf=CHEAP)
    person = Person(qtbot, qapp)
    wizard = to_the_pair(person, controller)
    (store.root / school_key.FILE_NAME).write_bytes((insider_home.root / school_key.FILE_NAME).read_bytes())
    person.press_button(wizard, "Start the case")
    qtbot.waitUntil(lambda: not wizard.busy and "changed while the case was being made" in wizard.message.text(),
                    timeout=20_000)
    assert person.sees_text(wizard, f"its fingerprint is now {insider.public.fingerprint}")
    assert store.list() == []


def test_no_school_key_is_said_plainly(qtbot, qapp, controller, store) -> None:
    person = Person(qtbot, qapp)
    wizard = to_the_pair(person, controller)
    assert person.sees_text(wizard, "School key: none is set up on this computer,\nso this case will open only "
                                    "with both of your passphrases.")
