"""A guard against a reference-counting fault of the Qt bindings, installed before any window exists.

PySide6 6.12.0 hands back ``None`` from every method that returns nothing
(``setText``, ``show``, ``processEvents``...) and ``True`` from
``SignalInstance.emit`` without taking a reference to them, so each such call
from Python code drops one reference to ``None`` or ``True``. Under CPython
3.11, where these are ordinary objects, the process aborts ("Fatal Python
error: none_dealloc" or "bool_dealloc") once a count reaches zero: after some
thousands of calls, well inside one session of the application. CPython 3.12
made them immortal, which hides the fault there; PySide6 6.11.3 does not have
it (but crashed in the journey tests here, so the lock keeps 6.12.0).

:func:`install` asks the bindings themselves rather than trusting a version
number: it makes a few such calls and watches the counts. When one drops, it
adds a reserve to ``None``, ``True`` and ``False`` so large that no session can
use it up (one per call: 2**40 calls would take years), which is what 3.12's
immortal objects do. When the bindings are sound it changes nothing.
``tests/unit/ui/test_bindings.py`` shows both the fault and the guard.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

RESERVE = 1 << 40
SINGLETONS = (None, True, False)
PROBES = 10


class _Probe(QObject):
    sent = Signal()


def references_lost_per_call() -> dict[str, int]:
    """How many references to ``None`` one void method call drops, and to ``True`` one emit (0: sound)."""
    probe = _Probe()
    none_before = sys.getrefcount(None)
    for _ in range(PROBES):
        probe.setObjectName("probe")  # returns nothing
    none_lost = (none_before - sys.getrefcount(None)) // PROBES
    true_before = sys.getrefcount(True)
    for _ in range(PROBES):
        probe.sent.emit()
    true_lost = (true_before - sys.getrefcount(True)) // PROBES
    probe.deleteLater()
    return {"None": max(none_lost, 0), "True": max(true_lost, 0)}


_installed = False


def install() -> bool:
    """Keep ``None``, ``True`` and ``False`` alive whatever the bindings drop; True if the reserve was added."""
    global _installed
    if _installed:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if not any(references_lost_per_call().values()):
        return False
    for singleton in SINGLETONS:
        ctypes.c_ssize_t.from_address(id(singleton)).value += RESERVE  # ob_refcnt: the first field of an object
    _installed = True
    return True
