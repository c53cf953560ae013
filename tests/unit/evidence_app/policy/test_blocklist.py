"""The school's blocklist: every spelling of a listed address matches, nothing else does."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_app.policy.blocklist import Blocklist, BlocklistError, url_hash
from evidence_app.policy.urls import normalise_url, web_address
from tests.helpers.url_spellings import SEGMENT_CHARS, escape, listed_and_spelled

LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
HOST = st.builds(lambda labels, tld: ".".join([*labels, tld]), st.lists(LABEL, min_size=1, max_size=3),
                 st.sampled_from(["example", "test", "invalid"]))
SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~", min_size=1, max_size=8)
PATH = st.lists(SEGMENT, min_size=0, max_size=4).map(lambda parts: "/" + "/".join(parts))
QUERY = st.one_of(st.just(""), st.builds(lambda k, v: f"{k}={v}", LABEL, LABEL))


@st.composite
def listed_url(draw) -> str:
    scheme = draw(st.sampled_from(["http", "https"]))
    query = draw(QUERY)
    return f"{scheme}://{draw(HOST)}{draw(PATH)}" + (f"?{query}" if query else "")


def _encode_some(path: str, seed: int) -> str:
    """Percent-encode some unreserved characters (which must not change the address)."""
    return "".join(f"%{ord(c):02x}" if c.isalnum() and (i + seed) % 3 == 0 else c for i, c in enumerate(path))


@st.composite
def respelled(draw, url: str) -> str:
    """The same address, spelled differently: case, default port, trailing slash, escapes, fragment, scheme."""
    scheme, rest = url.split("://", 1)
    host, _, tail = rest.partition("/")
    path, _, query = ("/" + tail).partition("?")
    if draw(st.booleans()):
        scheme = scheme.upper()
    if draw(st.booleans()):
        host = host.upper()
    if draw(st.booleans()):
        host += ":443" if scheme.lower() == "https" else ":80"
    if draw(st.booleans()):
        scheme = "https" if scheme.lower() == "http" else "http"
        host = host.split(":")[0]
    if draw(st.booleans()):
        path = _encode_some(path, draw(st.integers(0, 2)))
    if draw(st.booleans()) and not path.endswith("/"):
        path += "/"
    spelled = f"{scheme}://{host}{path}" + (f"?{query}" if query else "")
    if draw(st.booleans()):
        spelled += "#" + draw(LABEL)
    return spelled


@settings(max_examples=150, deadline=None)
@given(st.data(), listed_url())
def test_every_spelling_of_a_listed_url_matches(data, url: str) -> None:
    blocklist = Blocklist.from_text(url)
    spelled = data.draw(respelled(url))
    assert blocklist.matches(spelled), (url, spelled)


@settings(max_examples=150, deadline=None)
@given(st.data(), listed_url())
def test_every_spelling_of_a_hashed_url_matches(data, url: str) -> None:
    blocklist = Blocklist.from_text(f"sha256:{url_hash(url)}")
    assert blocklist.matches(data.draw(respelled(url)))


@settings(max_examples=150, deadline=None)
@given(listed_url(), PATH)
def test_a_prefix_covers_every_page_below_it(url: str, below: str) -> None:
    base = url.split("?")[0].rstrip("/")
    blocklist = Blocklist.from_text(base + "/*")
    assert blocklist.matches(base + below)
    scheme, rest = base.split("://")
    host, _, path = rest.partition("/")
    assert blocklist.matches(f"{scheme.upper()}://{host.upper()}/{path}{below}")


@settings(max_examples=150, deadline=None)
@given(HOST, LABEL, PATH)
def test_a_host_covers_its_subdomains_but_not_lookalikes(host: str, label: str, path: str) -> None:
    blocklist = Blocklist.from_text(host)
    assert blocklist.matches(f"https://{host}{path}")
    assert blocklist.matches(f"http://{label}.{host.upper()}:80{path}")
    assert not blocklist.matches(f"https://{label}{host}{path}")
    assert not blocklist.matches(f"https://{host}.{label}{path}")


@settings(max_examples=150, deadline=None)
@given(listed_url(), listed_url())
def test_different_pages_do_not_match(first: str, second: str) -> None:
    listed, other = web_address(first), web_address(second)
    assert listed is not None and other is not None
    if listed.bare == other.bare or (listed.authority + listed.path == other.authority + other.path
                                     and listed.query_pairs <= other.query_pairs):
        return  # the same page, or the listed page with a query added, which it covers (issue 14)
    assert not Blocklist.from_text(first).matches(second)
    if urlsplit(first).hostname != urlsplit(second).hostname:  # a hashed entry also covers the pages below it
        assert not Blocklist.from_text(f"sha256:{url_hash(first)}").matches(second)


def test_a_folder_prefix_is_not_a_string_prefix() -> None:
    blocklist = Blocklist.from_text("https://cdn.example/private/*")
    assert blocklist.matches("https://cdn.example/private")
    assert blocklist.matches("https://cdn.example/private?page=2")
    assert blocklist.matches("https://cdn.example/private/a/b.jpg")
    assert not blocklist.matches("https://cdn.example/privateer")
    assert Blocklist.from_text("https://cdn.example/priv*").matches("https://cdn.example/privateer")


def test_fragments_case_ports_slashes_and_escapes(tmp_path: Path) -> None:
    listing = tmp_path / "blocklist.txt"
    listing.write_text("\ufeff# the school's list\n\nhttps://Example.org:443/Gallery/42/  # the page reported\n",
                       encoding="utf-8")
    blocklist = Blocklist.from_file(listing)
    for spelled in ["https://example.org/Gallery/42", "HTTPS://EXAMPLE.ORG/Gallery/42#top",
                    "http://example.org:80/Gallery/42/", "https://example.org/%47allery/%34%32"]:
        assert blocklist.matches(spelled), spelled
    assert not blocklist.matches("https://example.org/gallery/42")  # paths are case-sensitive
    assert blocklist.match("https://example.org/Gallery/42").line == 3  # type: ignore[union-attr]


@pytest.mark.parametrize("line", ["file:///etc/passwd", "not a host!", "ftp://example.org/x", "sha256:abc"])
def test_bad_lines_are_named(line: str) -> None:
    with pytest.raises(BlocklistError, match="Line 2"):
        Blocklist.from_text("good.example\n" + line)


def test_missing_or_unreadable_files_say_so(tmp_path: Path) -> None:
    with pytest.raises(BlocklistError, match="does not exist"):
        Blocklist.from_file(tmp_path / "nope.txt")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9.example\n".encode("latin-1"))
    with pytest.raises(BlocklistError, match="UTF-8"):
        Blocklist.from_file(tmp_path / "latin1.txt")


def test_idn_hosts_match_in_either_form() -> None:
    blocklist = Blocklist.from_text("b\u00fccher.example")
    assert blocklist.matches("https://xn--bcher-kva.example/x")
    assert blocklist.matches("https://B\u00dcCHER.example/")


def test_the_core_stops_a_listed_address_that_reaches_it(case) -> None:
    from evidence_app import CaseSealed, Kind, Status
    from tests.helpers.images import make_png

    case.use_blocklist(Blocklist.from_text("# the school's list\nbad.example\n"))
    case.record_visit("https://good.example/")
    png = make_png(seed=11)
    with pytest.raises(CaseSealed, match="blocklist"):
        case.add_capture(png, kind="viewport", url="https://www.BAD.example/gallery")
    assert case.status is Status.SEALED and case.captures() == []
    flagged = [e for e in case.events() if e.kind == Kind.FLAGGED][-1]
    assert flagged.data["url"] == "https://www.BAD.example/gallery" and "line 2" in flagged.data["note"]
    assert [e.data["url"] for e in case.events() if e.kind == Kind.VISIT] == ["https://good.example/"]


@pytest.mark.parametrize("record", ["visit", "snapshot"])
def test_a_listed_visit_or_snapshot_is_never_recorded(case, record: str) -> None:
    from evidence_app import CaseSealed, Kind, Status

    case.use_blocklist(Blocklist.from_text("https://bad.example/page"))
    with pytest.raises(CaseSealed):
        if record == "visit":
            case.record_visit("https://bad.example/page#top")
        else:
            case.add_page_snapshot("<html>listed</html>", url="http://BAD.example:80/page/")
    assert case.status is Status.SEALED
    assert not [e for e in case.events() if e.kind in (Kind.VISIT, Kind.SNAPSHOT)]


# ---------------------------------------------------------------------- issue 14: what the browser actually sends

SPELLINGS = [
    # 1. percent-encoding: the browser sends the encoded form; a list may hold either
    ("https://bad.example/caf%C3%A9/a%20b", "https://bad.example/caf%C3%A9/a%20b"),
    ("https://bad.example/caf%C3%A9/a%20b", "https://bad.example/café/a b"),
    ("https://bad.example/café/a b", "https://bad.example/caf%C3%A9/a%20b"),
    ("https://bad.example/caf%C3%A9", "https://bad.example/caf%c3%a9"),
    ("https://bad.example/it's", "https://bad.example/it%27s"),
    ("https://bad.example/search?q=caf%C3%A9", "https://bad.example/search?q=café"),
    # 2. internationalised hosts, UTS-46 non-transitional (ß stays ß)
    ("xn--strae-oqa.de", "https://xn--strae-oqa.de/"),
    ("xn--strae-oqa.de", "https://straße.de/page"),
    ("straße.example", "https://xn--strae-oqa.example/"),
    ("straße.example", "https://STRAßE.example/"),
    ("https://straße.example/p", "https://xn--strae-oqa.example/p"),
    ("bad.example", "https://ｂａｄ.example/"),          # full-width letters map to ASCII
    ("bad.example", "https://bad.example./x"),          # a trailing dot on the host
    # 3. spellings that reach the same resource
    ("https://bad.example/gallery/42", "https://bad.example/gallery/42?utm_source=x"),
    ("https://bad.example/gallery/42", "https://bad.example//gallery//42"),
    ("https://bad.example/gallery/42", "https://bad.example/gallery;jsessionid=1/42;x=y"),
    ("https://bad.example/a%C3%A9", "https://bad.example/a%c3%a9"),
    ("https://bad.example/a/b", "https://bad.example/a/x/../b"),
    ("https://bad.example/a/b", "https://bad.example/a/./x/%2e%2E/b"),
    ("https://bad.example/a/b", "https://bad.example/a/x/..;y/b"),
    ("https://bad.example/a/b", "https://user:pw@bad.example/a/b"),
    ("https://bad.example/a/b", "wss://bad.example/a/b"),
    ("https://bad.example/view?id=42", "https://bad.example/view?x=1&id=42"),
    ("https://bad.example/view?id=42&p=1", "https://bad.example/view?p=1&id=42"),
    ("192.168.1.10", "http://[::ffff:192.168.1.10]/"),
    ("192.168.1.10", "http://[::ffff:c0a8:10a]:8080/x"),
    ("192.168.1.10", "http://3232235786/"),             # decimal
    ("192.168.1.10", "http://0xc0.0xa8.0x1.0xa/"),      # hex
    ("192.168.1.10", "http://0300.0250.01.012/"),       # octal
    ("192.168.1.10", "http://192.168.266/"),            # short form, the last part 16 bits
    ("192.168.1.10", "http://%31%39%32.168.1.10/"),     # a percent-encoded host
    ("bad.example", "http://b%61d.example/"),
    ("http://192.168.1.10/x", "http://0xC0A8010A/x"),
    ("[2001:db8::1]", "http://[2001:0db8:0:0:0:0:0:1]/"),
    ("2001:db8::1", "http://[2001:db8::1]/"),
    # 4. a folder's address covers the folder
    ("https://bad.example/gallery/", "https://bad.example/gallery/42/photo.jpg"),
    ("https://bad.example/gallery/", "https://bad.example/gallery"),
    ("https://bad.example/gallery/", "https://bad.example/gallery?page=2"),
    ("https://bad.example/gallery/", "https://bad.example//gallery;x/42"),
]


@pytest.mark.parametrize(("entry", "spelled"), SPELLINGS)
def test_every_spelling_the_browser_may_send_is_listed(entry: str, spelled: str) -> None:
    assert Blocklist.from_text(entry).matches(spelled), (entry, spelled)
    if "://" in entry:  # a hashed list says the same
        assert Blocklist.from_text(url_hash(entry)).matches(spelled) or "?" in entry


NOT_LISTED = [
    ("straße.example", "https://strasse.example/"),     # a different domain: it must never seal a case
    ("strasse.example", "https://straße.example/"),
    ("xn--strae-oqa.de", "https://strasse.de/"),
    ("https://bad.example/gallery/42", "https://bad.example/gallery/420"),
    ("https://bad.example/gallery/42", "https://bad.example/Gallery/42"),   # paths are case-sensitive
    ("https://bad.example/a%2Fb", "https://bad.example/a/b"),               # an escaped "/" is not a folder
    ("https://bad.example/view?id=42", "https://bad.example/view?id=421"),
    ("https://bad.example/view?id=42", "https://bad.example/view"),
    ("https://bad.example/gallery/", "https://bad.example/gallery-of-art"),
    ("https://bad.example/", "https://bad.example/other"),                  # the home page is not the site
    ("192.168.1.10", "http://192.168.1.100/"),
    ("192.168.1.10", "http://[::192.168.1.10]/"),
    ("bad.example", "https://notbad.example/"),
    ("https://bad.example/x", "https://bad.example:8443/x"),
]


@pytest.mark.parametrize(("entry", "other"), NOT_LISTED)
def test_other_addresses_are_not_listed(entry: str, other: str) -> None:
    assert not Blocklist.from_text(entry).matches(other), (entry, other)


def test_the_canonical_form_is_the_encoded_url_and_hashes_are_made_of_it() -> None:
    assert normalise_url("HTTPS://Straße.Example:443//a;x/./b/../café/a b/?q=é#frag") == \
        "https://xn--strae-oqa.example/a/caf%C3%A9/a%20b?q=%C3%A9"
    assert normalise_url("http://[::ffff:192.168.1.10]:80/") == "http://192.168.1.10/"
    assert normalise_url("ws://bad.example/%7e%41") == "http://bad.example/~A"
    assert url_hash("https://bad.example/a/") == \
        hashlib.sha256(b"https://bad.example/a").hexdigest()
    # exactly what a hashed list must hash (blocklist.py's notes): scheme, ASCII host, path, query; no fragment
    assert url_hash("HTTPS://Straße.example:443/Café/;x?q=1&r=é#top") == \
        hashlib.sha256(b"https://xn--strae-oqa.example/Caf%C3%A9?q=1&r=%C3%A9").hexdigest()
    assert url_hash("http://[::ffff:c0a8:10a]:8080/") == hashlib.sha256(b"http://192.168.1.10:8080/").hexdigest()
    assert web_address("data:text/html,hi") is None and web_address("file:///etc/passwd") is None
    assert web_address("http://") is None and web_address("not a url") is None


def test_a_folder_entry_is_said_to_be_a_folder() -> None:
    found = Blocklist.from_text("# list\nhttps://bad.example/gallery/\n").match("https://bad.example/gallery/1")
    assert found is not None and (found.line, found.kind) == (2, "folder")


@pytest.mark.parametrize("line", ["http://bad example/", "https://[::1/x", "bad.example/gallery"])
def test_malformed_addresses_are_named(line: str) -> None:
    with pytest.raises(BlocklistError, match="Line 2"):
        Blocklist.from_text("good.example\n" + line)


# ---------------------------------------------------------------------- issue 14: spellings, generated

@settings(max_examples=300, deadline=None)
@given(listed_and_spelled())
def test_every_generated_spelling_of_a_listed_page_is_listed(pair: tuple[str, str]) -> None:
    entry, url = pair
    assert Blocklist.from_text(entry).matches(url), pair
    assert Blocklist.from_text(url_hash(entry)).matches(url), pair
    host = web_address(entry)
    assert host is not None and Blocklist.from_text(host.host).matches(url), pair


@settings(max_examples=150, deadline=None)
@given(listed_and_spelled(), st.sampled_from(SEGMENT_CHARS.replace(" ", "")))
def test_a_changed_path_is_not_listed(pair: tuple[str, str], char: str) -> None:
    entry, url = pair
    listed = web_address(entry)
    assert listed is not None
    other = f"{listed.scheme}://{listed.authority}{listed.path}{escape(char, True)}zz"
    assert not Blocklist.from_text(listed.href).matches(other), (entry, other)


HOSTILE = st.one_of(st.text(), st.builds(lambda a, b: f"http://{a}/{b}", st.text(), st.text()),
                    st.builds(lambda a: f"https://bad.example/{a}", st.text()))


@settings(max_examples=500, deadline=None)
@given(HOSTILE)
def test_any_text_is_matched_without_error(text: str) -> None:
    listing = Blocklist.from_text("bad.example\nhttps://x.example/a/\nhttps://x.example/p?q=1\n"
                                  "https://y.example/pre*\n" + "0" * 64)
    found = listing.match(text)  # never an exception, whatever the text
    assert found is None or (web_address(text) is not None and found.line >= 1)


@settings(max_examples=300, deadline=None)
@given(st.one_of(HOSTILE, st.builds(lambda a: f"https://x.example/{a}*", st.text())))
def test_any_line_is_an_entry_or_a_plain_error(line: str) -> None:
    try:
        Blocklist.from_text(line)
    except BlocklistError as error:
        assert str(error).startswith("Line ") or "entries" in str(error)
