"""Steps the journeys share, each done the way a person does it (see :mod:`tests.helpers.person`)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QWidget

from evidence_app import Case, Kind
from tests.helpers.cases import PASS_A, PASS_B
from tests.helpers.person import Person

REASON = ("A teacher saw a pupil in 9B on a website during an ICT lesson; the pupil said it was "
          "the Python documentation. Reported by Mr Evans on Monday.")


def start_a_case(person: Person) -> QMainWindow:
    """First run: the start screen, "New case", the three pages of the wizard; returns the case window."""
    start = person.window("Evidence App")
    person.press_button(start, "New case")
    wizard = person.window("New case")
    person.fill(wizard, "Reason for investigation", REASON)
    person.fill(wizard, "Group", "Year 9")
    person.fill(wizard, "Who or what is under review", "A pupil in 9B")
    person.press_button(wizard, "Next")
    name = person.find(wizard, "Name of this computer")  # filled in already with this computer's name
    person.click(name)
    person.key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    person.type("ICT-OFFICE-01")
    person.fill(wizard, "Location of this computer", "ICT office, main building")
    person.press_button(wizard, "Next")
    person.fill(wizard, "First investigator: name", "Alice Hughes")
    person.fill(wizard, "First investigator: position", "Headteacher")
    person.fill(wizard, "First investigator: passphrase", PASS_A)
    person.fill(wizard, "First investigator: passphrase again", PASS_A)
    person.fill(wizard, "Second investigator: name", "Bartosz Nowak")
    person.fill(wizard, "Second investigator: position", "Designated safeguarding lead")
    person.fill(wizard, "Second investigator: passphrase", PASS_B)
    person.fill(wizard, "Second investigator: passphrase again", PASS_B)
    person.press_button(wizard, "Start the case")
    window = person.window("Case EV-", timeout=60_000)
    assert isinstance(window, QMainWindow)
    person.find(window, "Address")  # the browser is up
    return window


def case_of(window: QWidget) -> Case:
    """The case the window shows (read to check outcomes, never to make progress)."""
    return window.case  # type: ignore[attr-defined, no-any-return]


def events(window: QWidget, kind: str) -> list:
    return [e for e in case_of(window).events() if e.kind == kind]


def visited(window: QWidget) -> list[str]:
    return [e.data["url"] for e in events(window, Kind.VISIT)]


def unlock(person: Person, window: QWidget) -> None:
    """Both investigators type their passphrases into the locked window and press Unlock."""
    person.fill(window, "First investigator's passphrase", PASS_A)
    person.fill(window, "Second investigator's passphrase", PASS_B)
    person.press_button(window, "Unlock")
    person.wait_for(lambda: not case_of(window).locked, 30_000)


def press_enter(person: Person) -> None:
    person.key(Qt.Key.Key_Return)


def shot(person: Person, window: QWidget, name: str) -> None:
    """With JOURNEY_SHOTS=DIR, keep a picture of ``window`` as the person sees it now (for docs/)."""
    folder = os.environ.get("JOURNEY_SHOTS")
    if folder:
        person.pause(500)
        Path(folder).mkdir(parents=True, exist_ok=True)
        window.grab().save(str(Path(folder) / name), "PNG")
