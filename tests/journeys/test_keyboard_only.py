"""Journey 4: the whole of journey 1 with the keyboard alone.

Shortcuts, Tab and Shift+Tab, Alt with a button's underlined letter, the
arrow keys and Enter; in the web page, Tab from link to link and Enter. The
only thing the test does besides pressing keys is what a window manager does:
give a newly opened window the keyboard.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QWidget

from evidence_app import Kind, Status
from evidence_app.form.signature import check_form
from tests.helpers.cases import PASS_A, PASS_B
from tests.helpers.person import Person
from tests.helpers.web import js, wait_for_page, web_view
from tests.journeys.steps import REASON, case_of, events, visited

CTRL, SHIFT, ALT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.AltModifier)


def in_page(widget: QWidget) -> bool:
    from PySide6.QtWebEngineWidgets import QWebEngineView

    while widget is not None:
        if isinstance(widget, QWebEngineView):
            return True
        widget = widget.parentWidget()
    return False


def type_at(person: Person, words: str, text: str, *, backwards: bool = False) -> None:
    person.tab_to(words, backwards=backwards)
    person.type(text)


def new_case_by_keyboard(person: Person) -> QWidget:
    start = person.window("Evidence App")
    person.shortcut(start, Qt.Key.Key_N, CTRL)
    person.window("New case")
    person.type(REASON)  # the keyboard starts in the reason
    type_at(person, "Group", "Year 9")
    type_at(person, "Who or what is under review", "A pupil in 9B")
    person.key(Qt.Key.Key_Return)  # Next
    # This computer's name is filled in already, so the keyboard starts in its location.
    assert person.focused().accessibleName() == "Location of this computer"
    person.type("ICT office, main building")
    person.key(Qt.Key.Key_Return)
    for who, name, position, secret in (("First investigator", "Alice Hughes", "Headteacher", PASS_A),
                                        ("Second investigator", "Bartosz Nowak", "Designated safeguarding lead",
                                         PASS_B)):
        type_at(person, f"{who}: name", name)
        type_at(person, f"{who}: position", position)
        type_at(person, f"{who}: passphrase", secret)
        type_at(person, f"{who}: passphrase again", secret)
    person.key(Qt.Key.Key_Return)  # Start the case
    window = person.window("Case EV-", timeout=60_000)
    person.wait_for(lambda: person.focused() is not None and "Address" in person.focused().accessibleName())
    return window


def tab_in_page_to(person: Person, window: QWidget, script: str, limit: int = 200) -> None:
    """Tab from link to link in the page until ``script`` (about document.activeElement) is true."""
    focus = person.focused()
    if focus is None or not in_page(focus):
        person.tab_until(in_page)
    view = web_view(window)
    for _ in range(limit):
        if js(person, view, script) is True:
            return
        QTest.keyClick(view.focusProxy(), Qt.Key.Key_Tab)
        person.pause(10)
    raise AssertionError(f"Tab never reached {script}")


def follow_link(person: Person, window: QWidget, href: str) -> None:
    tab_in_page_to(person, window, f"document.activeElement && document.activeElement.getAttribute('href') === {href!r}")
    QTest.keyClick(web_view(window).focusProxy(), Qt.Key.Key_Return)


def capture_by_keys(person: Person, window: QWidget, key: Qt.Key, note: str, concern: str) -> None:
    case = case_of(window)
    before = len(case.captures())
    person.shortcut(window, Qt.Key.Key_L, CTRL)  # the address bar, then on along Tab to the note
    type_at(person, "Note for the next capture", note)
    person.key(Qt.Key.Key_Tab)
    box = person.focused()
    assert isinstance(box, QComboBox) and box.accessibleName() == "Concern for the next capture"
    person.choose_by_keys(box, concern)
    person.key(key, CTRL | SHIFT)
    if key == Qt.Key.Key_4:  # the region: the box in the middle, moved a little, Enter
        person.wait_for(lambda: person.focused() is not None and person.focused().accessibleName() == "Region to capture")
        person.key(Qt.Key.Key_Right)
        person.key(Qt.Key.Key_Down, SHIFT)
        person.key(Qt.Key.Key_Return)
    person.wait_for(lambda: len(case.captures()) == before + 1, 60_000)


def test_the_whole_procedure_with_the_keyboard_alone(app, person: Person, docs_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = new_case_by_keyboard(person)
    case = case_of(window)
    site = docs_site

    # Browse: a typed address without a scheme, links, a link with # to another page, Back, the search.
    person.type(f"{site.host}/index.html")
    person.key(Qt.Key.Key_Return)
    wait_for_page(person, window, f"{site.base}/index.html", 30_000)
    person.tab_until(in_page)
    follow_link(person, window, "tutorial/index.html")
    wait_for_page(person, window, f"{site.base}/tutorial/index.html")
    follow_link(person, window, "../library/index.html#library-index")
    wait_for_page(person, window, f"{site.base}/library/index.html#library-index")
    person.key(Qt.Key.Key_Left, ALT)
    wait_for_page(person, window, f"{site.base}/tutorial/index.html")
    tab_in_page_to(person, window, "document.activeElement && document.activeElement.name === 'q'")
    view = web_view(window)
    person.pause(200)
    QTest.keyClicks(view.focusProxy(), "dictionary")
    person.pause(200)
    QTest.keyClick(view.focusProxy(), Qt.Key.Key_Return)
    person.wait_for(lambda: "search.html?q=dictionary" in web_view(window).page().url().toString())
    person.wait_for(lambda: js(person, web_view(window),
                               "document.querySelectorAll('#search-results li').length") > 0, 30_000)
    assert f"{site.base}/library/index.html#library-index" in visited(window)

    # The four captures, each with its note and concern.
    capture_by_keys(person, window, Qt.Key.Key_1, "Search results on the site.", "Unacceptable: Unfair usage")
    person.key(Qt.Key.Key_Left, ALT)
    wait_for_page(person, window, f"{site.base}/tutorial/index.html")
    capture_by_keys(person, window, Qt.Key.Key_2, "The tutorial's contents.", "Unacceptable: Unfair usage")
    capture_by_keys(person, window, Qt.Key.Key_3, "The whole screen.", "Concern: not chosen yet")
    capture_by_keys(person, window, Qt.Key.Key_4, "The tutorial's heading.", "Unacceptable: Unfair usage")
    assert [c.kind for c in case.captures()] == ["viewport", "page", "screen", "region"]

    # Describe the second capture afterwards: the list, the arrow keys, Enter.
    person.shortcut(window, Qt.Key.Key_L, CTRL)
    person.tab_to("Screenshots taken", backwards=True)  # the side panel is before the toolbar, going back
    person.key(Qt.Key.Key_Home)
    person.key(Qt.Key.Key_Down)
    person.key(Qt.Key.Key_Return)
    person.window("Describe screenshot C0002")
    person.type(" Seen by both of us.")
    person.tab_to("Save")
    person.key(Qt.Key.Key_Space)
    person.gone("Describe screenshot")
    assert events(window, Kind.ANNOTATED)[-1].data["note"].endswith("Seen by both of us.")

    # The timeline, and back.
    person.shortcut(window, Qt.Key.Key_T, CTRL)
    timeline = person.window("Timeline of case")
    person.shortcut(timeline, Qt.Key.Key_F, CTRL)
    assert person.focused().accessibleName() == "Search the timeline"
    person.key(Qt.Key.Key_Escape)
    person.gone("Timeline of case")

    # The idle lock; both passphrases; the pages come back.
    open_before = web_view(window).page().url().toString()
    app.idle.set_interval_ms(1500)
    person.wait_for(lambda: case.locked, 30_000)
    app.idle.set_interval_ms(3_600_000)
    person.bring_forward(window)
    person.wait_for(lambda: person.focused() is not None
                    and person.focused().accessibleName() == "First investigator's passphrase")
    person.type(PASS_A)
    person.key(Qt.Key.Key_Return)
    person.type(PASS_B)
    person.key(Qt.Key.Key_Return)
    person.wait_for(lambda: not case.locked, 30_000)
    wait_for_page(person, window, open_before)

    # Conclude.
    person.shortcut(window, Qt.Key.Key_O, CTRL | SHIFT)
    dialog = person.window("Conclude the review")
    person.tab_to("Yes")
    person.key(Qt.Key.Key_Space)
    person.tab_to("A pupil")
    person.key(Qt.Key.Key_Space)
    person.tab_to("Incident, from the policy's table")
    person.choose_by_keys(person.focused(), "Unauthorised use of non-educational sites during lessons")
    person.tab_to("Refer to a member of SLT")
    person.key(Qt.Key.Key_Space)
    type_at(person, "Action proposed or taken, in your words", "Parents invited to a meeting on Thursday.")
    type_at(person, "Conclusion, in your words", "The pupil browsed documentation, not a banned site.")
    person.shortcut(dialog, Qt.Key.Key_C, ALT)
    person.gone("Conclude the review")
    assert case.status is Status.CONCLUDED

    # The form: preview, print to a PDF file, save a signed copy.
    person.shortcut(window, Qt.Key.Key_P, CTRL)
    form = person.window("Incident form")
    person.wait_for(lambda: form.preview.print_button.isEnabled(), 60_000)  # "Print…" is there to press
    person.shortcut(form, Qt.Key.Key_P, ALT)
    printing = person.window("Print the form")
    output = person.field_labelled(printing, "Output file")
    person.tab_until(lambda w: w is output)
    person.key(Qt.Key.Key_A, CTRL)
    printed = tmp_path / "printed-by-keys.pdf"
    person.type(str(printed))
    person.key(Qt.Key.Key_Return)
    person.window("outside the case")
    person.tab_to("Print to the file")
    person.key(Qt.Key.Key_Space)
    person.wait_for(printed.exists, 30_000)
    person.gone("outside the case")
    person.bring_forward(form)
    person.shortcut(form, Qt.Key.Key_C, ALT)  # Save a copy…
    person.window("outside the case")
    person.tab_to("Save a copy…")
    person.key(Qt.Key.Key_Space)
    chooser = person.window("Save a copy of the form")
    saved = tmp_path / "saved-by-keys.pdf"
    person.tab_until(lambda w: w is person.field_labelled(chooser, "File name"))
    person.key(Qt.Key.Key_A, CTRL)
    person.type(str(saved))
    person.key(Qt.Key.Key_Return)
    person.wait_for(saved.exists, 30_000)
    person.bring_forward(form)
    person.key(Qt.Key.Key_Escape)
    person.gone("Incident form")
    for pdf in (printed, saved):
        assert check_form(pdf.read_bytes(), case.signing_key.certificate_der).ok, pdf

    # The export, then closing the case from its menu, then verifying from the start screen.
    exports = tmp_path / "exports"
    exports.mkdir()
    person.shortcut(window, Qt.Key.Key_E, CTRL)
    export = person.window("for the police")
    type_at(person, "Officer's name", "DC Priya Shah")
    type_at(person, "Force", "Northshire Police")
    type_at(person, "Reference number", "NP/2026/0412")
    type_at(person, "Export folder", str(exports))
    person.shortcut(export, Qt.Key.Key_E, ALT)
    passphrase = person.find(export, "The passphrase for the officer, again", timeout=120_000).text()
    person.shortcut(export, Qt.Key.Key_D, ALT)
    person.gone("for the police")
    person.shortcut(window, Qt.Key.Key_C, ALT)  # the Case menu
    menu = window.case_menu
    person.wait_for(menu.isVisible)
    for _ in range(len(menu.actions())):
        if menu.activeAction() is not None and menu.activeAction().text() == "&Close the case…":
            break
        QTest.keyClick(menu, Qt.Key.Key_Down)
    QTest.keyClick(menu, Qt.Key.Key_Return)
    person.window("Close the case")
    person.tab_to("Close the case")
    person.key(Qt.Key.Key_Space)
    start = person.window("Evidence App")
    person.shortcut(start, Qt.Key.Key_V, CTRL | SHIFT)
    check = person.window("Verify a bundle")
    bundle = next(p for p in exports.iterdir() if p.is_dir())
    type_at(person, "Bundle folder", str(bundle))
    type_at(person, "The bundle's passphrase", passphrase)
    person.key(Qt.Key.Key_Return)
    verdict = person.find(check, "Verdict")
    person.wait_for(lambda: "INTACT" in verdict.text(), 120_000)
    assert "NOT INTACT" not in verdict.text()
