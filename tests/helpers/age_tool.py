"""Driving Debian's ``age`` command as an officer would, passphrase prompt included.

``age`` reads a passphrase from the terminal only, so it runs here under a
pseudo-terminal and the passphrase is typed at its prompt. POSIX only: ``pty`` is imported
when used, so the modules that import this one still load on Windows (their tests that need
Debian's ``age`` skip there).
"""

from __future__ import annotations

import os
import select
import shutil
import time
from pathlib import Path

AGE = shutil.which("age")


def run_with_tty(argv: list[str], typed: str, cwd: Path, timeout: float = 60.0) -> tuple[int, str]:
    """Run ``argv`` on a pseudo-terminal, type ``typed`` at each passphrase prompt; (exit code, screen)."""
    import pty  # POSIX only

    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the program
        os.chdir(cwd)
        os.execvp(argv[0], argv)
    screen = b""
    answered = 0
    finished, status = 0, 0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    data = os.read(fd, 1024)
                except OSError:
                    break
                if not data:
                    break
                screen += data
                if screen.lower().count(b"passphrase") > answered:
                    answered = screen.lower().count(b"passphrase")
                    os.write(fd, typed.encode() + b"\r")
            finished, status = os.waitpid(pid, os.WNOHANG)
            if finished:
                break
        else:
            os.kill(pid, 9)
        if not finished:
            _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    return os.waitstatus_to_exitcode(status), screen.decode("utf-8", "replace")
