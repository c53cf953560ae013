"""The Qt bindings' reference counts, and the application's guard against PySide6 6.12.0's fault.

PySide6 6.12.0 drops one reference to ``True`` at every signal emitted from
Python; under CPython 3.11 the process aborts ("Fatal Python error:
bool_dealloc") after a few thousand. ``ui.bindings.install`` keeps ``True``
alive. Each test runs in a child process, since the fault would abort the test
session itself.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from ui import bindings

EMITS = 5000  # of each of five kinds: far more than True's count in a fresh process

CHILD = textwrap.dedent(f"""
    import sys
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    if sys.argv[1] == "guarded":
        from ui import bindings
        bindings.install()

    class Emitter(QObject):
        bare = Signal()
        number = Signal(int)
        flag = Signal(bool)
        text = Signal(str)
        anything = Signal(object)

    app = QCoreApplication([])
    emitter = Emitter()
    for signal in (emitter.bare, emitter.number, emitter.flag, emitter.text, emitter.anything):
        signal.connect(lambda *args: None)
    for i in range({EMITS}):
        emitter.bare.emit()
        emitter.number.emit(i)
        emitter.flag.emit(i % 2 == 0)
        emitter.text.emit("a")
        emitter.anything.emit(None)
    print("survived")
""")


def _emit_in_a_child(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, timeout=120,
                          check=False)


def test_with_the_guard_a_long_session_of_signals_never_frees_true() -> None:
    result = _emit_in_a_child("guarded")
    assert result.returncode == 0 and "survived" in result.stdout, (
        f"{EMITS * 5} signals emitted from Python, with ui.bindings installed, ended the process "
        f"(exit {result.returncode}): {result.stderr.strip()[-600:]}")


def test_the_fault_the_guard_is_for_is_real_where_it_acts() -> None:
    """Where the probe finds the fault, the same emits without the guard abort: the guard is not decoration."""
    if sys.version_info >= (3, 12) or not bindings.references_lost_per_emit():
        pytest.skip("these bindings keep True's count (or True is immortal): the guard does nothing here")
    result = _emit_in_a_child("bare")
    assert result.returncode != 0 and "bool_dealloc" in result.stderr, result.stderr[-600:]
