"""Plain-string decisions of the browser: a jump inside a page, and the http fallback for a typed address."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.browser.page import same_document
from ui.browser.widget import http_fallback_for


@pytest.mark.parametrize(("current", "target", "same"), [
    ("http://h/a.html", "http://h/a.html#x", True),
    ("http://h/a.html#y", "http://h/a.html#x", True),
    ("http://h/a.html", "http://h/b.html#x", False),       # a '#' link to another page is a navigation
    ("http://h/tutorial/index.html", "http://h/library/index.html#library-index", False),
    ("http://h/a.html", "http://h/a.html", False),         # no fragment: a reload, not a jump
    ("", "http://h/a.html#x", False),
])
def test_same_document(current: str, target: str, same: bool) -> None:
    assert same_document(current, target) is same


@given(st.text(), st.text())
def test_same_document_never_raises(current: str, target: str) -> None:
    """The TypeError of QUrl.adjusted on PySide6 6.12 made every such link do nothing: no Qt call here."""
    assert same_document(current, target) in (True, False)


@pytest.mark.parametrize(("typed", "url", "fallback"), [
    ("example.org", "https://example.org", "http://example.org"),
    ("127.0.0.1:8000/index.html", "https://127.0.0.1:8000/index.html", "http://127.0.0.1:8000/index.html"),
    ("https://example.org", "https://example.org", ""),   # asked for https: never weakened to http
    ("http://example.org", "http://example.org", ""),
])
def test_http_fallback_only_for_addresses_typed_without_a_scheme(typed: str, url: str, fallback: str) -> None:
    assert http_fallback_for(typed, url) == fallback
