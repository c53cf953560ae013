"""The whole page drawn in one pass waits for the pictures its full height makes the page load.

A page 9,000 px tall shows pictures of known colours far below the fold, loaded only when they come
into view (``loading="lazy"``, and an IntersectionObserver that sets ``src``, as social sites do),
each answered late by the server. Drawn at its full height, the page *starts* those loads; the
picture must be taken once they have arrived, within a bounded wait, and say so when the wait ran out.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from evidence_app import Kind
from evidence_app.web.bodies import BodyRule
from tests.helpers.browser import browser, events, load, lazy, run_js, wait_for  # noqa: F401
from tests.helpers.lazy_site import (GROUND, NATIVE_RGB, NATIVE_TOP, OBSERVED_RGB, OBSERVED_TOP, PICTURE_LEFT,
                                     PICTURE_SIZE, STUCK_RGB, STUCK_TOP, solid_png)
from ui.browser.keep import PICTURES_LATE

STILL_LOADING = "Some pictures were still loading when the page was drawn."


def whole_page(qtbot, browser, case) -> tuple[Any, Any]:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage

    with qtbot.waitSignal(browser.captured, timeout=30_000) as blocker:
        browser.capture_buttons["page"].click()
    capture = blocker.args[0]
    image = QImage.fromData(case.read_capture(capture.id), "PNG")
    assert not image.isNull()
    return capture, image


def colour_at(image, top: int) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """The colour in the middle of the picture placed at ``top``."""
    width, height = PICTURE_SIZE
    return image.pixelColor(PICTURE_LEFT + width // 2, top + height // 2).getRgb()[:3]


def test_lazily_loaded_pictures_are_in_the_one_pass_whole_page(browser, case, lazy, qtbot) -> None:
    load(qtbot, browser, lazy.url("/lazy"), paint=True)
    page = browser.current_tab().page
    run_js(qtbot, page, "window.scrollTo(0, 2345); 1")
    viewport = run_js(qtbot, page, "innerWidth + 'x' + innerHeight")
    assert run_js(qtbot, page, "document.getElementById('native').complete") is False  # not asked for yet
    assert lazy.asked("rgb=") == []
    capture, image = whole_page(qtbot, browser, case)
    assert browser.whole_page_method == "one pass"
    assert image.height() == 9_000
    assert colour_at(image, 100) == GROUND
    assert colour_at(image, NATIVE_TOP) == NATIVE_RGB, "the native lazy picture is blank"
    assert colour_at(image, OBSERVED_TOP) == OBSERVED_RGB, "the picture set by an IntersectionObserver is blank"
    assert STILL_LOADING not in browser.status.text()
    assert capture.sha256[:16] in browser.status.text()
    assert capture.incomplete == "" and "incomplete" not in events(case, Kind.CAPTURE)[-1].data
    # The two pictures that never come into view were not waited for (the wait would have run out)
    # and were never asked for: the full height fetches only what a person scrolling would.
    assert lazy.asked("never=") == []
    # The page has its own viewport back, and is where the pair had it.
    qtbot.waitUntil(lambda: run_js(qtbot, page, "innerWidth + 'x' + innerHeight") == viewport, timeout=5000)
    qtbot.waitUntil(lambda: abs(page.scrollPosition().y() - 2345) < 1, timeout=5000)


def test_a_failure_after_the_page_was_made_tall_gives_its_viewport_back(browser, case, lazy, qtbot, monkeypatch) -> None:
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
    _capture, image = whole_page(qtbot, browser, case)
    assert browser.whole_page_method == "scrolled and stitched"
    assert image.height() == 9_000
    assert run_js(qtbot, page, "innerWidth + 'x' + innerHeight") == viewport


def test_a_picture_still_loading_when_the_wait_runs_out_is_said_and_the_page_taken_anyway(browser, case, lazy, qtbot) -> None:
    load(qtbot, browser, lazy.url("/lazy?stuck=1"), paint=True)
    said: list[str] = []
    browser.message.connect(said.append)
    capture, image = whole_page(qtbot, browser, case)
    assert browser.whole_page_method == "one pass"
    assert colour_at(image, NATIVE_TOP) == NATIVE_RGB
    assert colour_at(image, OBSERVED_TOP) == OBSERVED_RGB
    assert colour_at(image, STUCK_TOP) != STUCK_RGB  # held by the server far longer than the wait
    assert STILL_LOADING in browser.status.text() and capture.sha256[:16] in browser.status.text()
    assert PICTURES_LATE == STILL_LOADING
    # journaled with the capture, for the examiner (not only said on the status line)
    assert capture.incomplete == STILL_LOADING
    assert events(case, Kind.CAPTURE)[-1].data["incomplete"] == STILL_LOADING


def test_the_wait_is_invisible_to_the_page(browser, case, lazy, qtbot) -> None:
    """The page's own scripts see no global and no attribute that the wait might have left."""
    load(qtbot, browser, lazy.url("/lazy"), paint=True)
    page = browser.current_tab().page
    globals_now = "JSON.stringify(Object.getOwnPropertyNames(window).sort())"
    names = "JSON.stringify([...document.querySelectorAll('*')].map(e => e.id + ':' + e.getAttributeNames().join(' ')))"
    before, names_before = run_js(qtbot, page, globals_now), run_js(qtbot, page, names)
    whole_page(qtbot, browser, case)
    assert run_js(qtbot, page, globals_now) == before
    # only what the page's own script did: it gave the observed picture its address
    after = json.loads(run_js(qtbot, page, names))
    expected = [entry + " src" if entry.startswith("observed:") else entry for entry in json.loads(names_before)]
    assert after == expected


