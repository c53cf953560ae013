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
from tests.helpers.browser import browser, events, load, record_trusting_the_test_ca, wait_for  # noqa: F401
from tests.helpers.responses_site import BODIES, IMAGE, NOT_A_PICTURE, ResponsesSite


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
    try:
        wait_for(qtbot, lambda: [e for e in events(case, Kind.RESPONSES) if e.data["page_url"] == url],
                 timeout=15_000)
    except Exception:
        recorder = tab.responses
        raise AssertionError(f"no responses journaled for {url}: journal {[e.kind for e in case.events()]}, "
                             f"pages {[e.data['page_url'] for e in events(case, Kind.RESPONSES)]}, pending "
                             f"{[(p.url, p.finished, p.waiting_for_body) for p in recorder._pending.values()]}"
                             ) from None
    browser.flush()
    event = [e for e in events(case, Kind.RESPONSES) if e.data["page_url"] == url][0]
    return event, case.read_responses(event.data["id"])


def test_every_response_of_a_page_is_recorded_as_the_server_sent_it(browser, case, site, qtbot) -> None:
    url = f"{site.base}/page"
    event, record = recorded(qtbot, case, browser, url)
    by_path = {r.url.removeprefix(site.base): r for r in record.responses}
    port = int(site.base.rsplit(":", 1)[1])
    for path in ("/page", "/image.png", "/app.js", "/style.css", "/posts.json"):
        assert path in by_path, f"{path} was not recorded: {sorted(by_path)}"
    for path, response in by_path.items():
        if path not in BODIES or path == "/disguised.txt":  # a picture decoded as text: its hash is the text's
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
    image = by_path["/image.png"]
    assert image.body.rule is BodyRule.HASH_ONLY
    assert image.body.sha256 == hashlib.sha256(IMAGE).hexdigest()
    assert hashlib.sha256(IMAGE).hexdigest() not in record.bodies
    assert IMAGE not in record.to_bytes()
    disguised = by_path["/disguised.txt"]
    assert disguised.body.rule is BodyRule.HASH_ONLY, "a picture labelled as text was kept"
    assert "starts like a picture" in disguised.body.note
    assert disguised.body.sha256 not in record.bodies and IMAGE[8:40] not in record.to_bytes()
    for path in ("/page", "/app.js", "/style.css", "/posts.json"):  # posts come as JSON: the evidence
        response = by_path[path]
        assert response.body.rule is BodyRule.KEEP, path
        assert record.bodies[response.body.sha256] == BODIES[path][1]


def test_a_picture_the_browser_cannot_decode_is_marked_not_hashed(browser, case, site, qtbot) -> None:
    # Bytes that are not a PNG, served as image/png: the browser gives back an empty body for them.
    # Its hash would be the hash of nothing, not of what the server sent: no hash is claimed.
    _, record = recorded(qtbot, case, browser, f"{site.base}/broken")
    by_path = {r.url.removeprefix(site.base): r for r in record.responses}
    broken = by_path["/broken.png"]
    assert broken.status == 200 and broken.response_headers["Content-Length"] == str(len(NOT_A_PICTURE))
    assert broken.body is not None and broken.body.rule is BodyRule.HASH_ONLY
    assert broken.body.sha256 == "", f"a hash was claimed for bytes never hashed: {broken.body}"
    assert broken.body.sha256 != hashlib.sha256(b"").hexdigest()
    assert "Not hashed" in broken.body.note and f"sent {len(NOT_A_PICTURE)} bytes" in broken.body.note
    assert NOT_A_PICTURE not in record.to_bytes()
    page = by_path["/broken"]  # the page itself, with bytes, is hashed as before
    assert page.body.sha256 == hashlib.sha256(BODIES["/broken"][1]).hexdigest()


@pytest.fixture(scope="module")
def tls_site() -> Iterator[ResponsesSite]:
    server = ResponsesSite(tls=True).start()
    try:
        yield server
    finally:
        server.stop()


def test_a_certificate_error_refuses_the_page_and_is_journaled(browser, case, tls_site, qtbot) -> None:
    said: list[str] = []
    browser.message.connect(said.append)
    wait_for(qtbot, lambda: browser.current_tab().responses.is_ready, timeout=20_000)
    url = f"{tls_site.base}/page"
    load(qtbot, browser, url)
    wait_for(qtbot, lambda: [e for e in events(case, Kind.REFUSED) if e.data["what"] == "certificate"])
    refusal = [e for e in events(case, Kind.REFUSED) if e.data["what"] == "certificate"][0]
    assert refusal.data["url"] == url
    assert hashlib.sha256(tls_site.chain_der[0]).hexdigest() in refusal.data["detail"]
    assert "127.0.0.1" in refusal.data["detail"] and "Evidence Test CA" in refusal.data["detail"]
    assert any("security certificate is not valid" in s for s in said), said
    assert "security certificate is not valid" in browser.status.text()
    assert not [e for e in events(case, Kind.REFUSED) if e.data["what"] == "unreachable"]
    page = browser.current_tab().page
    from tests.helpers.browser import run_js

    assert run_js(qtbot, page, "document.title") != "Responses", "the page was shown despite the certificate"
    browser.flush()
    qtbot.wait(1600)
    browser.flush()
    for event in events(case, Kind.RESPONSES):
        record = case.read_responses(event.data["id"])
        assert not [r for r in record.responses if r.url == url and r.status == 200]


