"""A child process for fault tests: runs one scenario on a case with faults injected into ``os``.

Usage: python -m tests.helpers.fault_child ROOT CASE_ID SCENARIO FAULTS

``FAULTS`` is a comma-separated list of ``OP:N:MODE``: at the N-th call (from 1,
counted from when the scenario starts) of ``OP`` (``write``, ``fsync``,
``fdatasync``, ``ftruncate``, ``replace``, ``unlink``, ``mkdir``, ``open``, or
``*`` for any of them), do MODE:

* ``kill``: SIGKILL this process before the call (a crash at that instant);
* ``after``: make the call, then SIGKILL;
* ``half``: for ``write``, write half the bytes, then SIGKILL (a torn write);
* ``eio`` / ``enospc``: raise that ``OSError`` instead of making the call.

Scenarios: ``open``, ``stop`` (flag a page), ``capture`` (one capture under the faults, one
without, verify), ``keep`` (keep a page whole: its MHTML, PDF and PNG, three records), ``session``
(three captures, then SIGKILL with the case still open).

The child prints what the core acknowledged, one flushed line each (``ACK``,
``REFUSED <error class>``, ``RETURNED``, ``VERIFY ...``), then ``CALLS <n>`` and
``DONE``, so the parent knows whether the fault was reached and what was promised.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from evidence_app import EvidenceError
from tests.helpers.cases import PASSPHRASES, make_store
from tests.helpers.images import make_png


def _die() -> None:
    """End this process at once, as a crash would: SIGKILL, or on Windows TerminateProcess (os.kill's only way)."""
    os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))

OPS = ("write", "fsync", "fdatasync", "ftruncate", "replace", "unlink", "mkdir", "open")
FLAGGED_URL = "https://example.org/flagged"
KEPT_URL = "https://example.org/kept"
KEPT_LATE = "Some pictures were still loading when the page was drawn."


class Injector:
    """Counts calls of the wrapped ``os`` functions and fires the faults asked for."""

    def __init__(self, spec: str) -> None:
        self.faults: dict[tuple[str, int], str] = {}
        for item in filter(None, spec.split(",")):
            op, nth, mode = item.split(":")
            self.faults[(op, int(nth))] = mode
        self.calls: Counter[str] = Counter()
        self.armed = False

    def wrap(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not self.armed:
                return real(*args, **kwargs)
            self.calls[name] += 1
            self.calls["*"] += 1
            mode = self.faults.get((name, self.calls[name])) or self.faults.get(("*", self.calls["*"]))
            if mode is None:
                return real(*args, **kwargs)
            if mode == "kill":
                _die()
            if mode in ("eio", "enospc"):
                code = errno.EIO if mode == "eio" else errno.ENOSPC
                raise OSError(code, os.strerror(code))
            if mode == "half" and name == "write":
                fd, data = args[0], memoryview(args[1])
                real(fd, data[: max(1, len(data) // 2)])
                _die()
            result = real(*args, **kwargs)
            _die()
            return result

        return wrapper

    def install(self) -> None:
        from evidence_app.vault import durable

        for name in OPS:
            if hasattr(os, name):
                setattr(os, name, self.wrap(name, getattr(os, name)))
        durable._sync = getattr(os, "fdatasync", os.fsync)


def say(*words: object) -> None:
    print(*words, flush=True)


def _capture(case: Any, seed: int) -> None:
    try:
        capture = case.add_capture(make_png(32, 24, seed=seed), kind="viewport",
                                   url=f"https://example.org/{seed}", note=f"note {seed}")
    except EvidenceError as exc:
        say("REFUSED", type(exc).__name__)
    else:
        say("ACK", capture.id, capture.sha256)


def _verify(case: Any) -> None:
    try:
        case.verify()
    except EvidenceError as exc:
        say("VERIFY", type(exc).__name__, str(exc).replace("\n", " "))
    else:
        say("VERIFY ok")


def main() -> None:
    root, case_id, scenario, spec = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    injector = Injector(spec)
    injector.install()
    store = make_store(root)
    if scenario == "open":  # the faults land inside the opening (and its repairs)
        injector.armed = True
        try:
            case = store.open(case_id, PASSPHRASES)
        except EvidenceError as exc:
            say("REFUSED", type(exc).__name__)
        else:
            injector.armed = False
            say("OPENED")
            case.lock()
    else:
        case = store.open(case_id, PASSPHRASES)
        say("READY")
        injector.armed = True
        if scenario == "stop":
            try:
                case.flag_csam(FLAGGED_URL, note="suspected imagery")
            except EvidenceError as exc:
                say("REFUSED", type(exc).__name__)
            else:
                say("RETURNED")
        elif scenario == "session":  # three captures, acknowledged, then a crash: the window never locks
            for seed in (2001, 2002, 2003):
                _capture(case, seed)
            _die()
        elif scenario == "keep":  # keep a page (two files, two records) under the faults, then verify
            from tests.helpers.kept import make_mhtml, make_page_png, make_pdf

            try:
                kept = case.keep_page(mhtml=make_mhtml(text="Kept under faults"), pdf=make_pdf(), png=make_page_png(),
                                      url=KEPT_URL, note="kept under faults", incomplete=KEPT_LATE)
            except EvidenceError as exc:
                say("REFUSED", type(exc).__name__)
            else:
                say("KEPT", kept.id, *(f"{fmt}={digest}" for fmt, digest, _ in kept.files))
            injector.armed = False
            _verify(case)
        elif scenario == "capture":  # one capture under the faults, then one more without, then verify
            _capture(case, 1001)
            injector.armed = False
            _capture(case, 1002)
            _verify(case)
        else:
            raise SystemExit(f"unknown scenario {scenario!r}")
        injector.armed = False
        try:
            case.lock()
        except EvidenceError as exc:
            say("LOCK-REFUSED", type(exc).__name__)
    say("CALLS", injector.calls["*"])
    say("DONE")


if __name__ == "__main__":
    main()
