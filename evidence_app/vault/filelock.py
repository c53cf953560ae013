"""One writer per case: an advisory lock on the case folder's ``.lock`` file."""

from __future__ import annotations

import os
from pathlib import Path

from evidence_app.errors import CaseInUse

FILE_NAME = ".lock"

if os.name == "nt":  # pragma: no cover - exercised on Windows builds only
    import msvcrt

    def try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class CaseFileLock:
    """Held while a case is open (unlocked); released on lock."""

    def __init__(self, folder: Path) -> None:
        self._path = folder / FILE_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        if not try_lock(fd):
            os.close(fd)
            raise CaseInUse("This case is already open in another window or program on this computer. "
                            "Close it there first.")
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                unlock(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None
