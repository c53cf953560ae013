"""The wizard's live passphrase feedback: zxcvbn's estimate and the near-copy rule, as a person types."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from tests.helpers.cases import PASS_A
from tests.helpers.person import Person

pytestmark = pytest.mark.usefixtures("clean_qt")


def _to_the_people_page(person: Person) -> QWidget:
    start = person.window("Evidence App")
    person.press_button(start, "New case")
    wizard = person.window("New case")
    person.fill(wizard, "Reason for investigation", "A pupil was seen on a Hillcrest gambling site")
    person.fill(wizard, "Group", "Year 9")
    person.press_button(wizard, "Next")
    person.fill(wizard, "Location of this computer", "ICT office")
    person.press_button(wizard, "Next")
    person.fill(wizard, "First investigator: name", "Alice Hughes")
    person.fill(wizard, "First investigator: position", "Headteacher")
    person.fill(wizard, "Second investigator: name", "Dewi Price")
    person.fill(wizard, "Second investigator: position", "Deputy head")
    return wizard


def _clear_and_type(person: Person, wizard: QWidget, field: str, text: str) -> None:
    box = person.find(wizard, field)
    person.click(box)
    box.clear()
    person.type(text)


def test_zxcvbn_speaks_as_the_person_types_and_password1_cannot_start_a_case(qtbot, qapp: QApplication,
                                                                            controller, store) -> None:
    person = Person(qtbot, qapp)
    wizard = _to_the_people_page(person)
    feedback = person.find(wizard, "First investigator: passphrase rules")
    person.fill(wizard, "First investigator: passphrase", "Password1!")
    text = feedback.text()
    assert "✗ Too easy to guess" in text and "similar to a commonly used password" in text, text
    assert "→ Add another word or two" in text, "zxcvbn's suggestion is shown"
    assert "✗ It needs" not in text, "the school's own rules are met: only the estimate refuses it"
    if os.environ.get("JOURNEY_SHOTS"):
        wizard.grab().save(str(Path(os.environ["JOURNEY_SHOTS"]) / "wizard-password1.png"), "PNG")
    person.fill(wizard, "First investigator: passphrase again", "Password1!")
    person.press_button(wizard, "Start the case")
    message = person.find(wizard, "Problem with what was typed")
    assert "Alice Hughes (first investigator)" in message.text() and "too easy to guess" in message.text()
    assert store.list() == []

    # The case's own words are easy guesses: the school's town, from the reason.
    _clear_and_type(person, wizard, "First investigator: passphrase", "Hillcrest2026!")
    assert "✗ Too easy to guess" in feedback.text(), feedback.text()

    _clear_and_type(person, wizard, "First investigator: passphrase", PASS_A)
    assert "✓ Hard to guess (strength 4 of 4)" in feedback.text(), feedback.text()


def test_a_near_copy_of_the_other_passphrase_is_shown_live_on_both(qtbot, qapp: QApplication, controller, store,
                                                                  tmp_path: Path) -> None:
    person = Person(qtbot, qapp)
    wizard = _to_the_people_page(person)
    for who, secret in (("First", "Amber-kettle 1984 pony"), ("Second", "amber-kettle 1985 Pony")):
        person.fill(wizard, f"{who} investigator: passphrase", secret)
        person.fill(wizard, f"{who} investigator: passphrase again", secret)
    first = person.find(wizard, "First investigator: passphrase rules")
    second = person.find(wizard, "Second investigator: passphrase rules")
    for feedback in (first, second):
        assert "✗ Too close to the other investigator's passphrase" in feedback.text(), feedback.text()
        assert "✓ Hard to guess" in feedback.text(), "each is strong alone: the pair is what fails"
    shots = os.environ.get("JOURNEY_SHOTS")
    if shots:
        wizard.grab().save(str(Path(shots) / "wizard-near-copy.png"), "PNG")
    person.press_button(wizard, "Start the case")
    message = person.find(wizard, "Problem with what was typed")
    assert "not a variation of the other's" in message.text(), message.text()
    assert store.list() == []
    _clear_and_type(person, wizard, "Second investigator: passphrase", "Walrus saffron 7 lanterns?")
    assert "Too close" not in first.text() and "Too close" not in second.text()
