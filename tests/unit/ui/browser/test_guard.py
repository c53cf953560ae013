"""The request guard: the blocklist before any request leaves, and everything refused once halted."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QUrl

from evidence_app import Blocklist
from evidence_app.policy.blocklist import url_hash
from ui.browser.guard import Blocked, RequestGuard, comparable, encoded


def test_only_web_addresses_are_compared_and_web_sockets_as_their_host() -> None:
    assert comparable("https://a.example/x") == "https://a.example/x"
    assert comparable("wss://a.example/chat") == "https://a.example/chat"
    assert comparable("ws://a.example/chat") == "http://a.example/chat"
    for other in ("data:text/html,hi", "blob:https://a.example/1", "about:blank", "file:///etc/passwd", ""):
        assert comparable(other) is None


def test_without_a_blocklist_everything_passes_until_halted(qtbot) -> None:
    guard = RequestGuard(None)
    assert not guard.has_blocklist and not guard.refuses("https://a.example/", "page")
    guard.halt()
    assert guard.refuses("https://a.example/", "page") and guard.refuses("data:,x", "image")


def test_a_listed_address_trips_once_and_halts_everything_after_it(qtbot) -> None:
    listed = "https://bad.example/gallery/42"
    guard = RequestGuard(Blocklist.from_text(f"good.example.org.uk.invalid\n{url_hash(listed)}\n"))
    assert not guard.refuses("https://fine.example/", "page")
    with qtbot.waitSignal(guard.tripped, timeout=1000) as tripped:
        assert guard.refuses("HTTPS://BAD.example:443/gallery/42/#frag", "frame")
    blocked = tripped.args[0]
    assert isinstance(blocked, Blocked)
    assert (blocked.line, blocked.kind, blocked.resource) == (2, "hash", "frame")
    assert "line 2, hash entry" in blocked.describe() and listed not in blocked.describe()
    with qtbot.assertNotEmitted(guard.tripped):
        assert guard.refuses("https://fine.example/", "page")  # halted: nothing more leaves
    assert guard.halted and guard.first_blocked == blocked


def test_a_listed_web_socket_host_is_refused(qtbot) -> None:
    guard = RequestGuard(Blocklist.from_text("bad.example\n"))
    assert guard.refuses("wss://chat.bad.example/socket", "websocket")


# ---------------------------------------------------------------------- issue 14: the URL as the browser sends it

GUARDED = [
    ("https://bad.example/caf%C3%A9/a%20b", QUrl("https://bad.example/caf%C3%A9/a%20b")),
    ("https://bad.example/caf%C3%A9/a%20b", QUrl("https://bad.example/café/a b")),
    ("xn--strae-oqa.de", QUrl("https://xn--strae-oqa.de/")),     # QUrl shows it as "straße.de"
    ("xn--strae-oqa.de", QUrl("https://straße.de/x")),
    ("straße.example", QUrl("https://xn--strae-oqa.example/")),
    ("192.168.1.10", QUrl("http://[::ffff:192.168.1.10]/")),
    ("https://bad.example/gallery/", QUrl("https://bad.example/gallery/42?x=1")),
]


def test_qt_shows_an_address_decoded_but_the_browser_sends_it_encoded() -> None:
    requested = QUrl("https://xn--strae-oqa.de/caf%C3%A9/a%20b")
    assert requested.toString() == "https://straße.de/café/a b"  # what the guard used to compare
    assert encoded(requested) == "https://xn--strae-oqa.de/caf%C3%A9/a%20b"


@pytest.mark.parametrize(("entry", "requested"), GUARDED)
def test_the_guard_compares_the_encoded_url(qtbot, entry: str, requested: QUrl) -> None:
    guard = RequestGuard(Blocklist.from_text(entry))
    with qtbot.waitSignal(guard.tripped, timeout=1000) as tripped:
        assert guard.refuses(requested, "page")
    assert tripped.args[0].url == encoded(requested)


def test_a_different_domain_is_not_refused(qtbot) -> None:
    guard = RequestGuard(Blocklist.from_text("straße.example\n"))
    with qtbot.assertNotEmitted(guard.tripped):
        assert not guard.refuses(QUrl("https://strasse.example/"), "page")
        assert not guard.refuses(QUrl("https://xn--strae-oqa.example.org/"), "page")
    assert not guard.halted


HOSTS = st.sampled_from(["bad.example", "straße.example", "xn--bcher-kva.example", "192.168.1.10", "ok.example"])
SEGMENTS = st.lists(st.text(alphabet="abcé ;%20./~-ABß?", min_size=0, max_size=6), max_size=4)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(HOSTS, SEGMENTS, st.sampled_from(["http", "https", "ws", "wss"]))
def test_the_guard_agrees_with_the_core_for_any_qurl(qtbot, host: str, segments: list[str], scheme: str) -> None:
    listing = Blocklist.from_text("bad.example\nhttps://straße.example/caf%C3%A9\nhttp://192.168.1.10/x\n"
                                  "https://xn--bcher-kva.example/a%20b/\n")
    url = f"{scheme}://{host}/" + "/".join(segments)
    requested = QUrl(url)
    if not requested.isValid():
        return
    guard = RequestGuard(listing)
    assert guard.refuses(requested, "fetch") == listing.matches(encoded(requested)) == listing.matches(url), url
