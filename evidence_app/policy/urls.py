"""Web addresses in one canonical spelling, as a browser would request them.

An address is parsed by the WHATWG URL standard (the ``ada-url`` library), as
Chromium parses what is typed, linked or redirected to: the host goes through
UTS-46 processing, non-transitional, as browsers do it (``straße.example`` is
``xn--strae-oqa.example``, never ``strasse.example``), and an IP address given
in decimal, hex or octal, or percent-encoded, becomes its dotted form; dot
segments (``/a/x/../b``, ``%2e%2e``) are resolved; default ports, user names
and fragments go.

On top of the standard, :func:`web_address` merges the spellings that a web
server treats as the same resource, so that none lets a listed page through:

* ``ws:`` / ``wss:`` are compared as ``http:`` / ``https:`` (same hosts);
* ``[::ffff:192.168.1.10]`` (an IPv4-mapped IPv6 address) is ``192.168.1.10``;
  a trailing dot on the host goes;
* in the path, ``;params`` go from every segment, empty segments (``//``) and
  a trailing slash go, and dot segments uncovered by that are resolved again;
* in the path and the query, every percent-escape is decoded and the result
  re-encoded one way (upper-case hex; letters, digits and ``-._~!$&'()*+,=:@``
  as themselves), except the escapes that carry meaning, which stay escaped:
  ``%2F %25 %3F %23 %3B`` in a path, ``%25 %26 %3D %2B %23 %3B`` in a query.

Nothing here knows about Qt: the browser's request guard and the core's
backstop call the same :func:`web_address` on the fully encoded URL.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from ada_url import parse_url

WEB_SCHEMES = {"http": "http", "https": "https", "ws": "http", "wss": "https"}

_HEX = "0123456789ABCDEFabcdef"
_RAW_OK = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@")
_PATH_KEEP_ESCAPED = frozenset(b"/%?#;")
_QUERY_KEEP_ESCAPED = frozenset(b"%&=+#;")
_QUERY_RAW_OK = _RAW_OK | frozenset(b"/?;")  # raw "&", "=", "+" and ";" stay raw: they are separators
_ALREADY_CANONICAL = {_RAW_OK: re.compile(r"[A-Za-z0-9\-._~!$&'()*+,=:@]*"),
                      _QUERY_RAW_OK: re.compile(r"[A-Za-z0-9\-._~!$&'()*+,=:@/?;]*")}
_PARTS = ("protocol", "hostname", "port", "pathname", "search")


@dataclass(frozen=True)
class WebAddress:
    """An http(s) address in canonical form. ``folder``: its path ended in "/" (and is not the root)."""

    scheme: str        # http | https
    host: str          # ASCII, lower case: a domain, a dotted IPv4 address, or [IPv6]
    port: str          # "" for the scheme's default
    path: str          # "/" or "/a/b", canonical (see the module's notes)
    query: str         # canonical, without "?"; "" when there is none
    folder: bool = False

    @property
    def authority(self) -> str:
        return f"{self.host}:{self.port}" if self.port else self.host

    @property
    def bare(self) -> str:
        """Without the scheme: ``host[:port]/path[?query]``; what the blocklist compares."""
        return self.authority + self.path + (f"?{self.query}" if self.query else "")

    @property
    def href(self) -> str:
        return f"{self.scheme}://{self.bare}"

    @property
    def host_is_ip(self) -> bool:
        return self.host.startswith("[") or _is_ipv4(self.host)

    @property
    def query_pairs(self) -> frozenset[str]:
        return frozenset(p for p in self.query.split("&") if p)


def _is_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def _canonical_host(host: str) -> str:
    if host.startswith("[") and host.endswith("]"):
        try:
            mapped = ipaddress.IPv6Address(host[1:-1]).ipv4_mapped
        except ValueError:
            return host
        return str(mapped) if mapped is not None else host
    return host.rstrip(".")


def _recode(part: str, keep_escaped: frozenset[int], raw_ok: frozenset[int]) -> str:
    """Decode every escape but the meaningful ones, then encode one way (upper-case hex)."""
    if _ALREADY_CANONICAL[raw_ok].fullmatch(part):
        return part  # no escape, nothing to escape: most of them
    out: list[str] = []
    pending = bytearray()

    def flush() -> None:
        out.extend(chr(b) if b in raw_ok else f"%{b:02X}" for b in pending)
        pending.clear()

    data = part.encode("utf-8")
    i = 0
    while i < len(data):
        byte = data[i]
        if byte == 0x25 and i + 2 < len(data) and chr(data[i + 1]) in _HEX and chr(data[i + 2]) in _HEX:
            value = int(data[i + 1:i + 3], 16)
            if value in keep_escaped:
                flush()
                out.append(f"%{value:02X}")
            else:
                pending.append(value)
            i += 3
            continue
        pending.append(byte)
        i += 1
    flush()
    return "".join(out)


def _canonical_path(pathname: str) -> tuple[str, bool]:
    """(path, folder): ;params, empty segments and dot segments gone, escapes one way, no trailing slash."""
    segments: list[str] = []
    for raw in pathname.split("/"):
        segment = _recode(raw.split(";", 1)[0], _PATH_KEEP_ESCAPED, _RAW_OK)
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    path = "/" + "/".join(segments)
    return path, pathname.endswith("/") and path != "/"


def web_address(url: str) -> WebAddress | None:
    """``url`` in canonical form, or None when it is not an http(s)/ws(s) address a browser would request."""
    try:
        parsed = parse_url(url.strip(), attributes=_PARTS)
    except ValueError:
        return None
    scheme = WEB_SCHEMES.get(parsed["protocol"].rstrip(":"))
    if scheme is None or not parsed["hostname"]:
        return None
    path, folder = _canonical_path(parsed["pathname"])
    query = _recode(parsed["search"].removeprefix("?"), _QUERY_KEEP_ESCAPED, _QUERY_RAW_OK)
    return WebAddress(scheme, _canonical_host(parsed["hostname"]), parsed["port"], path, query, folder)


def normalise_url(url: str) -> str:
    """A canonical spelling of ``url`` (see :func:`web_address`); text that is not a web address comes back stripped."""
    found = web_address(url)
    return found.href if found is not None else url.strip()
