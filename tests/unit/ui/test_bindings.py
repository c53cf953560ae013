"""The Qt bindings' reference counts, and the application's guard against PySide6 6.12.0's fault.

PySide6 6.12.0 drops one reference to ``None`` at every call of a method that
returns nothing and one to ``True`` at every signal emitted from Python; under
CPython 3.11 the process aborts ("Fatal Python error: none_dealloc" or
"bool_dealloc") after some thousands. ``ui.bindings.install`` keeps them alive.
Each test runs in a child process, since the fault would abort the test session
itself.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from ui import bindings

EMITS = 5000  # of each of five kinds, and 4 void calls each time: far more than the counts in a fresh process

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
    other = QObject()
    for signal in (emitter.bare, emitter.number, emitter.flag, emitter.text, emitter.anything):
        signal.connect(lambda *args: None)
    emits, calls = sys.argv[2] in ("emits", "both"), sys.argv[2] in ("calls", "both")
    for i in range({EMITS}):
        if emits:
            emitter.bare.emit()
            emitter.number.emit(i)
            emitter.flag.emit(i % 2 == 0)
            emitter.text.emit("a")
            emitter.anything.emit(None)
        if calls:  # methods that return nothing
            other.setObjectName("a")
            app.processEvents()
            other.setParent(None)
            other.setObjectName("b")
    print("survived")
""")


def _emit_in_a_child(mode: str, what: str = "both") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CHILD, mode, what], capture_output=True, text=True, timeout=120,
                          check=False)


def test_with_the_guard_a_long_session_of_signals_never_frees_true() -> None:
    result = _emit_in_a_child("guarded")
    assert result.returncode == 0 and "survived" in result.stdout, (
        f"{EMITS * 5} signals emitted from Python, with ui.bindings installed, ended the process "
        f"(exit {result.returncode}): {result.stderr.strip()[-600:]}")


@pytest.mark.parametrize(("what", "freed"), [("emits", "bool_dealloc"), ("calls", "none_dealloc")])
def test_the_fault_the_guard_is_for_is_real_where_it_acts(what: str, freed: str) -> None:
    """Where the probe finds the fault, the same calls without the guard abort: the guard is not decoration."""
    if sys.version_info >= (3, 12) or not any(bindings.references_lost_per_call().values()):
        pytest.skip("these bindings keep the counts (or None and True are immortal): the guard does nothing here")
    result = _emit_in_a_child("bare", what)
    assert result.returncode != 0 and freed in result.stderr, result.stderr[-600:]
