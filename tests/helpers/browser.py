"""Fixtures' building blocks for the recorded-browser tests: a shown browser, journal waits.

The browser is always shut down (pages deleted, then the profile) before the
case is locked: QtWebEngine crashes if a profile dies before its pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from evidence_app import Case, Event, Kind

WAIT_MS = 10_000


@contextmanager
def open_browser(case: Case, qtbot: Any, size: tuple[int, int] = (1000, 720), **kwargs: Any) -> Iterator[Any]:
    from ui.browser import RecordedBrowser

    browser = RecordedBrowser(case, **kwargs)
    browser.resize(*size)
    browser.show()
    qtbot.waitExposed(browser)
    try:
        yield browser
    finally:
        browser.shutdown()
        browser.hide()
        browser.deleteLater()
        qtbot.wait(10)


def events(case: Case, kind: str | None = None) -> list[Event]:
    return [e for e in case.events() if kind is None or e.kind == kind]


def visits(case: Case) -> list[tuple[str, str]]:
    """(url, cause) of every visit, in journal order."""
    return [(e.data["url"], e.data["cause"]) for e in events(case, Kind.VISIT)]


def wait_for(qtbot: Any, condition: Callable[[], Any], timeout: int = WAIT_MS) -> None:
    qtbot.waitUntil(lambda: bool(condition()), timeout=timeout)


def load(qtbot: Any, browser: Any, url: str, timeout: int = WAIT_MS) -> bool:
    """Open ``url`` in the current tab and wait for its load to finish; returns its ``ok``."""
    tab = browser.current_tab()
    with qtbot.waitSignal(tab.page.loadFinished, timeout=timeout) as blocker:
        browser.load(url)
    return bool(blocker.args[0])


def run_js(qtbot: Any, page: Any, script: str, timeout: int = WAIT_MS) -> Any:
    result: list[Any] = []
    page.runJavaScript(script, 0, result.append)
    qtbot.waitUntil(lambda: bool(result), timeout=timeout)
    return result[0]
