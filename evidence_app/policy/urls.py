"""URL normalisation, so that two spellings of one address compare equal.

Lower-case scheme and host, no default port, no fragment, no trailing slash
on the path, percent-escapes in one form (unreserved characters decoded,
the rest upper-case hex), IDN hosts in their ASCII (punycode) form.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def _normalise_escapes(part: str) -> str:
    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return _ESCAPE.sub(fix, part)


def _ascii_host(host: str) -> str:
    host = host.rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def normalise_url(url: str) -> str:
    """A canonical spelling of ``url``; text that is not a URL comes back stripped."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if not parts.hostname:
        return text
    host = _ascii_host(parts.hostname)
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc += f":{port}"
    path = _normalise_escapes(parts.path).rstrip("/") or ""
    query = _normalise_escapes(parts.query)
    return urlunsplit((scheme, netloc, path or "/", query, ""))
