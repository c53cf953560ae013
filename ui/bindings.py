"""A guard against a reference-counting fault of the Qt bindings, installed before any window exists.

PySide6 6.12.0's ``SignalInstance.emit`` hands back ``True`` without taking a
reference to it, so every signal emitted from Python code (a progress bar, a
keystroke in a passphrase box, each answer of a background task) drops one
reference to ``True``. Under CPython 3.11, where ``True`` is an ordinary
object, the process aborts ("Fatal Python error: bool_dealloc") once its count
reaches zero: after a few thousand emits in the application. CPython 3.12 made
``True`` immortal, which hides the fault there.

:func:`install` asks the bindings themselves rather than trusting a version
number: it emits one signal and watches ``True``'s count. When the count drops,
it adds a reserve so large that no session can use it up (one per emit: 2**40
emits would take years), which is what 3.12's immortal objects do. When the
bindings are sound it changes nothing. ``tests/unit/ui/test_bindings.py`` shows
both the fault and the guard.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

RESERVE = 1 << 40


class _Probe(QObject):
    sent = Signal()


def references_lost_per_emit() -> int:
    """How many references to ``True`` one signal emitted from Python drops (0 with sound bindings)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(10):
        probe.sent.emit()
    lost = (before - sys.getrefcount(True)) // 10
    probe.deleteLater()
    return max(lost, 0)


_installed = False


def install() -> bool:
    """Keep ``True`` alive whatever the bindings drop; True if the reserve was needed (and added)."""
    global _installed
    if _installed:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12) or not references_lost_per_emit():
        return False
    ctypes.c_ssize_t.from_address(id(True)).value += RESERVE  # ob_refcnt, the first field of every object
    _installed = True
    return True
