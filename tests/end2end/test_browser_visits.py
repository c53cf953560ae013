"""Every visit recorded, in order: navigations, each redirect hop, pushState, fragments, new tabs."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from evidence_app import Kind
from tests.helpers.browser import browser, events, load, run_js, visits, wait_for, web  # noqa: F401
from tests.helpers.webserver import MARKER


def test_redirect_chain_is_journaled_hop_by_hop(browser, case, web, qtbot) -> None:
    assert load(qtbot, browser, web.url("/redirect/1"))
    wait_for(qtbot, lambda: len(visits(case)) >= 4)
    assert visits(case) == [(web.url("/redirect/1"), "navigation"), (web.url("/redirect/2"), "redirect"),
                            (web.url("/redirect/3"), "redirect"), (web.url("/landed"), "redirect")]
    assert browser.address.text() == web.url("/landed")
    times = [e.time for e in events(case, Kind.VISIT)]
    assert times == sorted(times) and all(t.endswith("Z") for t in times)


def test_pushstate_and_fragment_changes_are_visits(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/pushstate"))
    page = browser.current_tab().page
    run_js(qtbot, page, "document.getElementById('go').click(); 1")
    wait_for(qtbot, lambda: len(visits(case)) == 2)
    load(qtbot, browser, web.url("/fragment"))
    run_js(qtbot, page, "document.getElementById('jump').click(); 1")
    wait_for(qtbot, lambda: len(visits(case)) == 4)
    assert visits(case) == [(web.url("/pushstate"), "navigation"), (web.url("/pushed/step-2"), "in-page"),
                            (web.url("/fragment"), "navigation"), (web.url("/fragment#section-2"), "in-page")]
    pushed = events(case, Kind.VISIT)[1]
    assert pushed.data["title"] in ("Push state", "Pushed")
    assert web.count("/pushed/") == 0  # an in-page change fetches nothing


def test_back_and_forward_are_visits_too(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/plain"))
    load(qtbot, browser, web.url("/marker"))
    page = browser.current_tab().page
    with qtbot.waitSignal(page.loadFinished, timeout=10_000):
        browser.back_button.click()
    wait_for(qtbot, lambda: len(visits(case)) == 3)
    assert [u for u, _ in visits(case)] == [web.url("/plain"), web.url("/marker"), web.url("/plain")]
    assert browser.forward_button.isEnabled()


def test_window_open_and_target_blank_become_recorded_tabs(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/popup"))
    run_js(qtbot, browser.current_tab().page, "document.getElementById('b').click(); 1")
    wait_for(qtbot, lambda: browser.tabs.count() == 2)
    wait_for(qtbot, lambda: (web.url("/opened"), "new-tab") in visits(case))
    browser.tabs.setCurrentIndex(0)
    load(qtbot, browser, web.url("/target-blank"))
    run_js(qtbot, browser.current_tab().page, "document.getElementById('a').click(); 1")
    wait_for(qtbot, lambda: browser.tabs.count() == 3)
    wait_for(qtbot, lambda: visits(case).count((web.url("/opened"), "new-tab")) == 2)
    assert visits(case)[0] == (web.url("/popup"), "navigation")


def test_each_loaded_page_is_snapshotted_as_text(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/marker"))
    wait_for(qtbot, lambda: events(case, Kind.SNAPSHOT))
    snapshot = events(case, Kind.SNAPSHOT)[0]
    assert snapshot.data["url"] == web.url("/marker")
    assert snapshot.data["title"] == f"Marker {MARKER}"
    html = case.read_snapshot(snapshot.data["id"])
    assert MARKER in html and "<p id=\"m\">" in html
    assert snapshot.data["media_type"].startswith("text/html")


def test_thousands_of_subresources_are_summarised_and_the_window_stays_responsive(browser, case, web, qtbot) -> None:
    gaps = _watch_event_loop(qtbot)
    url = web.url("/many?n=2000&kind=img")
    assert load(qtbot, browser, url, timeout=60_000)
    browser.flush()
    wait_for(qtbot, lambda: events(case, Kind.RESOURCES))
    summaries = [e.data["summary"] for e in events(case, Kind.RESOURCES) if e.data["page_url"] == url]
    assert sum(s["by_type"].get("image", 0) for s in summaries) == 2000
    assert sum(s["by_host"].get("127.0.0.1", 0) for s in summaries) >= 2000
    assert web.count("/res?") == 2000
    assert max(gaps()) < 1.5, "the UI thread was blocked"


def test_a_page_that_never_finishes_leaves_the_window_responsive_and_can_be_stopped(browser, case, web, qtbot) -> None:
    gaps = _watch_event_loop(qtbot)
    page = browser.current_tab().page
    browser.load(web.url("/slow"))
    wait_for(qtbot, lambda: run_js(qtbot, page, "document.getElementById('h') ? 1 : 0") == 1)
    assert page.isLoading() if hasattr(page, "isLoading") else True
    qtbot.wait(300)
    with qtbot.waitSignal(page.loadFinished, timeout=5000):
        browser.stop_button.click()
    assert visits(case) == [(web.url("/slow"), "navigation")]
    assert max(gaps()) < 1.5


def test_a_100kb_address_is_journaled_and_the_window_stays_responsive(browser, case, web, qtbot) -> None:
    gaps = _watch_event_loop(qtbot)
    long_url = web.url("/plain?q=" + "a" * 100_000)
    browser.address.setText(long_url)
    assert browser.address.text() == long_url
    with qtbot.waitSignal(browser.current_tab().page.loadFinished, timeout=20_000):
        browser.address.returnPressed.emit()
    wait_for(qtbot, lambda: visits(case))
    assert visits(case)[0] == (long_url, "navigation")
    assert max(gaps()) < 1.5


def _watch_event_loop(qtbot):  # type: ignore[no-untyped-def]
    """Tick every 20 ms; return a function giving the gaps between ticks (a blocked UI shows as a big gap)."""
    stamps = [time.monotonic()]
    timer = QTimer()
    timer.timeout.connect(lambda: stamps.append(time.monotonic()))
    timer.start(20)

    def gaps() -> list[float]:
        timer.stop()
        stamps.append(time.monotonic())
        return [b - a for a, b in zip(stamps, stamps[1:])]

    qtbot.addWidget  # keep the linter quiet about the fixture
    return gaps
