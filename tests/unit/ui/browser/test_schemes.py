"""Only the web is browsed: the scheme rules, without Qt."""

from __future__ import annotations

import pytest

from ui.browser.schemes import address_from_typed, page_allowed, refusal_message, subresource_allowed


@pytest.mark.parametrize("url", ["http://example.org/", "https://example.org/a?b#c", "HTTPS://X.ORG",
                                 "about:blank"])
def test_web_pages_are_allowed(url: str) -> None:
    assert page_allowed(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "FILE:///C:/Users", "chrome://settings",
                                 "view-source:http://x.org", "ftp://x.org", "javascript:alert(1)",
                                 "data:text/html,hi", "qrc:/x", "about:config", "", "not a url"])
def test_everything_else_is_refused_for_pages(url: str) -> None:
    assert not page_allowed(url)


def test_subresources_may_use_what_web_pages_need_but_not_the_disk() -> None:
    for url in ("data:image/png;base64,AAAA", "blob:https://x.org/123", "wss://x.org/s", "https://x.org/a.css"):
        assert subresource_allowed(url)
    for url in ("file:///etc/passwd", "chrome://gpu", "ftp://x.org/f"):
        assert not subresource_allowed(url)


def test_refusal_messages_are_plain() -> None:
    assert "files on this computer" in refusal_message("file:///etc/passwd")
    assert "not chrome:" in refusal_message("chrome://settings")
    assert "recorded" in refusal_message("ftp://x")


@pytest.mark.parametrize("typed, expected", [
    ("example.org", "https://example.org"),
    ("  http://127.0.0.1:8000/x ", "http://127.0.0.1:8000/x"),
    ("localhost:8000", "https://localhost:8000"),
    ("file:///etc/hostname", "file:///etc/hostname"),
    ("chrome://settings", "chrome://settings"),
    ("two words", "two words"),
    ("", ""),
])
def test_typed_addresses(typed: str, expected: str) -> None:
    assert address_from_typed(typed) == expected
