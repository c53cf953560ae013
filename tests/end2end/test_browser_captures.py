"""The four kinds of capture: stored bytes hash to the shown hash; the whole page really is whole."""

from __future__ import annotations

import hashlib
import os

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

from evidence_app import Kind
from tests.helpers.browser import browser, events, load, run_js, wait_for, web  # noqa: F401
from tests.helpers.webserver import BOTTOM_RGB


def take(qtbot, browser, action, timeout: int = 30_000):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(browser.captured, timeout=timeout) as blocker:
        action()
    return blocker.args[0]


def stored_image(case, capture) -> QImage:  # type: ignore[no-untyped-def]
    data = case.read_capture(capture.id)
    assert hashlib.sha256(data).hexdigest() == capture.sha256
    image = QImage.fromData(data, "PNG")
    assert not image.isNull()
    return image


def stitch_only(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Make the one-pass route fail, so that "Whole page" scrolls and stitches (its fallback)."""
    from ui.browser.keep import OnePassGrabber

    monkeypatch.setattr(OnePassGrabber, "start", lambda self: self._fail("made to fail by the test"))


def test_visible_area_capture_is_stored_with_its_hash_note_and_concern(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/plain"), paint=True)
    browser.form.note_edit.setText("The pupil's post")
    browser.form.set_concern("threatening-behaviour")
    capture = take(qtbot, browser, browser.capture_buttons["viewport"].click)
    image = stored_image(case, capture)
    view = browser.current_tab().view
    assert (image.width(), image.height()) == (view.width(), view.height())
    assert (capture.kind, capture.url, capture.note, capture.concern) == (
        "viewport", web.url("/plain"), "The pupil's post", "threatening-behaviour")
    assert capture.sha256[:16] in browser.status.text()
    assert browser.form.note() == ""  # ready for the next capture
    journaled = events(case, Kind.CAPTURE)[-1].data
    assert journaled["sha256"] == capture.sha256 and journaled["captured_at"] == capture.captured_at
    assert browser.last_timing is not None and browser.last_timing.kind == "viewport"


def test_whole_page_capture_is_taller_than_the_view_and_reaches_the_bottom(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/long?h=5000"), paint=True)
    page = browser.current_tab().page
    run_js(qtbot, page, "window.scrollTo(0, 1234); 1")
    capture = take(qtbot, browser, browser.capture_buttons["page"].click)
    image = stored_image(case, capture)
    view = browser.current_tab().view
    assert capture.kind == "page"
    assert image.height() == 300 + 5000 + 400 > 2 * view.height()
    bottom = image.pixelColor(image.width() // 3, image.height() - 20)
    assert (bottom.red(), bottom.green(), bottom.blue()) == BOTTOM_RGB
    top = image.pixelColor(image.width() // 3, 5)
    assert (top.red(), top.green(), top.blue()) == (255, 255, 255)
    qtbot.waitUntil(lambda: abs(page.scrollPosition().y() - 1234) < 1, timeout=5000)  # put back where it was


def test_whole_page_is_stitched_row_by_row_without_gaps_or_repeats(browser, case, web, qtbot) -> None:
    """Bands 100 px tall, each its own colour: every row of the stitched image must be its band's colour."""
    load(qtbot, browser, web.url("/bands?n=37"), paint=True)
    capture = take(qtbot, browser, browser.capture_page)
    image = stored_image(case, capture)
    assert image.height() == 3700
    x = image.width() // 2
    wrong = []
    for y in range(0, image.height()):
        if y % 100 in (0, 99):
            continue  # anti-aliasing at a band's edge
        band = y // 100
        colour = image.pixelColor(x, y)
        if (colour.red(), colour.green(), colour.blue()) != ((band * 37) % 256, (band * 91) % 256, band % 256):
            wrong.append(y)
    assert wrong == []


def test_region_capture_takes_the_dragged_rectangle(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/long?h=100"), paint=True)
    browser.capture_buttons["region"].click()
    overlay = browser.current_tab().overlay
    assert overlay.active
    qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(20, 30))
    qtbot.mouseMove(overlay, QPoint(100, 100))
    with qtbot.waitSignal(browser.captured, timeout=10_000) as blocker:
        qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=QPoint(220, 130))
    image = stored_image(case, blocker.args[0])
    assert (image.width(), image.height()) == (201, 101)
    assert blocker.args[0].kind == "region"
    white = image.pixelColor(5, 5)
    assert white.name() == "#ffffff"  # the overlay's shade is not in the capture


