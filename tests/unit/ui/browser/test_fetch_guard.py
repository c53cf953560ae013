"""The Fetch guard alone (issue 14): with no request interceptor at all, a redirect hop to a listed page is
paused and refused before it is sent, and the rest of the page goes on. Real QtWebEngine, real server on
127.0.0.1: the server's own log of paths says what was sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage

from evidence_app import Blocklist
from tests.helpers import webserver
from tests.helpers.browser import WAIT_MS
from tests.helpers.webserver import Response, WebServer, _page
from ui.browser import fetch_guard
from ui.browser.fetch_guard import FetchGuard
from ui.browser.guard import RequestGuard
from ui.browser.profile import make_profile
from ui.browser.responses import ResponseRecorder

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4a00000000049454e44ae426082")


class RedirectingSite(webserver.TestSite):
    def route(self, path: str, query: dict[str, list[str]]) -> Response | None:
        if path == "/page":
            return Response(200, _page("A page", "<img src='/go' width=5 height=5><img src='/fine.png' width=5>"))
        if path == "/go":
            return self.redirect("/listed/page")
        if path in ("/listed/page", "/fine.png"):
            return Response(200, PNG, (("Content-Type", "image/png"),))
        return super().route(path, query)


@pytest.fixture
def server() -> Iterator[WebServer]:
    made = WebServer()
    made.site = RedirectingSite()
    made.start()
    yield made
    made.stop()


@pytest.fixture
def guarded(qtbot: Any, server: WebServer) -> Iterator[tuple[QWebEnginePage, RequestGuard, FetchGuard]]:
    profile = make_profile()
    page = QWebEnginePage(profile)
    guard = RequestGuard(Blocklist.from_text(f"{server.url('/listed/page')}\n"))
    recorder = ResponseRecorder(page, lambda record: None, page, also_events=fetch_guard.EVENTS)
    pausing = FetchGuard(recorder.channel, guard, page)
    qtbot.waitUntil(lambda: recorder.is_ready and pausing.enabled, timeout=WAIT_MS * 2)
    try:
        yield page, guard, pausing
    finally:
        recorder.finish()
        shiboken6.delete(page)
        qtbot.wait(10)


def test_a_redirect_hop_to_a_listed_page_is_refused_by_the_fetch_guard_alone(qtbot, server, guarded) -> None:
    page, guard, pausing = guarded
    seen: list[Any] = []
    guard.tripped.connect(seen.append)
    page.load(QUrl(server.url("/page")))
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    qtbot.wait(300)
    assert "/go" in server.paths and "/listed/page" not in server.paths, server.paths
    assert seen[0].url == server.url("/listed/page") and seen[0].resource == "image" and pausing.refused >= 1  # then all else: halted
    assert pausing.paused >= 3  # the page, the redirect and its hop: each waited for the guard


def test_with_nothing_listed_on_the_way_every_paused_request_goes_on(qtbot, server, guarded) -> None:
    page, guard, pausing = guarded
    with qtbot.waitSignal(page.loadFinished, timeout=WAIT_MS):
        page.load(QUrl(server.url("/fine.png")))
    assert "/fine.png" in server.paths and pausing.paused >= 1 and pausing.refused == 0 and not guard.halted
