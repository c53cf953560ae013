"""The whole page drawn in one pass waits for the pictures its full height makes the page load.

A page 9,000 px tall shows pictures of known colours far below the fold, loaded only when they come
into view (``loading="lazy"``, and an IntersectionObserver that sets ``src``, as social sites do),
each answered late by the server. Drawn at its full height, the page *starts* those loads; the
picture must be taken once they have arrived, within a bounded wait, and say so when the wait ran out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers.browser import browser, load, run_js  # noqa: F401
from tests.helpers.lazy_site import (GROUND, NATIVE_RGB, NATIVE_TOP, OBSERVED_RGB, OBSERVED_TOP, PICTURE_LEFT,
                                     PICTURE_SIZE, STUCK_RGB, STUCK_TOP, LazySite)
from ui.browser.keep import PICTURES_LATE

STILL_LOADING = "Some pictures were still loading when the page was drawn."


@pytest.fixture(scope="module")
def lazy() -> Iterator[LazySite]:
    site = LazySite().start()
    try:
        yield site
    finally:
        site.stop()


def whole_page(qtbot, browser) -> tuple[Any, Any]:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage

    with qtbot.waitSignal(browser.captured, timeout=30_000) as blocker:
        browser.capture_buttons["page"].click()
    capture = blocker.args[0]
    image = QImage.fromData(browser._case.read_capture(capture.id), "PNG")
    assert not image.isNull()
    return capture, image


def colour_at(image, top: int) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """The colour in the middle of the picture placed at ``top``."""
    width, height = PICTURE_SIZE
    return image.pixelColor(PICTURE_LEFT + width // 2, top + height // 2).getRgb()[:3]


def test_lazily_loaded_pictures_are_in_the_one_pass_whole_page(browser, lazy, qtbot) -> None:
    load(qtbot, browser, lazy.url("/lazy"), paint=True)
    page = browser.current_tab().page
    run_js(qtbot, page, "window.scrollTo(0, 2345); 1")
    viewport = run_js(qtbot, page, "innerWidth + 'x' + innerHeight")
    assert run_js(qtbot, page, "document.getElementById('native').complete") is False  # not asked for yet
    assert lazy.asked("rgb=") == []
    capture, image = whole_page(qtbot, browser)
    assert browser.whole_page_method == "one pass"
    assert image.height() == 9_000
    assert colour_at(image, 100) == GROUND
    assert colour_at(image, NATIVE_TOP) == NATIVE_RGB, "the native lazy picture is blank"
    assert colour_at(image, OBSERVED_TOP) == OBSERVED_RGB, "the picture set by an IntersectionObserver is blank"
    assert STILL_LOADING not in browser.status.text()
    assert capture.sha256[:16] in browser.status.text()
    # The two pictures that never come into view were not waited for (the wait would have run out)
    # and were never asked for: the full height fetches only what a person scrolling would.
    assert lazy.asked("never=") == []
    # The page has its own viewport back, and is where the pair had it.
    qtbot.waitUntil(lambda: run_js(qtbot, page, "innerWidth + 'x' + innerHeight") == viewport, timeout=5000)
    qtbot.waitUntil(lambda: abs(page.scrollPosition().y() - 2345) < 1, timeout=5000)


def test_a_failure_after_the_page_was_made_tall_gives_its_viewport_back(browser, lazy, qtbot, monkeypatch) -> None:
    """The browser refuses the drawing (made to, here): the page is not left as tall as itself, and the
    whole page is scrolled and stitched instead, in the page's own viewport."""
    from ui.browser.devtools import Reply

    load(qtbot, browser, lazy.url("/lazy"), paint=True)
    page = browser.current_tab().page
    viewport = run_js(qtbot, page, "innerWidth + 'x' + innerHeight")
    channel = browser.current_tab().responses.channel
    send = channel.send

    def refusing(method, params=None, callback=None, session_id=""):  # type: ignore[no-untyped-def]
        if method == "Page.captureScreenshot" and callback is not None:
            callback(Reply(None, "made to fail by the test"))
            return 0
        return send(method, params, callback, session_id)

    monkeypatch.setattr(channel, "send", refusing)
    capture, image = whole_page(qtbot, browser)
    assert browser.whole_page_method == "scrolled and stitched"
    assert image.height() == 9_000
    assert run_js(qtbot, page, "innerWidth + 'x' + innerHeight") == viewport


def test_a_picture_still_loading_when_the_wait_runs_out_is_said_and_the_page_taken_anyway(browser, lazy, qtbot) -> None:
    load(qtbot, browser, lazy.url("/lazy?stuck=1"), paint=True)
    said: list[str] = []
    browser.message.connect(said.append)
    capture, image = whole_page(qtbot, browser)
    assert browser.whole_page_method == "one pass"
    assert colour_at(image, NATIVE_TOP) == NATIVE_RGB
    assert colour_at(image, OBSERVED_TOP) == OBSERVED_RGB
    assert colour_at(image, STUCK_TOP) != STUCK_RGB  # held by the server far longer than the wait
    assert STILL_LOADING in browser.status.text() and capture.sha256[:16] in browser.status.text()
    assert PICTURES_LATE == STILL_LOADING


def test_the_wait_is_invisible_to_the_page(browser, lazy, qtbot) -> None:
    """The page's own scripts see no global and no attribute that the wait might have left."""
    load(qtbot, browser, lazy.url("/lazy"), paint=True)
    page = browser.current_tab().page
    globals_now = "JSON.stringify(Object.getOwnPropertyNames(window).sort())"
    names = "JSON.stringify([...document.querySelectorAll('*')].map(e => e.id + ':' + e.getAttributeNames().join(' ')))"
    before, names_before = run_js(qtbot, page, globals_now), run_js(qtbot, page, names)
    whole_page(qtbot, browser)
    assert run_js(qtbot, page, globals_now) == before
    # only what the page's own script did: it gave the observed picture its address
    after = json.loads(run_js(qtbot, page, names))
    expected = [entry + " src" if entry.startswith("observed:") else entry for entry in json.loads(names_before)]
    assert after == expected
