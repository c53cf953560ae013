"""The DevTools Fetch patterns made from the school's list (issue 14): every listed address the browser could
request is paused for the guard, matched the way Chromium's ``base::MatchPattern`` matches a URL."""

from __future__ import annotations

import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_app import Blocklist
from evidence_app.policy.pause_patterns import (
    EVERYTHING,
    patterns_for_host,
    pause_patterns,
)


def chromium_matches(pattern: str, url: str) -> bool:
    """``*`` any text, ``?`` one character, ``\\`` escapes the next: Chromium's wildcard rules."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
        i += 1
    return re.fullmatch("".join(out), url, re.DOTALL) is not None


def paused(patterns: tuple[str, ...], url: str) -> bool:
    return any(chromium_matches(p, url) for p in patterns)


def test_no_list_pauses_nothing() -> None:
    assert pause_patterns(None) == () and pause_patterns(Blocklist.empty()) == ()


def test_a_page_entry_pauses_its_host_on_any_port_and_path() -> None:
    patterns = pause_patterns(Blocklist.from_text("http://listed.example:8080/listed/page\n"))
    assert paused(patterns, "http://listed.example:8080/listed/page")
    assert paused(patterns, "https://listed.example/other")
    assert paused(patterns, "http://user@listed.example/listed/page")
    assert not paused(patterns, "http://elsewhere.example/listed.example/")
    assert not paused(patterns, "http://www.listed.example/listed/page")  # its host only: not a host entry


def test_folder_and_prefix_entries_pause_their_hosts() -> None:
    patterns = pause_patterns(Blocklist.from_text("https://f.example/gallery/\nhttps://p.example/a*\n"))
    assert paused(patterns, "https://f.example/gallery/1") and paused(patterns, "https://p.example/abc")


def test_a_host_entry_pauses_its_subdomains_and_trailing_dot() -> None:
    patterns = pause_patterns(Blocklist.from_text("bad.example\n"))
    for url in ("http://bad.example/", "http://www.bad.example:81/x", "http://bad.example./", "wss://a.b.bad.example/"):
        assert paused(patterns, url), url
    assert not paused(patterns, "http://notbad.example/")


def test_an_ipv4_entry_pauses_its_ipv4_mapped_ipv6_form() -> None:
    patterns = pause_patterns(Blocklist.from_text("192.0.2.7\n"))
    assert paused(patterns, "http://192.0.2.7/") and paused(patterns, "http://[::ffff:c000:207]:8/x")
    assert not paused(patterns, "http://9.192.0.2.7.example/")  # no subdomains of an address


def test_a_hashed_entry_pauses_every_request() -> None:
    assert pause_patterns(Blocklist.from_text("sha256:" + "ab" * 32 + "\nbad.example\n")) == EVERYTHING


def test_wildcards_in_a_host_are_escaped() -> None:
    assert patterns_for_host("a*b.example", subdomains=False)[0] == "*://a\\*b.example?*"


LABEL = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
HOST = st.lists(LABEL, min_size=1, max_size=3).map(lambda labels: ".".join(labels) + ".example")
PATH = st.lists(st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=6), min_size=1, max_size=3).map(
    lambda parts: "/" + "/".join(parts))


@settings(max_examples=200, deadline=None)
@given(HOST, PATH, st.sampled_from(["page", "folder", "host"]), st.sampled_from(["", ":8080"]),
       st.sampled_from(["", "www.", "a.b."]), st.sampled_from(["http", "https"]))
def test_every_address_the_list_matches_is_paused(host: str, path: str, kind: str, port: str, sub: str,
                                                  scheme: str) -> None:
    entry = {"page": f"http://{host}{port}{path}x", "folder": f"http://{host}{port}{path}/", "host": host}[kind]
    listing = Blocklist.from_text(entry + "\n")
    patterns = pause_patterns(listing)
    url = f"{scheme}://{sub if kind == 'host' else ''}{host}{port}{path}{'x' if kind == 'page' else '/y'}"
    assert listing.matches(url) and paused(patterns, url), (entry, url, patterns)
