"""The request guard: the blocklist before any request leaves, and everything refused once halted."""

from __future__ import annotations

from evidence_app import Blocklist
from evidence_app.policy.blocklist import url_hash
from ui.browser.guard import Blocked, RequestGuard, comparable


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
