"""Fixtures' building blocks for the recorded-browser tests: a shown browser, journal waits.

The browser is always shut down (pages deleted, then the profile) before the
case is locked: QtWebEngine crashes if a profile dies before its pages.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

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


def load(qtbot: Any, browser: Any, url: str, timeout: int = WAIT_MS, *, paint: bool = False) -> bool:
    """Open ``url`` in the current tab and wait for its load to finish; returns its ``ok``."""
    tab = browser.current_tab()
    with qtbot.waitSignal(tab.page.loadFinished, timeout=timeout) as blocker:
        browser.load(url)
    if paint and blocker.args[0]:
        settle(qtbot, browser)
    return bool(blocker.args[0])


def record_trusting_the_test_ca(qtbot: Any, url: str) -> Any:
    """One page's recorded responses, from the recorder alone on a page that (for the test only) accepts any
    certificate, so the test CA's HTTPS server can be reached; the page is deleted before its profile."""
    import shiboken6
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage

    from ui.browser.profile import make_profile
    from ui.browser.responses import ResponseRecorder

    class TrustingPage(QWebEnginePage):
        def __init__(self, profile: Any) -> None:
            super().__init__(profile)
            self.certificateError.connect(lambda error: error.acceptCertificate())

    profile = make_profile()  # held here: the page does not own it
    page = TrustingPage(profile)
    records: list[Any] = []
    recorder = ResponseRecorder(page, records.append, page)
    try:
        wait_for(qtbot, lambda: recorder.is_ready, timeout=20_000)
        with qtbot.waitSignal(page.loadFinished, timeout=10_000):
            page.load(QUrl(url))
        wait_for(qtbot, lambda: records, timeout=10_000)
        return records[0]
    finally:
        recorder.finish()
        shiboken6.delete(page)
        qtbot.wait(10)
        del profile


def settle(qtbot: Any, browser: Any, extra_ms: int = 150) -> None:
    """Wait until the current page has painted a frame and it has reached the view.

    ``loadFinished`` comes before the first paint; a person never clicks that fast, a test does.
    """
    page = browser.current_tab().page
    run_js(qtbot, page, "window.__painted = false; requestAnimationFrame(() => requestAnimationFrame("
                        "() => { window.__painted = true; })); 1")
    qtbot.waitUntil(lambda: run_js(qtbot, page, "window.__painted === true") is True, timeout=WAIT_MS)
    qtbot.wait(extra_ms)


def run_js(qtbot: Any, page: Any, script: str, timeout: int = WAIT_MS) -> Any:
    result: list[Any] = []
    page.runJavaScript(script, 0, result.append)
    qtbot.waitUntil(lambda: bool(result), timeout=timeout)
    return result[0]


# ---------------------------------------------------------------------- fixtures
# Imported by the browser test modules: ``from tests.helpers.browser import browser, web``.


@pytest.fixture(scope="module")
def web() -> Iterator[Any]:
    from tests.helpers.webserver import WebServer

    server = WebServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def lazy() -> Iterator[Any]:
    """The tall page whose pictures load late (:mod:`tests.helpers.lazy_site`)."""
    from tests.helpers.lazy_site import LazySite

    site = LazySite().start()
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture
def browser(case: Case, qtbot: Any) -> Iterator[Any]:
    with open_browser(case, qtbot) as shown:
        yield shown


# ---------------------------------------------------------------------- disk scans

MAX_SCANNED_BYTES = 50_000_000


def files_changed_since(places: list[Any], since: float) -> list[Any]:
    """Regular files under ``places`` modified at or after ``since`` (epoch seconds), below 50 MB.

    Uses find(1), which walks a home folder with toolchains in it in a fraction of Python's time.
    """
    stamp = datetime.fromtimestamp(since - 1, timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f +0000")
    found: set[Path] = set()
    for place in places:
        place = Path(place)
        if not place.exists():
            continue
        result = subprocess.run(
            ["find", str(place), "-xdev", "-path", "/proc", "-prune", "-o", "-type", "f",
             "-newermt", stamp, "-size", f"-{MAX_SCANNED_BYTES // 1024}k", "-print0"],
            capture_output=True, check=False)
        found.update(Path(p.decode(errors="surrogateescape")) for p in result.stdout.split(b"\0") if p)
    return sorted(found)


def files_containing(needles: list[bytes], places: list[Any], since: float) -> dict[bytes, list[Any]]:
    """For each needle, the recently changed files that hold it."""
    hits: dict[bytes, list[Any]] = {needle: [] for needle in needles}
    for path in files_changed_since(places, since):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for needle in needles:
            if needle in data:
                hits[needle].append(path)
    return hits