def test_tls_details_and_the_chain_are_recorded_from_the_connection(qtbot, tls_site) -> None:
    """The recorder alone, on a page that (for this test only) accepts the test CA's certificate."""
    record = record_trusting_the_test_ca(qtbot, f"{tls_site.base}/page")
    document = next(r for r in record.responses if r.url == f"{tls_site.base}/page")
    assert document.tls is not None
    assert document.tls.protocol.startswith("TLS 1.")
    assert document.tls.cipher
    assert document.tls.subject == "127.0.0.1" and document.tls.issuer == "Evidence Test CA"
    assert document.tls.chain_der == tuple(tls_site.chain_der)
    assert document.remote_ip == "127.0.0.1"
    assert document.body.sha256 == hashlib.sha256(BODIES["/page"][1]).hexdigest()


def test_the_browser_journals_where_it_runs_when_it_starts(browser, case, qtbot) -> None:
    from PySide6.QtCore import qVersion
    from PySide6.QtWebEngineCore import qWebEngineChromiumVersion

    wait_for(qtbot, lambda: events(case, Kind.PROVENANCE))
    record = events(case, Kind.PROVENANCE)[0].data
    assert (record["qt_version"], record["chromium_version"]) == (qVersion(), qWebEngineChromiumVersion())
    assert "Chrome/" in record["user_agent"] and record["operating_system"] and record["time_zone"]
    assert record["clock_offset_seconds"] is None and record["time_server"] == ""


def test_a_video_that_cannot_play_is_told_and_recorded_by_address_and_hash(browser, case, site, qtbot) -> None:
    from tests.helpers.responses_site import VIDEO

    said: list[str] = []
    browser.message.connect(said.append)
    wait_for(qtbot, lambda: browser.current_tab().responses.is_ready, timeout=20_000)
    assert load(qtbot, browser, f"{site.base}/video")
    wait_for(qtbot, lambda: events(case, Kind.UNPLAYABLE), timeout=15_000)
    browser.flush()
    record = events(case, Kind.UNPLAYABLE)[0].data
    assert record["url"] == f"{site.base}/clip.mp4" and record["page_url"] == f"{site.base}/video"
    assert record["media_type"] == "video/mp4"
    assert record["sha256"] == hashlib.sha256(VIDEO).hexdigest() and record["size"] == len(VIDEO)
    assert any("cannot play in the recorded browser" in s for s in said), said
    assert "cannot play" in browser.status.text()


def test_the_first_page_of_a_new_browser_is_recorded_whole(case, site, qtbot) -> None:
    """Typed at once, before the recorder listens: the page waits for it rather than go unrecorded."""
    from tests.helpers.browser import open_browser

    with open_browser(case, qtbot) as fresh:
        url = f"{site.base}/page"
        with qtbot.waitSignal(fresh.current_tab().page.loadFinished, timeout=20_000):
            fresh.load(url)
        wait_for(qtbot, lambda: [e for e in events(case, Kind.RESPONSES) if e.data["page_url"] == url],
                 timeout=15_000)
        fresh.flush()
        event = [e for e in events(case, Kind.RESPONSES) if e.data["page_url"] == url][0]
        assert event.data["summary"]["document"]["sha256"] == hashlib.sha256(BODIES["/page"][1]).hexdigest()


def test_a_frame_from_another_site_has_its_responses_recorded_too(browser, case, site, qtbot) -> None:
    port = site.base.rsplit(":", 1)[1]
    _, record = recorded(qtbot, case, browser, f"{site.base}/outer")
    urls = {r.url for r in record.responses}
    framed = f"http://localhost:{port}"
    assert f"{framed}/page" in urls, sorted(urls)
    for path in ("/image.png", "/app.js", "/posts.json"):
        assert f"{framed}{path}" in urls, f"the frame's {path} was not recorded: {sorted(urls)}"
    image = next(r for r in record.responses if r.url == f"{framed}/image.png")
    assert image.body.sha256 == hashlib.sha256(IMAGE).hexdigest() and image.body.rule is BodyRule.HASH_ONLY
