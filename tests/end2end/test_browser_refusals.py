"""What the recorded browser refuses, and journals: local files and schemes, downloads, permissions."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from evidence_app import Kind
from tests.helpers.browser import (  # noqa: F401
    browser,
    events,
    files_changed_since,
    files_containing,
    load,
    run_js,
    visits,
    wait_for,
    web,
)
from tests.helpers.webserver import MARKER


def refusals(case) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(e.data["what"], e.data["url"], e.data["detail"]) for e in events(case, Kind.REFUSED)]


def test_a_typed_file_address_is_refused_with_a_plain_message_and_journaled(browser, case, web, qtbot) -> None:
    with qtbot.waitSignal(browser.refused, timeout=5000) as blocker:
        browser.load("file:///etc/hostname")
    assert blocker.args[0].what == "scheme"
    assert "files on this computer" in browser.status.text()
    wait_for(qtbot, lambda: refusals(case))
    assert refusals(case)[0][:2] == ("scheme", "file:///etc/hostname")
    assert visits(case) == []


def test_a_file_link_on_a_web_page_is_refused_too(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/file-link"))
    with qtbot.waitSignal(browser.refused, timeout=5000):
        run_js(qtbot, browser.current_tab().page, "document.getElementById('f').click(); 1")
    wait_for(qtbot, lambda: refusals(case))
    # Chromium itself may stop a web page linking to file:, before we are asked; either way it is not shown.
    assert browser.current_url() == web.url("/file-link")
    assert [u for u, _ in visits(case)] == [web.url("/file-link")]


def test_other_local_schemes_are_refused(browser, case, qtbot) -> None:
    for url in ("chrome://settings", "view-source:http://127.0.0.1/"):
        with qtbot.waitSignal(browser.refused, timeout=5000):
            browser.load(url)
    wait_for(qtbot, lambda: len(refusals(case)) == 2)
    assert [r[0] for r in refusals(case)] == ["scheme", "scheme"]
    assert visits(case) == []


def test_words_that_are_not_an_address_are_not_browsed(browser, case, qtbot) -> None:
    browser.load("two words")
    assert "not a web address" in browser.status.text()
    browser.flush()
    assert visits(case) == [] and refusals(case) == []


def test_downloads_are_refused_journaled_and_leave_no_file_anywhere(browser, case, web, qtbot) -> None:
    started = time.time()
    load(qtbot, browser, web.url("/download"))
    with qtbot.waitSignal(browser.refused, timeout=10_000) as blocker:
        run_js(qtbot, browser.current_tab().page, "document.getElementById('d').click(); 1")
    assert blocker.args[0].what == "download"
    wait_for(qtbot, lambda: refusals(case))
    what, url, detail = refusals(case)[0]
    assert (what, url) == ("download", web.url("/file.bin"))
    assert "evidence-test.bin" in detail and "50000 bytes" in detail
    qtbot.wait(500)  # give a stray write the chance to happen
    places = [Path.home() / "Downloads", Path(tempfile.gettempdir()), Path.home(), Path.cwd()]
    changed = files_changed_since(places, started)
    assert [p for p in changed if "evidence-test" in p.name] == []
    assert files_containing([f"DOWNLOAD-{MARKER}".encode()], places, started) == {f"DOWNLOAD-{MARKER}".encode(): []}


def test_permission_requests_are_refused_and_journaled(browser, case, web, qtbot) -> None:
    page = browser.current_tab().page
    load(qtbot, browser, web.url("/geolocation"))
    wait_for(qtbot, lambda: page.title().startswith("denied"))
    load(qtbot, browser, web.url("/notifications"))
    wait_for(qtbot, lambda: page.title() == "notify:denied")
    wait_for(qtbot, lambda: len(refusals(case)) == 2)
    assert refusals(case) == [("permission", web.base + "/", "geolocation"),
                             ("permission", web.base + "/", "notifications")]


def test_nothing_is_browsed_when_the_case_cannot_record_it(browser, case, web, qtbot) -> None:
    case.lock()
    with qtbot.waitSignal(browser.refused, timeout=5000) as blocker:
        browser.load(web.url("/plain"))
    assert blocker.args[0].what == "unrecorded"
    assert "locked" in browser.status.text()
    assert web.count("/plain") == 0
