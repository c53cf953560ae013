"""Chromium's host-resolver rules made from the school's blocklist: no lookup of, and no connection to, a listed host.

The browser's request guard refuses every listed request before it is sent,
but QtWebEngine opens some connections without asking it: a preconnect (a
``<link rel=preconnect>`` or a ``Link:`` response header) is opened in the
network service, and a sub-resource's redirect is followed once before the
guard sees its target. Two Chromium switches, given when the browser engine
starts, reach below both, whatever kind of request or hint names a listed host:

* ``--host-resolver-rules``: its name is "not found" (``~NOTFOUND``), so it is
  never looked up and nothing connects to it directly;
* ``--host-rules``: every connection to it is sent to :data:`NOWHERE` instead,
  which Chromium refuses to open. This one also holds when a proxy server is
  set, where the browser looks no name up itself and the proxy would connect.

:func:`resolver_rules` makes the rules for the list's **host entries**:

* a host name ``bad.example`` (which covers its subdomains): ``MAP bad.example
  ~NOTFOUND`` and ``MAP *.bad.example ~NOTFOUND``, and both again with a
  trailing dot (``bad.example.`` is the same host to a name server);
* an IPv4 address ``192.0.2.7``: that address, and its IPv4-mapped IPv6 form
  (``::ffff:c000:207``, bare and in brackets), which reaches the same computer;
* an IPv6 address: its canonical form, bare and in brackets.

What the rules cannot cover, so the request guard alone stands there:

* URL, folder and prefix entries: their host serves other, allowed pages, so it
  must stay reachable. A redirect to such a page is paused and refused before it
  is sent by the browser's Fetch guard (:mod:`~evidence_app.policy.pause_patterns`);
* hashed entries: a hash cannot be turned back into a host name;
* a host whose name holds anything but letters, digits, ``-`` and ``_`` after
  international processing (``a，b.example`` becomes ``a,b.example``): written
  into the rules, it could break them or add rules of its own, so it is left out;
* host entries beyond :data:`MAX_RULES_CHARS` characters of rules (both switches), in the
  list's order: Chromium's flags travel in an environment variable and on command
  lines, which Windows limits to 32,767 characters.

:func:`with_resolver_rules` puts both into a ``QTWEBENGINE_CHROMIUM_FLAGS``
value, before any rules already there (Chromium applies the first rule that
matches, and reads each switch once only: the last).

Nothing here knows about Qt: the application passes the result to the browser
engine before it starts. A list changed while the application runs cannot
change these rules (the engine reads its flags once): :meth:`ResolverRules.not_covered`
says which listed hosts wait for a restart.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from evidence_app.policy.blocklist import Blocklist

SWITCH = "--host-resolver-rules"
CONNECT_SWITCH = "--host-rules"
# The discard port on this computer: Chromium refuses port 9 as unsafe, so no connection is opened at all.
NOWHERE = "127.0.0.1:9"
MAX_RULES_CHARS = 30_000
MAX_FLAGS_CHARS = 32_767  # Windows: the longest value an environment variable can hold
_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
_SEPARATOR = ", "


@dataclass(frozen=True)
class ResolverRules:
    """The rules, the listed hosts they cover, and the listed hosts they leave to the request guard alone.

    ``too_many``: left out because the rules reached :data:`MAX_RULES_CHARS`;
    ``unmappable``: left out because the name cannot be written into a rule safely.
    """

    rules: tuple[str, ...] = ()
    hosts: frozenset[str] = frozenset()
    too_many: tuple[str, ...] = ()
    unmappable: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """``--host-resolver-rules``' value: the rules joined as Chromium reads them."""
        return _SEPARATOR.join(self.rules)

    @property
    def connect_rules(self) -> tuple[str, ...]:
        """``--host-rules``: the same hosts, each connection sent to :data:`NOWHERE`."""
        return tuple(rule.removesuffix(" ~NOTFOUND") + f" {NOWHERE}" for rule in self.rules)

    def not_covered(self, blocklist: Blocklist | None) -> tuple[str, ...]:
        """The host entries of ``blocklist`` these rules do not block (in the list's order)."""
        if blocklist is None:
            return ()
        return tuple(host for host in _in_list_order(blocklist) if host not in self.hosts)

    def describe(self) -> str:
        """One plain sentence for the settings: what the rules block and what they leave to the guard."""
        if not self.rules and not self.too_many and not self.unmappable:
            return "The blocklist has no host names or IP addresses, so no connections are blocked at start-up."
        count = len(self.hosts)
        said = (f"Connections to {count} listed host{'' if count == 1 else 's'} (names and IP addresses) are "
                "blocked from the start, before any name is looked up.")
        if self.too_many:
            said += (f" {len(self.too_many)} more, from {self.too_many[0]} on, are too many to block that way; "
                     "their addresses are still refused before any request is sent.")
        if self.unmappable:
            said += (f" {len(self.unmappable)} more hold characters that cannot be blocked that way "
                     f"({self.unmappable[0]}); their addresses are still refused before any request is sent.")
        return said


