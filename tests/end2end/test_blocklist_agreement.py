"""The real page's request guard agrees with the core for every generated address (issue 14).

A page from the local server (127.0.0.1) asks QtWebEngine to fetch each
generated address exactly as written; the profile's interceptor takes the
request as Chromium made it (its own parsing and canonicalisation), hands it
to the application's :class:`~ui.browser.guard.RequestGuard`, and blocks every
request that is not for the local server, so nothing is looked up or sent
anywhere. The guard's answer on what Chromium requested must be the core's
answer on the address as written, listed or not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

from evidence_app import Blocklist
from evidence_app.policy.urls import web_address
from tests.helpers.browser import WAIT_MS, run_js
from tests.helpers.url_spellings import listed_and_spelled
from tests.helpers.webserver import WebServer
from ui.browser.guard import RequestGuard, encoded
from ui.browser.profile import make_profile


class Taker(QWebEngineUrlRequestInterceptor):
    """Lets the local server's requests through; keeps every other request's URL and blocks it."""

    def __init__(self, local: str) -> None:
        super().__init__()
        self.local = local
        self.taken: list[QUrl] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 - Qt's name
        url = info.requestUrl()
        if url.scheme() == "http" and f"{url.host()}:{url.port()}" == self.local:
            return
        self.taken.append(QUrl(url))
        info.block(True)


@pytest.fixture(scope="module")
def fetcher(qapp: Any) -> Iterator[tuple[QWebEnginePage, Taker]]:
    server = WebServer().start()
    profile = make_profile()
    taker = Taker(server.base.removeprefix("http://"))
    profile.setUrlRequestInterceptor(taker)
    page = QWebEnginePage(profile)
    loaded: list[bool] = []
    page.loadFinished.connect(loaded.append)
    page.load(QUrl(server.url("/plain")))
    try:
        yield page, taker
    finally:
        shiboken6.delete(page)  # the page before its profile, or QtWebEngine complains (and may crash)
        shiboken6.delete(profile)
        server.stop()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(listed_and_spelled(fetchable=True), st.booleans())
def test_the_guard_on_what_chromium_sends_agrees_with_the_core(qtbot, fetcher, pair: tuple[str, str],
                                                               listed: bool) -> None:
    page, taker = fetcher
    qtbot.waitUntil(lambda: page.url().toString().endswith("/plain") and not page.isLoading(), timeout=WAIT_MS)
    entry, url = pair
    if not listed:  # the list holds another page on the same host: neither may say "listed"
        other = web_address(entry)
        assert other is not None
        entry = f"{other.scheme}://{other.authority}{other.path}-other"
    listing = Blocklist.from_text(f"# the school's list\nunrelated.example\n{entry}\n")
    before = len(taker.taken)
    sent = run_js(qtbot, page, f"(() => {{ try {{ new URL({json.dumps(url)}); }} catch (e) {{ return 'invalid'; }}"
                               f" fetch({json.dumps(url)}, {{mode: 'no-cors'}}).catch(() => 0); return 'sent'; }})()")
    assert sent == "sent", url  # every generated spelling is an address a browser accepts
    qtbot.waitUntil(lambda: len(taker.taken) > before, timeout=WAIT_MS)
    requested = taker.taken[before]
    guard = RequestGuard(listing)
    assert guard.refuses(requested, "fetch") == listing.matches(url) == listed, (url, encoded(requested), entry)
