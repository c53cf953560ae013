"""Journey 2: the stop, as the pair reach it: the red control, and the concern chosen for an earlier capture.

Both ask once, with nothing typed able to answer; going back shows the page
again and keeps the case open; confirming (a click) tears the browser down,
seals the case, withholds the capture and shows the referral screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListWidget

from evidence_app import Status
from evidence_app.policy.referral import load_referral
from tests.helpers.person import Person
from tests.helpers.web import wait_for_page
from tests.journeys.steps import case_of, start_a_case

CSAM_ITEM = "Illegal: Child sexual abuse images"
STOP_TITLE = "Stop: suspected child abuse imagery"


def open_a_page_and_capture(person: Person, window, site) -> None:  # type: ignore[no-untyped-def]
    person.fill(window, "Address", f"{site.base}/tutorial/index.html")
    person.key(Qt.Key.Key_Return)
    wait_for_page(person, window, f"{site.base}/tutorial/index.html")
    person.fill(window, "Note for the next capture", "The page the pupil had open.")
    person.press_button(window, "Visible area")
    person.wait_for(lambda: len(case_of(window).captures()) == 1, 30_000)


def test_the_red_control_asks_once_and_going_back_keeps_the_case(app, person: Person, docs_site) -> None:  # type: ignore[no-untyped-def]
    window = start_a_case(person)
    case = case_of(window)
    open_a_page_and_capture(person, window, docs_site)

    person.press_button(window, STOP_TITLE)
    confirm = person.window(STOP_TITLE)
    assert person.sees(window, "Page hidden")  # hidden at once, before anything is confirmed
    person.type("It shows a child")  # words typed go into the description, not onto a button
    person.key(Qt.Key.Key_Space)
    person.key(Qt.Key.Key_Return)
    assert confirm.isVisible() and case.status is Status.OPEN
    person.press_button(confirm, "Go back")
    person.gone(STOP_TITLE)
    assert case.status is Status.OPEN
    person.find(window, "Address")  # the browser is back

    person.press_button(window, STOP_TITLE)
    confirm = person.window(STOP_TITLE)
    person.type("Indecent image of a child on the page.")
    person.press_button(confirm, "Stop and seal the case")
    person.wait_for(lambda: case.status is Status.SEALED)
    person.wait_for(lambda: person.sees_text(window, load_referral().title))
    assert not person.all_named(window, "Address")  # the browser is gone
    flagged = [e for e in case.events() if e.kind == "flagged"]
    assert flagged and "Indecent image of a child on the page." in flagged[-1].data["note"]
    assert all(c.quarantined for c in case.captures())


def test_choosing_the_concern_for_an_earlier_capture_asks_first(app, person: Person, docs_site) -> None:  # type: ignore[no-untyped-def]
    window = start_a_case(person)
    case = case_of(window)
    open_a_page_and_capture(person, window, docs_site)

    shots = person.find(window, "Screenshots taken", QListWidget)
    person.double_click_item(shots, 0)
    describe = person.window("Describe screenshot C0001")
    person.choose(person.find(describe, "Concern", QComboBox), CSAM_ITEM)
    confirm = person.window(STOP_TITLE)
    assert case.status is Status.OPEN  # asked, not done
    person.press_button(confirm, "Stop and seal the case")
    person.wait_for(lambda: case.status is Status.SEALED)
    person.wait_for(lambda: person.sees_text(window, load_referral().title))
    assert [c.quarantined for c in case.captures()] == [True]


def test_choosing_the_concern_for_the_next_capture_asks_first_and_going_back_unchooses_it(  # type: ignore[no-untyped-def]
        app, person: Person, docs_site) -> None:
    window = start_a_case(person)
    case = case_of(window)
    open_a_page_and_capture(person, window, docs_site)
    concern = person.find(window, "Concern for the next capture", QComboBox)
    person.choose(concern, CSAM_ITEM)
    confirm = person.window(STOP_TITLE)
    assert person.sees(window, "Page hidden") and case.status is Status.OPEN
    person.press_button(confirm, "Go back")
    person.gone(STOP_TITLE)
    person.wait_for(lambda: concern.currentText() == "Concern: not chosen yet")
    assert case.status is Status.OPEN and len(case.captures()) == 1
    person.press_button(window, "Visible area")  # browsing and capturing go on
    person.wait_for(lambda: len(case.captures()) == 2, 30_000)
