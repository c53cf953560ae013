"""Which requests the browser pauses for the request guard before sending them: DevTools ``Fetch`` patterns.

QtWebEngine asks its request interceptor about a sub-resource's redirect only
after it has started to follow it, so a redirect to a listed *page* on an
allowed host could be sent once before the guard's refusal lands. The DevTools
protocol's ``Fetch`` domain pauses a request, redirect hops included, before
anything is sent; the guard then lets it go or refuses it. Pausing costs a round
trip through Python, so only requests that could be listed are paused:
:func:`pause_patterns` gives the ``urlPattern`` wildcards (``*`` any text, ``?``
one character, ``\\`` escapes) for the hosts the school's list names:

* every host of a URL, folder or prefix entry, and every host entry with its
  subdomains (``*://bad.example?*``, ``*.bad.example?*``, ``*@bad.example?*``:
  the character after the host is ``/``, ``:`` or a trailing ``.``); the pattern
  may pause a few more addresses (``bad.examplefoo.org``): the guard decides,
  with :meth:`~evidence_app.policy.blocklist.Blocklist.match`, and lets those go;
* an IPv4 host also in its IPv4-mapped IPv6 form (``[::ffff:c000:207]``), as the
  browser writes ``[::ffff:192.0.2.7]``;
* any hashed entry: every request (``*``), since a hash names no host.

The browser matches patterns against its own canonical URL (lower-case host,
international names in punycode, IP numbers in dotted form), the same form the
list's hosts are kept in.
"""

from __future__ import annotations

import ipaddress

from evidence_app.policy.blocklist import Blocklist
from evidence_app.policy.urls import web_address

EVERYTHING = ("*",)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")


def _host_of(authority: str) -> str | None:
    found = web_address(f"http://{authority}/")
    return found.host if found is not None else None


def _spellings(host: str) -> list[str]:
    """``host`` as the browser may write it in a URL: itself, and an IPv4 address's mapped IPv6 form."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return [host]
    if isinstance(address, ipaddress.IPv4Address):
        mapped = ipaddress.IPv6Address(f"::ffff:{address}").compressed
        return [host, f"[{mapped}]"]
    return [f"[{address.compressed}]"]


def patterns_for_host(host: str, *, subdomains: bool) -> tuple[str, ...]:
    """The wildcards that pause every request to ``host`` (and to its subdomains when ``subdomains``)."""
    out: list[str] = []
    for spelling in _spellings(host):
        name = _escaped(spelling)
        out += [f"*://{name}?*", f"*@{name}?*"]
        if subdomains and not spelling.startswith("[") and not spelling[-1:].isdigit():
            out.append(f"*.{name}?*")
    return tuple(out)


def pause_patterns(blocklist: Blocklist | None) -> tuple[str, ...]:
    """The ``Fetch.enable`` URL patterns for ``blocklist``; empty when nothing needs pausing."""
    if blocklist is None or not len(blocklist):
        return ()
    if blocklist.hashes:
        return EVERYTHING
    patterns: dict[str, None] = {}
    for host in blocklist.hosts:
        patterns.update(dict.fromkeys(patterns_for_host(host, subdomains=True)))
    for authority in (*blocklist.urls, *blocklist.folders, *blocklist.prefixes):
        host = _host_of(authority.split("/", 1)[0])
        if host is not None:
            patterns.update(dict.fromkeys(patterns_for_host(host, subdomains=False)))
    return tuple(patterns)
