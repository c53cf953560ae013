"""Every response recorded from the browser's own connection, checked against what the server sent.

Real QtWebEngine, a real case, a real server on 127.0.0.1 (tests/helpers/responses_site.py):
the recorded IP and port, the headers, every body's SHA-256; text bodies kept, the image's never.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest

from evidence_app import Kind
from evidence_app.web.bodies import BodyRule
from tests.helpers.browser import browser, events, load, wait_for  # noqa: F401
from tests.helpers.responses_site import BODIES, IMAGE, ResponsesSite


@pytest.fixture(scope="module")
def site() -> Iterator[ResponsesSite]:
    server = ResponsesSite().start()
    try:
        yield server
    finally:
        server.stop()


def recorded(qtbot: Any, case: Any, browser: Any, url: str) -> Any:
    """Load ``url``, wait until its responses are journaled, and read the record back."""
    tab = browser.current_tab()
    wait_for(qtbot, lambda: tab.responses.is_ready, timeout=20_000)
    assert load(qtbot, browser, url)
    wait_for(qtbot, lambda: [e for e in events(case, Kind.RESPONSES) if e.data["page_url"] == url], timeout=15_000)
    browser._writer.flush()
    event = [e for e in events(case, Kind.RESPONSES) if e.data["page_url"] == url][0]
    return event, case.read_responses(event.data["id"])


def test_every_response_of_a_page_is_recorded_as_the_server_sent_it(browser, case, site, qtbot) -> None:
    url = f"{site.base}/page"
    event, record = recorded(qtbot, case, browser, url)
    by_path = {r.url.removeprefix(site.base): r for r in record.responses}
    port = int(site.base.rsplit(":", 1)[1])
    for path in ("/page", "/image.png", "/app.js", "/style.css"):
        assert path in by_path, f"{path} was not recorded: {sorted(by_path)}"
    for path, response in by_path.items():
        if path not in BODIES:
            continue
        kind, body = BODIES[path]
        assert (response.method, response.status, response.remote_ip, response.remote_port) == \
            ("GET", 200, "127.0.0.1", port), path
        assert response.response_headers["X-Evidence-Test"] == path.strip("/").split(".")[0]
        assert response.response_headers["Content-Length"] == str(len(body))
        assert response.request_headers.get("Host") == f"127.0.0.1:{port}"
        assert response.protocol.startswith("http/1.1")
        assert response.body is not None and response.body.sha256 == hashlib.sha256(body).hexdigest(), path
        assert response.body.size == len(body)
        assert response.started > 1.7e9 and response.size >= len(body)
    assert event.data["summary"]["document"]["ip"] == "127.0.0.1"
    assert event.data["summary"]["document"]["sha256"] == hashlib.sha256(BODIES["/page"][1]).hexdigest()


def test_text_bodies_are_kept_and_the_image_is_not(browser, case, site, qtbot) -> None:
    _, record = recorded(qtbot, case, browser, f"{site.base}/page")
    by_path = {r.url.removeprefix(site.base): r for r in record.responses}
    wait_for(qtbot, lambda: True)
    image = by_path["/image.png"]
    assert image.body.rule is BodyRule.HASH_ONLY
    assert image.body.sha256 == hashlib.sha256(IMAGE).hexdigest()
    assert hashlib.sha256(IMAGE).hexdigest() not in record.bodies
    assert IMAGE not in record.to_bytes()
    for path in ("/page", "/app.js", "/style.css"):
        response = by_path[path]
        assert response.body.rule is BodyRule.KEEP, path
        assert record.bodies[response.body.sha256] == BODIES[path][1]
