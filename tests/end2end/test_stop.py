"""The stop, end to end: the real browser in a real case window, against the local test server.

A blocklisted address (plain, hashed, host, and through a redirect or a frame)
is never requested, and the case is sealed; the red control halts a page that
is still loading; after the stop nothing can be captured or added; a capture
taken before it is withheld, shown as withheld and absent from the form; and
the seal survives closing the window and opening the case again.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from evidence_app import Blocklist, CaseSealed, Kind, Quarantined, Status, render_form
from evidence_app.policy.blocklist import url_hash
from evidence_app.school.settings import Settings
from tests.helpers.browser import events, load, wait_for, web  # noqa: F401
from tests.helpers.cases import PASSPHRASES
from tests.helpers.images import make_png
from ui.case_window.stop import StopRequest
from ui.case_window.window import CaseWindow

WAIT_MS = 15_000
CONTACTS = Settings(school_name="Hillside Academy", safeguarding_lead_contact="Ms Rahman, 01632 960 123",
                    local_authority_contact="LADO duty line 01632 960 999")


@contextmanager
def window_for(case: Any, qtbot: Any, blocklist: Blocklist | None = None, *,
               built: list[Any] | None = None) -> Iterator[CaseWindow]:
    from ui.browser import RecordedBrowser

    def factory(opened: Any) -> Any:
        opened.use_blocklist(blocklist)  # as the application does (ui/app.py): the core's backstop too
        browser = RecordedBrowser(opened, blocklist=blocklist)
        if built is not None:
            built.append(browser)
        return browser

    window = CaseWindow(case, browser_factory=factory, settings=lambda: CONTACTS)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    try:
        yield window
    finally:
        window.close()
        window.deleteLater()
        qtbot.wait(20)


def flagged(case: Any) -> list[str]:
    return [e.data["url"] for e in events(case, Kind.FLAGGED)]


def assert_sealed_and_referred(window: CaseWindow, store: Any, case: Any, url: str) -> None:
    assert case.status is Status.SEALED
    assert {s.id: s.status for s in store.list()}[case.id] == Status.SEALED
    assert flagged(case) == [url]
    assert window.browser_widget is None
    assert window.referral is not None and window.referral.isVisible()
    assert case.id in window.referral.all_text() and "999" in window.referral.all_text()
    assert window.panel.light.text().startswith("■ SEALED")


def open_blocked(qtbot: Any, window: CaseWindow, url: str) -> None:
    with qtbot.waitSignal(window.sealed, timeout=WAIT_MS):
        window.browser_widget.load(url)  # type: ignore[union-attr]


# ---------------------------------------------------------------------- the blocklist


def test_a_listed_url_is_never_requested_and_seals_the_case(case, store, web, qtbot) -> None:
    listed = web.url("/listed/plain")
    with window_for(case, qtbot, Blocklist.from_text(f"# the school's list\n{listed}\n")) as window:
        load(qtbot, window.browser_widget, web.url("/plain"))  # an ordinary page is fine
        open_blocked(qtbot, window, web.url("/LISTED/plain/#top").replace("LISTED", "listed"))
        qtbot.wait(200)
        assert web.count("/listed/") == 0
        assert_sealed_and_referred(window, store, case, web.url("/listed/plain/#top"))
        note = events(case, Kind.FLAGGED)[0].data["note"]
        assert "blocklist (line 2, url entry)" in note


def test_a_hashed_entry_stops_a_listed_frame_before_it_is_requested(case, store, web, qtbot) -> None:
    framed = web.url("/listed/framed")
    with window_for(case, qtbot, Blocklist.from_text(url_hash(framed) + "\n")) as window:
        with qtbot.waitSignal(window.sealed, timeout=WAIT_MS):
            window.browser_widget.load(web.url("/frame-host"))  # type: ignore[union-attr]
        qtbot.wait(200)
        assert web.count("/frame-host") == 1 and web.count("/listed/") == 0
        assert_sealed_and_referred(window, store, case, framed)
        assert "hash entry" in events(case, Kind.FLAGGED)[0].data["note"]


def test_a_host_entry_stops_an_image_from_that_host(case, store, web, qtbot) -> None:
    # The page comes from "localhost", its picture from "127.0.0.1": the same server, two host names.
    page = web.url("/image-host?host=127.0.0.1").replace("127.0.0.1", "localhost", 1)
    with window_for(case, qtbot, Blocklist.from_text("127.0.0.1\n")) as window:
        with qtbot.waitSignal(window.sealed, timeout=WAIT_MS):
            window.browser_widget.load(page)  # type: ignore[union-attr]
        qtbot.wait(200)
        assert web.count("/image-host") == 1 and web.count("/listed/") == 0
        assert_sealed_and_referred(window, store, case, web.url("/listed/picture.png"))
        assert "(image)" in events(case, Kind.FLAGGED)[0].data["note"]


def test_a_redirect_into_a_listed_url_is_stopped_before_the_target_is_requested(case, store, web, qtbot) -> None:
    with window_for(case, qtbot, Blocklist.from_text(web.url("/listed/redirected"))) as window:
        open_blocked(qtbot, window, web.url("/to-listed"))
        qtbot.wait(200)
        assert web.count("/to-listed") == 1 and web.count("/listed/") == 0
        assert_sealed_and_referred(window, store, case, web.url("/listed/redirected"))


# ---------------------------------------------------------------------- the red control


def confirm_stop(qtbot: Any, window: CaseWindow) -> None:
    dialog = window.stop_confirm
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(window.sealed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)


def test_the_red_control_halts_a_page_that_is_still_loading(case, store, web, qtbot) -> None:
    with window_for(case, qtbot) as window:
        browser = window.browser_widget
        browser.load(web.url("/slow"))  # type: ignore[union-attr]
        wait_for(qtbot, lambda: web.count("/slow") == 1)
        wait_for(qtbot, lambda: browser.current_url() == web.url("/slow"))  # type: ignore[union-attr]
        qtbot.mouseClick(browser.stop_all_button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
        assert browser.cover_label.isVisible() and not browser.tabs.isVisible()  # type: ignore[union-attr]
        # Enter never confirms (a second press of anything cannot seal a case by accident).
        qtbot.keyClick(window.stop_confirm, Qt.Key.Key_Return)
        assert case.status is Status.OPEN and window.stop_confirm is not None
        window.stop_confirm.description.setText("Images of a young child on the second post")
        confirm_stop(qtbot, window)
        seen = len(web.paths)
        qtbot.wait(500)
        assert len(web.paths) == seen  # nothing more was fetched
        assert_sealed_and_referred(window, store, case, web.url("/slow"))
        assert events(case, Kind.FLAGGED)[0].data["note"] == "Images of a young child on the second post"
        assert events(case, Kind.FLAGGED)[0].data["flagged_by"] == ["Alice Hughes", "Bartosz Nowak"]
        assert not window.actions_by_name["stop"].isEnabled()


def test_going_back_from_the_confirmation_shows_the_page_again(case, web, qtbot) -> None:
    with window_for(case, qtbot) as window:
        browser = window.browser_widget
        load(qtbot, browser, web.url("/plain"))
        browser.form.set_concern("csam")  # type: ignore[union-attr]
        dialog = window.stop_confirm
        assert dialog is not None and not browser.tabs.isVisible()  # type: ignore[union-attr]
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.stop_confirm is None)
        assert browser.tabs.isVisible() and browser.form.concern_id() == ""  # type: ignore[union-attr]
        assert case.status is Status.OPEN and flagged(case) == []


def test_the_shortcut_works_from_inside_the_page(case, web, qtbot) -> None:
    with window_for(case, qtbot) as window:
        browser = window.browser_widget
        load(qtbot, browser, web.url("/plain"), paint=True)
        view = browser.current_tab().view  # type: ignore[union-attr]
        view.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                        and (QApplication.focusWidget() is view or view.isAncestorOf(QApplication.focusWidget())))
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_X,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        qtbot.waitUntil(lambda: window.stop_confirm is not None and window.stop_confirm.isVisible())
        assert window.stop_confirm.request.url == web.url("/plain")


def test_choosing_the_concern_stops_with_the_pairs_note(case, store, web, qtbot) -> None:
    with window_for(case, qtbot) as window:
        browser = window.browser_widget
        load(qtbot, browser, web.url("/plain"))
        browser.form.note_edit.setText("Second image in the thread")  # type: ignore[union-attr]
        browser.form.set_concern("csam")  # type: ignore[union-attr]
        assert window.stop_confirm.description.text() == "Second image in the thread"  # type: ignore[union-attr]
        confirm_stop(qtbot, window)
        assert_sealed_and_referred(window, store, case, web.url("/plain"))


# ---------------------------------------------------------------------- after the stop


def test_after_the_stop_every_capture_path_and_the_core_refuse(case, web, qtbot) -> None:
    with window_for(case, qtbot) as window:
        browser = window.browser_widget
        load(qtbot, browser, web.url("/plain"), paint=True)
        browser.halt()  # type: ignore[union-attr]  # the browser's part, as the window does first
        failures: list[str] = []
        browser.capture_failed.connect(failures.append)  # type: ignore[union-attr]
        for name in ("viewport", "page", "screen", "region"):
            assert not browser.capture_buttons[name].isEnabled()  # type: ignore[union-attr]
        for capture in (browser.capture_viewport, browser.capture_page,  # type: ignore[union-attr]
                        browser.capture_screen, browser.capture_region):  # type: ignore[union-attr]
            capture()
        assert len(failures) == 4 and all("stopped" in text for text in failures)
        assert all(not action.isEnabled() for action in browser.actions())  # type: ignore[union-attr]
        assert browser.closed and browser.tab_list() == []  # type: ignore[union-attr]
        window.halt(StopRequest(web.url("/plain"), "button"))
        png = make_png(seed=9)
        for refused in (lambda: case.add_capture(png, kind="viewport", url=web.url("/plain")),
                        lambda: case.add_capture(png, kind="viewport", url="https://other.example/"),
                        lambda: case.record_visit(web.url("/plain")),
                        lambda: case.add_note("after the stop"),
                        lambda: case.add_page_snapshot("<p>x</p>", url=web.url("/plain")),
                        lambda: case.flag_csam(web.url("/plain"))):
            with pytest.raises(CaseSealed):
                refused()
        assert events(case, Kind.CAPTURE) == []


def test_a_capture_taken_before_the_stop_is_withheld_and_left_off_the_form(case, web, qtbot, tmp_path) -> None:
    with window_for(case, qtbot) as window:
        browser = window.browser_widget
        load(qtbot, browser, web.url("/plain"), paint=True)
        with qtbot.waitSignal(browser.captured, timeout=WAIT_MS) as taken:  # type: ignore[union-attr]
            browser.capture_viewport()  # type: ignore[union-attr]
        capture = taken.args[0]
        window.refresh()
        assert window.panel.captures.item(0).text().startswith(capture.id)
        window.request_stop()
        confirm_stop(qtbot, window)
        withheld = case.captures()[0]
        assert withheld.id == capture.id and withheld.quarantined
        with pytest.raises(Quarantined):
            case.read_capture(capture.id)
        tile = window.panel.captures.item(0)
        assert "Withheld" in tile.text() and capture.id not in window.panel.captures._thumbs
        pdf = render_form(case)
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdfimages") is None:
        pytest.skip("poppler-utils (pdfimages) is not installed")
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    assert [line for line in listing.stdout.splitlines()[2:] if line.strip()] == []
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert capture.sha256[:16] in text.replace("\n", "").replace(" ", "")


def test_describing_a_capture_afterwards_and_choosing_the_concern_there_stops(case, store, web, qtbot) -> None:
    with window_for(case, qtbot) as window:
        browser = window.browser_widget
        load(qtbot, browser, web.url("/plain"), paint=True)
        with qtbot.waitSignal(browser.captured, timeout=WAIT_MS) as taken:  # type: ignore[union-attr]
            browser.capture_viewport()  # type: ignore[union-attr]
        capture = taken.args[0]
        window.refresh()
        item = window.panel.captures.item(0)
        window.panel.captures.itemActivated.emit(item)  # a double-click
        dialog = window.annotate_dialog
        assert dialog is not None
        dialog.note.setPlainText("The pupil's second post")
        dialog.concern.setCurrentIndex(dialog.concern.findData("threatening-behaviour"))
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
        assert (case.captures()[0].note, case.captures()[0].concern) == ("The pupil's second post",
                                                                         "threatening-behaviour")
        assert events(case, Kind.ANNOTATED)[-1].data["capture"] == capture.id
        qtbot.waitUntil(lambda: window.annotate_dialog is None)
        window.panel.captures.itemActivated.emit(window.panel.captures.item(0))
        dialog = window.annotate_dialog
        dialog.concern.setCurrentIndex(dialog.concern.findData("csam"))
        assert window.stop_confirm is not None and window.stop_confirm.request.captures == (capture.id,)
        confirm_stop(qtbot, window)
        assert_sealed_and_referred(window, store, case, web.url("/plain"))
        assert case.captures()[0].quarantined


# ---------------------------------------------------------------------- sealed for good


def test_the_seal_survives_closing_and_reopening_the_case(case, store, web, qtbot) -> None:
    with window_for(case, qtbot) as window:
        load(qtbot, window.browser_widget, web.url("/plain"))
        window.request_stop()
        confirm_stop(qtbot, window)
    assert case.locked
    reopened = store.open(case.id, passphrases=PASSPHRASES)
    built: list[Any] = []
    try:
        assert reopened.status is Status.SEALED
        with window_for(reopened, qtbot, built=built) as window:
            assert built == [] and window.browser_widget is None
            assert window.referral is not None and window.referral.isVisible()
            assert not window.actions_by_name["stop"].isEnabled()
            window.lock()
            window.unlock(PASSPHRASES)
            qtbot.waitUntil(lambda: not reopened.locked, timeout=WAIT_MS)
            qtbot.waitUntil(lambda: window.referral.isVisible())  # type: ignore[union-attr]
            assert built == [] and window.browser_widget is None
    finally:
        if not reopened.locked:
            reopened.lock()
    from ui.browser import RecordedBrowser

    again = store.open(case.id, passphrases=PASSPHRASES)
    try:
        with pytest.raises(CaseSealed):
            RecordedBrowser(again)
    finally:
        again.lock()


def test_the_case_window_fits_a_1366_pixel_screen(case, qtbot) -> None:
    with window_for(case, qtbot) as window:
        assert window.browser_widget is not None
        assert window.minimumSizeHint().width() <= 1366
        assert window.browser_widget.minimumSizeHint().width() <= 1366 - window.panel.minimumWidth() - 20
