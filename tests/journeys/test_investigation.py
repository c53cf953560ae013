"""Journey 1: the whole procedure, as the pair do it, with the mouse, on a real website.

First run, a new case, then the Python documentation (Debian's python3-doc, on
127.0.0.1): an address typed without ``http://``, links, a link with ``#`` to
another page, Back, the site's own search; the four kinds of capture with notes
and concerns; a capture described afterwards; the timeline; the idle lock and
unlock (the pages come back); the conclusion; the form previewed, printed to a
PDF file and saved as a signed copy (pyHanko validates both); the export for the
police; and the bundle verified INTACT from the start screen.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QListWidget, QRadioButton

from evidence_app import Kind, Status
from evidence_app.form.signature import check_form
from evidence_app.policy.sanctions import load_sanctions
from tests.helpers.person import Person
from tests.helpers.web import click_in_page, js, wait_for_page, web_view
from tests.journeys.steps import case_of, events, shot, start_a_case, unlock, visited

SEARCH_WORD = "dictionary"


def browse_the_site(person: Person, window, site) -> None:  # type: ignore[no-untyped-def]
    """Typed address (no scheme), two links (one with # to another page), Back, the site's search."""
    person.fill(window, "Address", f"{site.host}/index.html")
    person.key(Qt.Key.Key_Return)
    view = wait_for_page(person, window, f"{site.base}/index.html", 30_000)  # https failed: http, as browsers do
    click_in_page(person, view, 'a[href="tutorial/index.html"]')
    view = wait_for_page(person, window, f"{site.base}/tutorial/index.html")
    click_in_page(person, view, 'a[href="../library/index.html#library-index"]')
    wait_for_page(person, window, f"{site.base}/library/index.html#library-index")
    person.press_button(window, "Back")
    view = wait_for_page(person, window, f"{site.base}/tutorial/index.html")
    click_in_page(person, view, 'input[name="q"]')
    person.pause(100)
    QTest.keyClicks(view.focusProxy(), SEARCH_WORD)
    QTest.keyClick(view.focusProxy(), Qt.Key.Key_Return)
    person.wait_for(lambda: f"search.html?q={SEARCH_WORD}" in web_view(window).page().url().toString())
    view = web_view(window)
    person.wait_for(lambda: js(person, view, "document.querySelectorAll('#search-results li').length") > 0,
                    30_000)
    person.wait_for(lambda: any(f"search.html?q={SEARCH_WORD}" in url for url in visited(window)))


def capture(person: Person, window, kind: str, note: str, concern: str) -> None:  # type: ignore[no-untyped-def]
    before = len(case_of(window).captures())
    person.fill(window, "Note for the next capture", note)
    person.choose(person.find(window, "Concern for the next capture", QComboBox), concern)
    person.press_button(window, kind)
    if kind == "Region…":
        overlay = person.find(window, "Region to capture")
        QTest.mousePress(overlay, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(40, 40))
        QTest.mouseMove(overlay, QPoint(200, 160))
        QTest.mouseRelease(overlay, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(320, 240))
    person.wait_for(lambda: len(case_of(window).captures()) == before + 1, 60_000)


def describe_afterwards(person: Person, window) -> None:  # type: ignore[no-untyped-def]
    shots = person.find(window, "Screenshots taken", QListWidget)
    person.double_click_item(shots, 1)
    dialog = person.window("Describe screenshot C0002")
    person.type(" It shows the tutorial's contents, whole.")  # the keyboard starts in the note
    person.press_button(dialog, "Save")
    person.gone("Describe screenshot")


def conclude(person: Person, window) -> None:  # type: ignore[no-untyped-def]
    person.press_button(window, "Conclude…")
    dialog = person.window("Conclude the review")
    person.click(person.find(dialog, "Yes", QRadioButton))
    person.click(person.find(dialog, "A pupil", QRadioButton))
    person.choose(person.find(dialog, "Incident, from the policy's table", QComboBox),
                  "Unauthorised use of non-educational sites during lessons")
    person.click(person.find(dialog, "Refer to a member of SLT", QCheckBox))
    person.fill(dialog, "Action proposed or taken, in your words", "Parents invited to a meeting on Thursday.")
    person.fill(dialog, "Conclusion, in your words", "The pupil browsed documentation, not a banned site.")
    shot(person, dialog, "journey-conclude.png")
    person.press_button(dialog, "Conclude the case")
    person.gone("Conclude the review")
    slt = next(a.id for a in load_sanctions().for_subject("pupil").actions if a.label == "Refer to a member of SLT")
    assert slt in str(events(window, Kind.CONCLUDED)[-1].data)


def print_and_save_the_form(person: Person, window, folder: Path) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    person.press_button(window, "Print or save the form…")
    form = person.window("Incident form")
    person.wait_for(lambda: form.preview.print_button.isEnabled(), 60_000)
    shot(person, form, "journey-form.png")
    person.press_button(form, "Print…")
    printing = person.window("Print the form")
    printed = folder / "printed-form.pdf"
    output = person.field_labelled(printing, "Output file")
    person.click(output)
    QTest.keyClick(output, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    person.type(str(printed))
    person.press_button(printing, "Print")
    warning = person.window("outside the case")
    person.press_button(warning, "Print to the file")
    person.gone("outside the case")
    person.wait_for(printed.exists, 30_000)
    person.press_button(form, "Save a copy…")
    warning = person.window("outside the case")
    person.press_button(warning, "Save a copy…")
    person.gone("outside the case")
    chooser = person.window("Save a copy of the form")
    saved = folder / "saved-form.pdf"
    name = person.field_labelled(chooser, "File name")
    person.click(name)
    QTest.keyClick(name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    person.type(str(saved))
    person.key(Qt.Key.Key_Return)
    person.wait_for(saved.exists, 30_000)
    person.press_button(form, "Close")
    person.gone("Incident form")
    return printed, saved


def export_and_verify(person: Person, app, window, folder: Path) -> None:  # type: ignore[no-untyped-def]
    person.press_button(window, "Export for the police…")
    dialog = person.window("for the police")
    person.fill(dialog, "Officer's name", "DC Priya Shah")
    person.fill(dialog, "Force", "Northshire Police")
    person.fill(dialog, "Reference number", "NP/2026/0412")
    person.fill(dialog, "Export folder", str(folder))
    person.press_button(dialog, "Export the case")
    passphrase_box = person.find(dialog, "The passphrase for the officer, again", timeout=120_000)
    passphrase = passphrase_box.text()
    assert passphrase
    person.press_button(dialog, "Done")
    person.menu(window, "Case", "Close the case…")
    question = person.window("Close the case")
    person.press_button(question, "Close the case")
    start = person.window("Evidence App")
    person.press_button(start, "Verify a bundle…")
    check = person.window("Verify")
    bundle = next(p for p in folder.iterdir() if p.is_dir())
    person.fill(check, "Bundle folder", str(bundle))
    person.fill(check, "The bundle's passphrase", passphrase)
    person.press_button(check, "Check the bundle")
    verdict = person.find(check, "Verdict")
    person.wait_for(lambda: "INTACT" in verdict.text(), 120_000)
    assert "NOT INTACT" not in verdict.text()
    shot(person, check, "journey-verify.png")


def test_the_whole_procedure_with_the_mouse(app, person: Person, docs_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = start_a_case(person)
    case = case_of(window)

    browse_the_site(person, window, docs_site)
    urls = visited(window)
    assert urls[0] == f"https://{docs_site.host}/index.html" and urls[1] == f"{docs_site.base}/index.html"
    assert f"{docs_site.base}/library/index.html#library-index" in urls
    unreachable = [e.data["url"] for e in events(window, Kind.REFUSED) if e.data["what"] == "unreachable"]
    assert unreachable == [f"https://{docs_site.host}/index.html"]

    capture(person, window, "Visible area", "Search results for 'dictionary' on the site.",
            "Unacceptable: Unfair usage")
    person.press_button(window, "Back")
    wait_for_page(person, window, f"{docs_site.base}/tutorial/index.html")
    capture(person, window, "Whole page", "The tutorial's contents.", "Unacceptable: Unfair usage")
    capture(person, window, "Screen", "The whole screen while reviewing.", "Concern: not chosen yet")
    capture(person, window, "Region…", "The heading of the tutorial.", "Unacceptable: Unfair usage")
    kinds = [c.kind for c in case.captures()]
    assert kinds == ["viewport", "page", "screen", "region"]
    shot(person, window, "journey-case-window.png")
    describe_afterwards(person, window)
    assert "It shows the tutorial's contents, whole." in events(window, Kind.ANNOTATED)[-1].data["note"]

    person.menu(window, "Case", "Timeline and journal check")
    timeline = person.window("Timeline of case")
    shot(person, timeline, "journey-timeline.png")
    person.press_button(timeline, "Close the timeline")

    open_before = web_view(window).page().url().toString()
    app.idle.set_interval_ms(1500)  # the school's idle time, shortened for the test
    person.find(window, "Unlock the case", timeout=30_000)
    assert case.locked
    app.idle.set_interval_ms(3_600_000)
    unlock(person, window)
    wait_for_page(person, window, open_before)  # the pages that were open came back
    assert "Unlocked" in window.statusBar().currentMessage()

    conclude(person, window)
    assert case.status is Status.CONCLUDED
    assert window.panel.checklist.done()["conclusion"]

    printed, saved = print_and_save_the_form(person, window, tmp_path)
    certificate = case.signing_key.certificate_der
    for pdf in (printed, saved):
        assert check_form(pdf.read_bytes(), certificate).ok, pdf
    text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True, check=True).stdout
    assert "draft record" not in text and "Parents invited to a meeting on Thursday." in text
    assert "ICT-OFFICE-01, ICT office, main building" in text

    exports = tmp_path / "exports"
    exports.mkdir()
    export_and_verify(person, app, window, exports)
