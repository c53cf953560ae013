"""The in-process DevTools channel: it answers, its events arrive, and it opens no socket.

Real QtWebEngine against a real server on 127.0.0.1. If a Qt or Chromium upgrade
changes the DevTools frontend so the bridge no longer finds its hooks, these
tests fail here, loudly, rather than the recording going quiet.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from typing import Any

import psutil
import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage

from tests.helpers.browser import WAIT_MS
from tests.helpers.responses_site import IMAGE
from ui.browser.devtools import BodyDigest, DevToolsChannel, DevToolsUnavailable, Reply
from ui.browser.profile import make_profile


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    from tests.helpers.responses_site import ResponsesSite

    server = ResponsesSite().start()
    try:
        yield server.base
    finally:
        server.stop()


@pytest.fixture
def page(qtbot: Any) -> Iterator[QWebEnginePage]:
    profile = make_profile()
    inspected = QWebEnginePage(profile)
    try:
        yield inspected
    finally:
        for channel in inspected.findChildren(DevToolsChannel):
            channel.close()
        del inspected
        import shiboken6

        for child in profile.children():
            if isinstance(child, QWebEnginePage) and shiboken6.isValid(child):
                shiboken6.delete(child)
        qtbot.wait(10)


def open_channel(qtbot: Any, page: QWebEnginePage) -> DevToolsChannel:
    channel = DevToolsChannel(page, parent=page)
    failures: list[str] = []
    channel.failed.connect(failures.append)
    qtbot.waitUntil(lambda: channel.is_ready or bool(failures), timeout=WAIT_MS * 2)
    assert not failures, failures[0]
    return channel


def ask(qtbot: Any, channel: DevToolsChannel, method: str, params: dict[str, Any] | None = None) -> Reply:
    replies: list[Reply] = []
    channel.send(method, params, replies.append)
    qtbot.waitUntil(lambda: bool(replies), timeout=WAIT_MS)
    return replies[0]


def load(qtbot: Any, page: QWebEnginePage, url: str) -> None:
    with qtbot.waitSignal(page.loadFinished, timeout=WAIT_MS):
        page.load(QUrl(url))


def listening(pid: int) -> set[tuple[str, str]]:
    """Every listening socket (inet and unix) of this process and all its children."""
    found: set[tuple[str, str]] = set()
    me = psutil.Process(pid)
    for process in [me, *me.children(recursive=True)]:
        try:
            for kind in ("inet", "unix"):
                for conn in process.net_connections(kind=kind):
                    if conn.status == psutil.CONN_LISTEN:
                        found.add((kind, str(conn.laddr)))
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def test_runtime_evaluate_is_answered(qtbot: Any, page: QWebEnginePage, site: str) -> None:
    load(qtbot, page, f"{site}/page")
    channel = open_channel(qtbot, page)
    reply = ask(qtbot, channel, "Runtime.evaluate", {"expression": "6 * 7 + document.title.length"})
    assert reply.ok, reply.error
    assert reply.result["result"]["value"] == 42 + len("Responses")


def test_a_bad_request_comes_back_as_the_protocols_error(qtbot: Any, page: QWebEnginePage) -> None:
    channel = open_channel(qtbot, page)
    reply = ask(qtbot, channel, "No.suchMethod")
    assert not reply.ok
    assert "wasn't found" in reply.error or "not found" in reply.error.lower()


def test_requests_sent_before_it_is_ready_are_answered(qtbot: Any, page: QWebEnginePage) -> None:
    channel = DevToolsChannel(page, parent=page)
    replies: list[Reply] = []
    channel.send("Runtime.evaluate", {"expression": "'early'"}, replies.append)
    qtbot.waitUntil(lambda: bool(replies), timeout=WAIT_MS * 2)
    assert replies[0].result["result"]["value"] == "early"


def test_network_events_arrive_with_the_servers_headers(qtbot: Any, page: QWebEnginePage, site: str) -> None:
    channel = open_channel(qtbot, page)
    seen: list[tuple[str, dict[str, Any]]] = []
    channel.listen(lambda method, params, session: seen.append((method, params)))
    assert ask(qtbot, channel, "Network.enable").ok
    load(qtbot, page, f"{site}/page")
    qtbot.waitUntil(lambda: any(m == "Network.loadingFinished" for m, _ in seen), timeout=WAIT_MS)
    responses = [p for m, p in seen if m == "Network.responseReceived"]
    main = next(p for p in responses if p["response"]["url"] == f"{site}/page")
    assert main["response"]["status"] == 200
    assert main["response"]["headers"]["X-Evidence-Test"] == "page"
    assert main["response"]["remoteIPAddress"] == "127.0.0.1"


def test_bodies_are_hashed_in_the_frontend_and_images_never_come_back(qtbot: Any, page: QWebEnginePage,
                                                                     site: str) -> None:
    channel = open_channel(qtbot, page)
    finished: dict[str, str] = {}
    urls: dict[str, str] = {}
    channel.listen(lambda m, p, s: urls.__setitem__(p["requestId"], p["response"]["url"])
                          if m == "Network.responseReceived" else
                          finished.__setitem__(p["requestId"], m) if m == "Network.loadingFinished" else None)
    assert ask(qtbot, channel, "Network.enable").ok
    load(qtbot, page, f"{site}/page")
    qtbot.waitUntil(lambda: len(set(finished) & set(urls)) >= 2, timeout=WAIT_MS)
    by_url = {url: rid for rid, url in urls.items()}
    got: list[BodyDigest] = []
    channel.body(by_url[f"{site}/image.png"], got.append, keep=False)
    channel.body(by_url[f"{site}/page"], got.append, keep=True)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=WAIT_MS)
    image, html = got
    assert (image.sha256, image.size, image.body) == (hashlib.sha256(IMAGE).hexdigest(), len(IMAGE), None)
    from tests.helpers.responses_site import PAGE

    assert html.body == PAGE and html.sha256 == hashlib.sha256(PAGE).hexdigest() and html.decoded_text


def test_it_opens_no_listening_socket(qtbot: Any, page: QWebEnginePage, site: str) -> None:
    assert "QTWEBENGINE_REMOTE_DEBUGGING" not in os.environ
    assert "remote-debugging" not in os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    load(qtbot, page, f"{site}/page")  # the engine's processes are running
    before = listening(os.getpid())
    channel = open_channel(qtbot, page)
    assert ask(qtbot, channel, "Network.enable").ok
    load(qtbot, page, f"{site}/page")
    assert ask(qtbot, channel, "Runtime.evaluate", {"expression": "1"}).ok
    after = listening(os.getpid())
    assert after - before == set(), f"the DevTools channel opened a listening socket: {after - before}"
    assert not any(kind == "inet" for kind, _ in after - before)


def test_it_refuses_to_start_when_the_debugging_port_is_asked_for(page: QWebEnginePage,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QTWEBENGINE_REMOTE_DEBUGGING", "9222")
    with pytest.raises(DevToolsUnavailable, match="unprotected debugging port"):
        DevToolsChannel(page)


def test_while_a_page_loads_its_records_reach_python_a_few_times_a_second_at_most(qtbot: Any,
                                                                                page: QWebEnginePage) -> None:
    """The assembled records wait in the bridge while the page loads (``LAZY_MS``), so Python, on the
    browser's main thread, is not interrupted once per response while the page is loading."""
    import time

    from tests.helpers.webserver import WebServer
    from ui.browser.devtools import RESPONSE_EVENT
    from ui.browser.responses import switch_on

    channel = DevToolsChannel(page, ("Media.",), page, assemble_responses=True)
    arrivals: list[float] = []
    channel.listen(lambda method, params, session: arrivals.append(time.perf_counter())
                   if method == RESPONSE_EVENT else None)
    enabled: list[Reply] = []
    channel.ready.connect(lambda: switch_on(channel, enabled.append))
    qtbot.waitUntil(lambda: bool(enabled), timeout=WAIT_MS * 2)
    server = WebServer().start()
    try:
        started = time.perf_counter()
        load(qtbot, page, server.url("/many?n=400&kind=css"))
        seconds = time.perf_counter() - started
        qtbot.waitUntil(lambda: len(arrivals) >= 400, timeout=WAIT_MS)
    finally:
        server.stop()
    bursts = 1 + sum(1 for before, after in zip(arrivals, arrivals[1:]) if after - before > 0.005)
    print(f"{bursts} bursts in a load of {seconds:.2f} s")
    assert bursts <= 2 + 2 * seconds, (bursts, seconds)  # at most twice a second while loading, and the end
