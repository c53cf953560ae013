"""Restarting Evidence App: the same program started again, then this one closed cleanly.

Used when the school's list names hosts the browser engine can block fully only
from its next start (:mod:`ui.engine_flags`). :func:`restart_command` is the
command that started this process: a frozen executable with its arguments, or
the same interpreter with the same options and arguments (``python -m ui ...``,
from :data:`sys.orig_argv`). :func:`launch_detached` starts it on its own, in the
same folder, with the environment this process was given: the browser-engine
flags as they were *before* this run added the list's rules, so the new process
makes its rules from the list as it is then, not from this run's.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QProcess, QProcessEnvironment


def restart_command(*, executable: str | None = None, orig_argv: Sequence[str] | None = None,
                    argv: Sequence[str] | None = None, frozen: bool | None = None) -> list[str]:
    """The program and arguments that start this application again as it was started."""
    program = executable or sys.executable
    if getattr(sys, "frozen", False) if frozen is None else frozen:
        return [program, *(sys.argv if argv is None else argv)[1:]]
    return [program, *(sys.orig_argv if orig_argv is None else orig_argv)[1:]]


def launch_detached(command: Sequence[str], environment: Mapping[str, str], folder: str | None = None) -> bool:
    """Start ``command`` as a process of its own (it outlives this one); False if it could not be started."""
    process = QProcess()
    process.setProgram(command[0])
    process.setArguments(list(command[1:]))
    process.setWorkingDirectory(folder or os.getcwd())
    env = QProcessEnvironment()
    for name, value in environment.items():
        env.insert(name, value)
    process.setProcessEnvironment(env)
    return bool(process.startDetached())