def test_escape_cancels_a_region_capture(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/plain"))
    browser.capture_region()
    with qtbot.assertNotEmitted(browser.captured, wait=300):
        qtbot.keyClick(browser.current_tab().overlay, Qt.Key.Key_Escape)
    assert events(case, Kind.CAPTURE) == []


def test_screen_capture_without_a_display_says_so_plainly(browser, case, web, qtbot, monkeypatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with qtbot.waitSignal(browser.capture_failed, timeout=5000) as blocker:
        browser.capture_buttons["screen"].click()
    assert "no screen to capture" in blocker.args[0]
    assert "no screen to capture" in browser.status.text()
    assert events(case, Kind.CAPTURE) == []


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display (run under Xvfb)")
def test_screen_capture_with_a_display(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/plain"))
    capture = take(qtbot, browser, browser.capture_screen)
    image = stored_image(case, capture)
    assert capture.kind == "screen" and image.width() > 0


def test_no_capture_while_the_csam_concern_is_chosen(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/plain"))
    with qtbot.waitSignal(browser.stop_requested, timeout=2000) as blocker:
        browser.form.set_concern("csam")
    assert blocker.args == [web.url("/plain")]
    for kind in ("viewport", "page", "screen", "region"):
        with qtbot.waitSignal(browser.capture_failed, timeout=2000) as failed:
            browser.capture_buttons[kind].click()
        assert "No capture is ever taken" in failed.args[0]
    assert not browser.current_tab().overlay.active
    browser.flush()
    assert events(case, Kind.CAPTURE) == []


def test_captures_are_only_taken_when_asked(browser, case, web, qtbot) -> None:
    for path in ("/plain", "/long?h=3000", "/redirect/1", "/pushstate"):
        load(qtbot, browser, web.url(path))
    qtbot.wait(300)
    browser.flush()
    assert events(case, Kind.CAPTURE) == []
    assert len(events(case, Kind.SNAPSHOT)) >= 4  # text snapshots, never images


def test_a_screen_still_showing_the_previous_frame_is_grabbed_again(browser, case, web, qtbot, monkeypatch) -> None:
    """The race a loaded machine hit: a render with the previous screen's pixels arriving after the new
    scroll position was reported. Every first grab after a scroll here returns that stale frame.
    (The scroll-and-stitch is the fallback now: the one-pass route is made to fail first.)"""
    import ui.browser.grab as grab

    stitch_only(monkeypatch)

    load(qtbot, browser, web.url("/bands?n=37"), paint=True)
    page = browser.current_tab().page
    real = grab.grab_viewport
    state: dict[str, object] = {"image": None, "y": None}

    def stale_once(view, rect=None):  # type: ignore[no-untyped-def]
        y = page.scrollPosition().y()
        if state["image"] is not None and y != state["y"]:
            state["y"] = y  # served stale once for this position
            return state["image"]
        image = real(view, rect)
        state["image"], state["y"] = image, y
        return image

    monkeypatch.setattr(grab, "grab_viewport", stale_once)
    grabbers: list[object] = []
    monkeypatch.setattr(grab.FullPageGrabber, "start",
                        lambda self, _start=grab.FullPageGrabber.start: (grabbers.append(self), _start(self))[1])
    capture = take(qtbot, browser, browser.capture_page)
    image = stored_image(case, capture)
    x = image.width() // 2
    wrong = [y for y in range(image.height()) if y % 100 not in (0, 99)
             and (lambda c, band: (c.red(), c.green(), c.blue()) != ((band * 37) % 256, (band * 91) % 256, band % 256))(
                 image.pixelColor(x, y), y // 100)]
    assert wrong == []
    assert grabbers and grabbers[0].stale_grabs >= 5  # type: ignore[attr-defined]


def test_saved_is_said_only_after_the_case_has_stored_the_capture(browser, case, web, qtbot) -> None:
    """While the vault is busy (the test holds the case's own lock), the window says nothing is saved."""
    load(qtbot, browser, web.url("/plain"), paint=True)
    browser.form.note_edit.setText("Kept until the capture is durable")
    before = len(events(case, Kind.CAPTURE))
    status_before = browser.status.text()
    with case._mutex:  # the core's add_capture waits here, on the writer thread
        browser.capture_buttons["viewport"].click()
        qtbot.wait(700)
        assert "Saved" not in browser.status.text() and browser.status.text() == status_before
        assert browser.form.note() == "Kept until the capture is durable"
        assert browser.last_timing is None or browser.last_timing.kind != "viewport"
    with qtbot.waitSignal(browser.captured, timeout=30_000) as blocker:
        pass
    capture = blocker.args[0]
    assert len(events(case, Kind.CAPTURE)) == before + 1
    assert "Saved" in browser.status.text() and capture.sha256[:16] in browser.status.text()
    assert browser.form.note() == ""


def test_a_sticky_top_bar_is_in_the_whole_page_once(browser, case, web, qtbot) -> None:
    """A bar that stays at the top while scrolling is not repeated at every join, over the text (issue 12)."""
    load(qtbot, browser, web.url("/bands?n=37&sticky=1"), paint=True)
    capture = take(qtbot, browser, browser.capture_page)
    image = stored_image(case, capture)
    assert image.height() == 60 + 3700
    x = image.width() // 2
    bar = [y for y in range(image.height()) if image.pixelColor(x, y).getRgb()[:3] == (250, 0, 250)]
    assert bar == list(range(60))  # once, at the top, where the page has it
    for index in range(37):
        y = 60 + index * 100 + 50
        expected = ((index * 37) % 256, (index * 91) % 256, index % 256)
        assert image.pixelColor(x, y).getRgb()[:3] == expected, f"band {index} is covered at y={y}"
    page = browser.current_tab().page
    assert run_js(qtbot, page, "getComputedStyle(document.getElementById('bar')).visibility") == "visible"


def test_the_whole_page_is_drawn_in_one_pass_with_a_sticky_bar_once_and_the_pair_put_back(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/bands?n=200&sticky=1"), paint=True)
    page = browser.current_tab().page
    run_js(qtbot, page, "window.scrollTo(0, 4321); 1")
    capture = take(qtbot, browser, browser.capture_buttons["page"].click)
    assert browser.whole_page_method == "one pass"
    image = stored_image(case, capture)
    assert image.height() == 60 + 20_000
    x = image.width() // 2
    bar = [y for y in range(image.height()) if image.pixelColor(x, y).getRgb()[:3] == (250, 0, 250)]
    assert bar == list(range(60))
    wrong = [y for y in range(60, image.height()) if (y - 60) % 100 not in (0, 99)
             and image.pixelColor(x, y).getRgb()[:3] != ((((y - 60) // 100) * 37) % 256,
                                                         (((y - 60) // 100) * 91) % 256, ((y - 60) // 100) % 256)]
    assert wrong == []
    qtbot.waitUntil(lambda: abs(page.scrollPosition().y() - 4321) < 1, timeout=5000)  # put back where it was


def test_the_whole_page_falls_back_to_scrolling_and_says_so(browser, case, web, qtbot, monkeypatch) -> None:
    stitch_only(monkeypatch)
    said: list[str] = []
    browser.message.connect(said.append)
    load(qtbot, browser, web.url("/bands?n=37"), paint=True)
    capture = take(qtbot, browser, browser.capture_page)
    assert browser.whole_page_method == "scrolled and stitched"
    assert stored_image(case, capture).height() == 3700
    assert any("could not draw the whole page in one piece" in text and "scrolling" in text for text in said)


def test_another_page_loading_while_the_page_is_scrolled_through_stores_nothing(browser, case, web, qtbot,
                                                                                 monkeypatch) -> None:
    """Scroll-and-stitch takes a while: a page that starts loading meanwhile (a click, the page's own redirect)
    would leave a picture partly of another page under the first one's address. Nothing is stored; they are told."""
    stitch_only(monkeypatch)
    load(qtbot, browser, web.url("/bands?n=160"), paint=True)
    before = len(events(case, Kind.CAPTURE))
    refused: list[str] = []
    browser.capture_failed.connect(refused.append)
    browser.whole_page_method = ""
    browser.capture_buttons["page"].click()
    qtbot.waitUntil(lambda: "scrolling through it" in browser.status.text(), timeout=10_000)
    browser.load(web.url("/plain"))
    wait_for(qtbot, lambda: refused, timeout=30_000)
    assert "Another page started loading" in refused[0] and "nothing was captured" in refused[0]
    qtbot.wait(300)
    browser.flush()
    assert len(events(case, Kind.CAPTURE)) == before
    assert browser.whole_page_method == ""
    assert browser.capture_buttons["page"].isEnabled()
