"""Hypothesis strategies for the blocklist: a listed page, and the same page as a browser may be given it.

Hosts in Unicode, punycode, full-width letters, with a trailing dot or an escape,
and IPv4 addresses in every number form browsers accept; paths with escapes in
either case, ``//``, ``/./``, ``/x/../`` and ``;params``; default ports, user
names, ``ws:``, queries added and fragments.
"""

from __future__ import annotations

from hypothesis import strategies as st

HOST_SPELLINGS = {  # a host, and the ways a browser may be given it
    "bad.example": ["bad.example", "BAD.Example", "ｂａｄ.example", "bad.example.", "b%61d.example"],
    "xn--strae-oqa.example": ["straße.example", "STRAßE.example", "xn--strae-oqa.example", "XN--STRAE-OQA.EXAMPLE"],
    "xn--bcher-kva.example": ["bücher.example", "BÜCHER.example", "xn--bcher-kva.example"],
    "192.168.1.10": ["192.168.1.10", "3232235786", "0xc0a8010a", "0300.0250.01.012", "192.168.266",
                     "[::ffff:192.168.1.10]", "[::ffff:c0a8:10a]", "%31%39%32.168.1.10", "0xC0.0xA8.1.10"],
}
SEGMENT_CHARS = "abcXYZ019-._~é ß'!(+,=:@"
CANON_SEGMENT = st.text(alphabet=SEGMENT_CHARS, min_size=1, max_size=6).filter(lambda s: s not in (".", ".."))


def escape(char: str, upper: bool) -> str:
    return "".join(f"%{b:02X}" if upper else f"%{b:02x}" for b in char.encode("utf-8"))


@st.composite
def spelled_path(draw: st.DrawFn, segments: list[str]) -> str:
    """The same path as a browser may be given it: escapes, //, /./, /x/../, ;params."""
    parts: list[str] = []
    for segment in segments:
        # a space is always escaped: raw at the end of a line or an address it would be trimmed, by us and by browsers
        chars = [escape(c, draw(st.booleans())) if c == " " or draw(st.integers(0, 3)) == 0 else c for c in segment]
        parts.append("".join(chars))
        if draw(st.integers(0, 5)) == 0:
            parts[-1] += ";" + draw(st.sampled_from(["jsessionid=1", "x", "a=b"]))
        extra = draw(st.integers(0, 7))
        if extra == 0:
            parts.append("")                      # "//"
        elif extra == 1:
            parts.append(".")                     # "/./"
        elif extra == 2:
            parts += [draw(CANON_SEGMENT), ".."]  # "/x/../"
    path = "/" + "/".join(parts)
    if draw(st.booleans()):
        path += "/"
    return path


@st.composite
def listed_and_spelled(draw: st.DrawFn, *, fetchable: bool = False) -> tuple[str, str]:
    """(an entry, the same page as a browser may request it). ``fetchable``: no user name, http(s) only."""
    host = draw(st.sampled_from(sorted(HOST_SPELLINGS)))
    segments = draw(st.lists(CANON_SEGMENT, min_size=1, max_size=3))
    entry_host, url_host = (draw(st.sampled_from(HOST_SPELLINGS[host])) for _ in range(2))
    scheme = draw(st.sampled_from(["http", "https"]))
    entry = f"{scheme}://{entry_host}{draw(spelled_path(segments))}"
    url_scheme = draw(st.sampled_from(["http", "https", "HTTPS"] + ([] if fetchable else ["ws", "wss"])))
    port = draw(st.sampled_from(["", ":80" if url_scheme.lower() in ("http", "ws") else ":443"]))
    user = "" if fetchable else draw(st.sampled_from(["", "user@", "u:p@"]))
    url = f"{url_scheme}://{user}{url_host}{port}{draw(spelled_path(segments))}"
    if draw(st.booleans()):
        url += "?" + draw(st.sampled_from(["utm_source=x", "a=1&b=%C3%A9", "page=2"]))
    if draw(st.booleans()):
        url += "#" + draw(st.sampled_from(["top", "x y"]))
    return entry, url