def test_the_pictures_the_full_height_fetched_are_recorded_like_any_response_hash_only(browser, case, lazy, qtbot) -> None:
    """The wait makes the browser fetch what the page shows further down, as scrolling would: the recorder
    records those responses (hash, size, type), and no picture's bytes are kept beyond the capture asked for."""
    url = lazy.url("/lazy?recorded=1")
    load(qtbot, browser, url, paint=True)
    whole_page(qtbot, browser, case)
    load(qtbot, browser, lazy.url("/lazy?next=1"))  # the page is left: its record is complete
    browser.flush()
    native, observed = solid_png(NATIVE_RGB), solid_png(OBSERVED_RGB)

    def pictures() -> dict[str, Any]:
        found = {}
        for event in events(case, Kind.RESPONSES):
            if event.data["page_url"] != url:
                continue
            record = case.read_responses(event.data["id"])
            assert native not in record.to_bytes() and observed not in record.to_bytes()
            found.update({r.url.removeprefix(lazy.base): r for r in record.responses if "/pic?" in r.url})
        return found

    wait_for(qtbot, lambda: len(pictures()) == 2, timeout=15_000)
    for body, response in zip((native, observed), sorted(pictures().values(), key=lambda r: r.url)[::-1]):
        assert response.body is not None and response.body.rule is BodyRule.HASH_ONLY
        assert (response.body.sha256, response.body.size) == (hashlib.sha256(body).hexdigest(), len(body))


def test_another_page_loading_during_the_wait_stores_nothing_under_the_first_address(browser, case, lazy, qtbot) -> None:
    """The pair click a link (here: the address bar) while late pictures are waited for: the drawing would be
    of another page, labelled with the first one's address. Nothing is stored, and they are told why."""
    load(qtbot, browser, lazy.url("/lazy?stuck=1"), paint=True)
    before = len(events(case, Kind.CAPTURE))
    refused: list[str] = []
    browser.capture_failed.connect(refused.append)
    browser.whole_page_method = ""
    browser.capture_buttons["page"].click()
    qtbot.wait(800)  # inside the wait: the stuck picture is held far longer
    browser.load(lazy.url("/lazy?elsewhere=1"))
    wait_for(qtbot, lambda: refused, timeout=10_000)
    assert "Another page started loading" in refused[0] and "nothing was captured" in refused[0]
    qtbot.wait(500)
    browser.flush()
    assert len(events(case, Kind.CAPTURE)) == before
    assert browser.whole_page_method == ""  # not scrolled and stitched on the other page either
    assert browser.capture_buttons["page"].isEnabled()


def test_the_stop_during_the_wait_stores_nothing(browser, case, lazy, qtbot) -> None:
    load(qtbot, browser, lazy.url("/lazy?stuck=1"), paint=True)
    before = len(events(case, Kind.CAPTURE))
    browser.capture_buttons["page"].click()
    qtbot.wait(800)  # inside the wait
    browser.halt()
    qtbot.wait(3_500)  # past the end of the wait: whatever was under way has come back and been dropped
    assert len(events(case, Kind.CAPTURE)) == before
    assert browser.halted and browser.closed