def _in_list_order(blocklist: Blocklist) -> list[str]:
    return sorted(blocklist.hosts, key=lambda host: (blocklist.hosts[host], host))


def rules_for_host(host: str) -> tuple[str, ...] | None:
    """The rules that make ``host`` (a blocklist's canonical host key) "not found"; None if it cannot be mapped."""
    if host.startswith("[") and host.endswith("]"):
        try:
            address = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return None
        patterns: tuple[str, ...] = (str(address), f"[{address}]")
    else:
        try:
            v4 = ipaddress.IPv4Address(host)
        except ValueError:
            if not _NAME.fullmatch(host):
                return None
            patterns = (host, f"*.{host}", f"{host}.", f"*.{host}.")
        else:
            mapped = ipaddress.IPv6Address(f"::ffff:{v4}")
            patterns = (str(v4), str(mapped), f"[{mapped}]")
    return tuple(f"MAP {pattern} ~NOTFOUND" for pattern in patterns)


def resolver_rules(blocklist: Blocklist | None, max_chars: int = MAX_RULES_CHARS) -> ResolverRules:
    """The host-resolver rules for ``blocklist``'s host entries, in the list's order, within ``max_chars``."""
    if blocklist is None:
        return ResolverRules()
    rules: list[str] = []
    hosts: set[str] = set()
    too_many: list[str] = []
    unmappable: list[str] = []
    used = 0
    for host in _in_list_order(blocklist):
        mine = rules_for_host(host)
        if mine is None:
            unmappable.append(host)
            continue
        cost = sum(2 * len(rule) + len(NOWHERE) - len("~NOTFOUND") + 2 * len(_SEPARATOR) for rule in mine)
        if too_many or used + cost > max_chars:
            too_many.append(host)
            continue
        used += cost
        rules.extend(mine)
        hosts.add(host)
    return ResolverRules(tuple(rules), frozenset(hosts), tuple(too_many), tuple(unmappable))


def split_flags(flags: str) -> list[str]:
    """``flags`` cut into arguments as QtWebEngine cuts ``QTWEBENGINE_CHROMIUM_FLAGS``.

    Spaces separate, double quotes group (and are dropped), nothing else is special.
    """
    arguments: list[str] = []
    current: list[str] = []
    quoted = started = False
    for char in flags:
        if char == '"':
            quoted, started = not quoted, True
        elif char == " " and not quoted:
            if started:
                arguments.append("".join(current))
            current, started = [], False
        else:
            current.append(char)
            started = True
    if started:
        arguments.append("".join(current))
    return arguments


def _switch_value(argument: str, switch: str) -> str | None:
    """The value of a ``--switch=...`` argument (``-`` and ``/`` work as prefixes too), else None."""
    for prefix in (switch + "=", switch[1:] + "=", "/" + switch[2:] + "="):
        if argument.lower().startswith(prefix):
            return argument[len(prefix):]
    return None


def _ours_first(arguments: list[str], switch: str, ours: tuple[str, ...]) -> list[str]:
    """``arguments`` with one ``switch`` holding ``ours`` and then the rules of every earlier one."""
    kept: list[str] = []
    earlier: list[str] = []
    for argument in arguments:
        value = _switch_value(argument, switch)
        if value is None:
            kept.append(argument)
        elif value.strip():
            earlier.append(value.strip())
    return [*kept, f"{switch}=" + _SEPARATOR.join([*ours, *earlier])]


def with_resolver_rules(flags: str, rules: ResolverRules) -> str:
    """``flags`` (a ``QTWEBENGINE_CHROMIUM_FLAGS`` value) with ``rules`` first in both switches.

    Rules already in ``flags`` are kept after ours; every other argument is kept as it was.
    """
    if not rules.rules:
        return flags
    arguments = _ours_first(split_flags(flags), SWITCH, rules.rules)
    arguments = _ours_first(arguments, CONNECT_SWITCH, rules.connect_rules)
    return " ".join(_quoted(argument) for argument in arguments)


def _quoted(argument: str) -> str:
    """One argument as :func:`split_flags` reads it back (it cannot hold a double quote: they were dropped)."""
    return f'"{argument}"' if " " in argument or not argument else argument
