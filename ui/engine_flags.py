"""The browser engine's start-up flags: the school's listed hosts made unreachable before QtWebEngine starts.

QtWebEngine reads ``QTWEBENGINE_CHROMIUM_FLAGS`` once, when its first profile is
made (the first case window's browser). Until then :meth:`EngineFlags.block_listed_hosts`
puts the core's host-resolver rules (:mod:`evidence_app.policy.resolver_rules`)
there, in front of any rules already set, replacing the ones an earlier call put;
:meth:`EngineFlags.started` (called by the browser's profile) freezes them. After
that, a list changed while the application runs is still checked by the request
guard at once, but connections to its new hosts are blocked only from the next
start: :meth:`EngineFlags.restart_note` says so, naming them, for the start
screen and the settings, and :meth:`EngineFlags.restart_would_block` tells the
application when to offer a restart (:mod:`ui.restart`), which starts again with
:meth:`EngineFlags.environment_for_restart` (the flags as they were before ours).

:data:`ENGINE` is the process's one engine; the application uses it, tests may
make their own with a dictionary for an environment. No QtWebEngine import here:
this runs before the engine exists.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

from evidence_app import Blocklist
from evidence_app.policy.resolver_rules import (
    MAX_FLAGS_CHARS,
    MAX_RULES_CHARS,
    ResolverRules,
    resolver_rules,
    with_resolver_rules,
)

ENV = "QTWEBENGINE_CHROMIUM_FLAGS"


class EngineFlags:
    """The engine's flags in ``environ`` (the process's environment by default), and whether it has read them."""

    def __init__(self, environ: MutableMapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ
        self.before: str | None = None     # the variable as it was before our first change
        self.rules = ResolverRules()       # the rules in the variable: the engine has, or will have, them
        self.has_started = False           # the engine has read the variable

    def block_listed_hosts(self, blocklist: Blocklist | None) -> ResolverRules:
        """Make ``blocklist``'s hosts unreachable for the engine, if it has not started; return the rules in force."""
        if self.has_started:
            return self.rules
        if self.before is None:
            self.before = self.environ.get(ENV, "")
        rules = resolver_rules(blocklist, max_chars=self._room(self.before))
        merged = with_resolver_rules(self.before, rules)
        if merged:
            self.environ[ENV] = merged
        else:
            self.environ.pop(ENV, None)
        self.rules = rules
        return rules

    @staticmethod
    def _room(before: str) -> int:
        room = MAX_FLAGS_CHARS - len(before) - 100  # the switches' names, quotes and separators
        return max(0, min(MAX_RULES_CHARS, room))

    def started(self) -> None:
        """The engine has read its flags (its first profile exists): the rules cannot change any more."""
        self.has_started = True

    def waiting_for_restart(self, blocklist: Blocklist | None) -> tuple[str, ...]:
        """Listed hosts whose connections are not blocked in this run (only the request guard refuses them)."""
        return self.rules.not_covered(blocklist)

    def restart_would_block(self, blocklist: Blocklist | None) -> tuple[str, ...]:
        """Listed hosts a restart would block at the connection level that this run does not (list order).

        Empty before the engine has started: :meth:`block_listed_hosts` still puts every host in then.
        """
        if not self.has_started:
            return ()
        fresh = resolver_rules(blocklist, max_chars=self._room(self.before or ""))
        return tuple(host for host in self.waiting_for_restart(blocklist) if host in fresh.hosts)

    def environment_for_restart(self) -> dict[str, str]:
        """This process's environment with the engine flags as they were before this run added its rules."""
        env = dict(self.environ)
        if self.before is not None:
            env.pop(ENV, None)
            if self.before:
                env[ENV] = self.before
        return env

    def restart_note(self, blocklist: Blocklist | None) -> str:
        """Plain sentences about listed hosts the engine does not block, or "" when there are none."""
        waiting = self.waiting_for_restart(blocklist)
        left_out = set(self.rules.too_many) | set(self.rules.unmappable)
        newly = [host for host in waiting if host not in left_out]
        others = [host for host in waiting if host in left_out]
        said = []
        if newly:
            said.append(f"Listed since Evidence App started: {_names(newly)}. Addresses there are refused at once, "
                        "before any request is sent; connections to them are blocked fully after Evidence App "
                        "is restarted.")
        if others:
            said.append(f"Not blocked at the connection level: {_names(others)} (too many, or names that cannot "
                        "be blocked that way). Addresses there are still refused before any request is sent.")
        return " ".join(said)

    def summary(self, blocklist: Blocklist | None) -> str:
        """For the settings: what is blocked at the connection level, and what waits for a restart."""
        return " ".join(part for part in (self.rules.describe(), self.restart_note(blocklist)) if part)


def _names(hosts: list[str]) -> str:
    return ", ".join(hosts[:3]) + (f" and {len(hosts) - 3} more" if len(hosts) > 3 else "")


ENGINE = EngineFlags()
