"""Advisory locks: one writer per case (the case folder's ``.lock`` file), one appender to the register.

``try_lock(fd)`` and ``unlock(fd)`` take and give back an exclusive lock on an open file, whatever
its position: callers lock, seek, read and write, then unlock.

On Windows, ``msvcrt.locking`` locks bytes starting at the file's *current position*, and the lock
is mandatory (another handle cannot read or write the bytes locked). So both functions lock the one
byte at ``LOCK_OFFSET``, far past anything written to a locked file, and put the position back: the
same region is locked and unlocked (unlocking a region never locked raises ``OSError``), and readers
of the file's contents are never blocked by it.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from evidence_app.errors import CaseInUse

FILE_NAME = ".lock"
# A byte beyond the end of any file we lock (the register grows by a few hundred bytes a case), and
# below 2 GiB, where the C runtime's ``_locking`` still takes the position.
LOCK_OFFSET = 0x7FFF_FFF0

if os.name == "nt":  # exercised by the Windows leg (scripts/test-windows)
    import msvcrt

    def _at_lock_byte(fd: int, mode: int) -> None:
        here = os.lseek(fd, 0, os.SEEK_CUR)
        os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, mode, 1)
        finally:
            os.lseek(fd, here, os.SEEK_SET)

    def try_lock(fd: int) -> bool:
        try:
            _at_lock_byte(fd, msvcrt.LK_NBLCK)
            return True
        except OSError as exc:  # EACCES on Windows (Wine reports errno 0): another handle holds it
            if exc.errno in (errno.EBADF, errno.EINVAL):
                raise
            return False

    def unlock(fd: int) -> None:
        _at_lock_byte(fd, msvcrt.LK_UNLCK)
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
