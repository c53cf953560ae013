"""The browser engine's start-up flags: the school's listed hosts made unreachable before QtWebEngine starts.

QtWebEngine reads ``QTWEBENGINE_CHROMIUM_FLAGS`` once, when its first profile is
made (the first case window's browser). Until then :func:`block_listed_hosts`
puts the core's host-resolver rules (:mod:`evidence_app.policy.resolver_rules`)
there, in front of any rules already set, replacing the ones an earlier call put;
:func:`engine_started` (called by the browser's profile) freezes them. After
that, a list changed while the application runs is still checked by the request
guard at once, but connections to its new hosts are blocked only from the next
start: :func:`waiting_for_restart` names those hosts for the settings and the
start screen.

No QtWebEngine import here: this runs before the engine exists.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

from evidence_app import Blocklist
from evidence_app.policy.resolver_rules import ResolverRules, resolver_rules, with_resolver_rules

ENV = "QTWEBENGINE_CHROMIUM_FLAGS"


class _State:
    before: str | None = None      # the variable as it was before our first change (None: not set)
    rules = ResolverRules()        # the rules now in the variable
    started = False                # the engine has read the variable


def block_listed_hosts(blocklist: Blocklist | None,
                       environ: MutableMapping[str, str] | None = None) -> ResolverRules:
    """Make ``blocklist``'s hosts unreachable for the engine, if it has not started; return the rules in force."""
    env = os.environ if environ is None else environ
    if _State.started:
        return _State.rules
    if _State.before is None:
        _State.before = env.get(ENV, "")
    rules = resolver_rules(blocklist)
    merged = with_resolver_rules(_State.before, rules)
    if merged:
        env[ENV] = merged
    else:
        env.pop(ENV, None)
    _State.rules = rules
    return rules


def engine_started() -> None:
    """The engine has read its flags (its first profile exists): the rules cannot change any more."""
    _State.started = True


def in_force() -> ResolverRules:
    """The rules the engine has, or will have when it starts."""
    return _State.rules


def has_started() -> bool:
    return _State.started


def waiting_for_restart(blocklist: Blocklist | None) -> tuple[str, ...]:
    """Listed hosts whose connections are not blocked in this run (only the request guard refuses them)."""
    return _State.rules.not_covered(blocklist)


def restart_note(blocklist: Blocklist | None) -> str:
    """A plain sentence about hosts listed since the engine started, or "" when there are none."""
    waiting = waiting_for_restart(blocklist)
    if not waiting:
        return ""
    names = ", ".join(waiting[:3]) + (f" and {len(waiting) - 3} more" if len(waiting) > 3 else "")
    if _State.started:
        return (f"Newly listed: {names}. Addresses there are refused at once, before any request is sent; "
                "connections to them are blocked fully after Evidence App is restarted.")
    return (f"Not blocked at the connection level: {names} (too many, or names that cannot be blocked that way). "
            "Addresses there are still refused before any request is sent.")
