"""Writes that survive a crash: new files, atomic replacements and fsync'd appends.

A write returns only once the bytes (and, for a new name, the folder entry)
are on stable storage. On failure nothing half-written is left behind and the
``OSError`` becomes a plain-English :class:`StorageError`.

Renames (``replace_file``, ``rename``) are retried for a couple of seconds while
another program holds a file open: on Windows an antivirus scanner, a backup
tool or a second window opening a file makes ``os.replace`` fail with "access
denied" or a sharing violation until it lets go. If it does not, the error says so.
"""

from __future__ import annotations

import errno
import os
import time
from concurrent.futures import Future
from pathlib import Path

from evidence_app.errors import StorageError
from evidence_app.vault.alongside import begin

_HAS_DIR_FSYNC = os.name == "posix"
_sync = getattr(os, "fdatasync", os.fsync)

RENAME_RETRY_SECONDS = 3.0
# Windows: ERROR_ACCESS_DENIED (a file open without FILE_SHARE_DELETE, or in a folder being renamed),
# ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION. Python maps all three to EACCES.
_HELD_OPEN_WINERRORS = frozenset({5, 32, 33})
HELD_OPEN = ("another program has one of its files open (often an antivirus scan, a backup, or a second "
             "Evidence App window). Close other windows, wait a minute and try again")


def storage_error(exc: OSError, what: str) -> StorageError:
    """Turn an OSError into a sentence; ``what`` says what was being saved."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EACCES: "this account may not write to the case folder",
        errno.EPERM: "this account may not write to the case folder",
        errno.EROFS: "the disk is read-only",
        errno.EFBIG: "the file would be larger than the disk allows",
        errno.EIO: "the disk reported an input/output error",
        errno.EISDIR: "a folder is in the way, where the file has to be written",
        errno.ENOTDIR: "a file is in the way, where a folder has to be",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    if getattr(exc, "winerror", None) in (32, 33):
        reason = HELD_OPEN
    error = StorageError(f"Could not save {what}: {reason}. Nothing that was already saved was lost.")
    error.__cause__ = exc
    return error


def fsync_dir(folder: Path) -> None:
    if not _HAS_DIR_FSYNC:
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_new_file(path: Path, data: bytes, what: str, *more: bytes) -> None:
    """Create ``path`` (which must not exist) holding ``data`` (then ``more``, unjoined), durably."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise storage_error(exc, what) from exc
    entry_synced: Future[None] | None = None
    try:
        for part in (data, *more):
            write_all(fd, part)
        # The folder entry and the bytes are synced at the same time: both are done before this
        # returns, and a crash between them leaves a file no record names (set aside at the next
        # opening) or nothing at all; never a record naming a file that is not whole.
        entry_synced = begin(fsync_dir, path.parent) if _HAS_DIR_FSYNC else None
        _sync(fd)
    except OSError as exc:
        _close_quietly(fd)
        _wait_quietly(entry_synced)
        _remove_quietly(path)
        raise storage_error(exc, what) from exc
    try:
        os.close(fd)
        if entry_synced is not None:
            entry_synced.result()
    except OSError as exc:
        raise storage_error(exc, what) from exc


def _may_be_held_open(exc: OSError) -> bool:
    winerror = getattr(exc, "winerror", None)
    if winerror is not None:
        return winerror in _HELD_OPEN_WINERRORS
    return exc.errno in (errno.EACCES, errno.EBUSY)


def rename(source: Path, target: Path, what: str, *, seconds: float | None = None) -> None:
    """``os.replace(source, target)``, retried while another program holds a file open; then a StorageError.

    A failure that persists is told as "this account may not write ..., or another program has one of
    its files open": on Windows the two look the same from here.
    """
    deadline = time.monotonic() + (RENAME_RETRY_SECONDS if seconds is None else seconds)
    pause = 0.02
    while True:
        try:
            os.replace(source, target)
            return
        except OSError as exc:
            if not _may_be_held_open(exc):
                raise storage_error(exc, what) from exc
            if time.monotonic() >= deadline:
                error = storage_error(exc, what)
                if getattr(exc, "winerror", None) not in (32, 33):
                    error = StorageError(f"Could not save {what}: this account may not write to the folder, or "
                                         f"{HELD_OPEN}. Nothing that was already saved was lost.")
                    error.__cause__ = exc
                raise error from exc
            time.sleep(pause)
            pause = min(pause * 2, 0.25)


def _wait_quietly(task: Future[None] | None) -> None:
    """Let a sync begun beside a failed write finish; its own outcome adds nothing to the failure."""
    if task is not None:
        try:
            task.result()
        except OSError:
            pass


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _remove_quietly(path: Path) -> None:
    """Best effort, after a failure that is already being reported: a second error adds nothing."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def replace_file(path: Path, data: bytes, what: str) -> None:
    """Replace ``path`` with ``data`` atomically: readers see the old or the new, never a mix."""
    temporary = path.with_name(path.name + ".new")
    try:
        temporary.unlink(missing_ok=True)
    except OSError as exc:
        if temporary.is_dir() and not temporary.is_symlink():  # Windows says "access denied" for a folder
            raise storage_error(IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(temporary)),
                                what) from exc
        raise storage_error(exc, what) from exc
    write_new_file(temporary, data, what)
    try:
        rename(temporary, path, what)
        fsync_dir(path.parent)
    except (OSError, StorageError) as exc:
        _remove_quietly(temporary)  # if it is held too, the next write removes it
        if isinstance(exc, StorageError):
            raise
        raise storage_error(exc, what) from exc


def append_durably(fd: int, data: bytes, what: str, *, mark: tuple[int, int, bytes] | None = None) -> None:
    """Append ``data`` to the open file ``fd``; on failure, cut the file back to where it was.

    ``mark`` is ``(fd2, offset, bytes)``: bytes written in place, through a second descriptor
    of the same file, after ``data`` and made durable by the same fdatasync (it flushes the file,
    whichever descriptor wrote). On failure the caller puts back what the mark overwrote.

    If cutting back fails too, the caller must not trust the file's end: the journal
    remembers where its last acknowledged record ends and cuts back to it before writing again.
    """
    try:
        start = os.lseek(fd, 0, os.SEEK_END)
    except OSError as exc:
        raise storage_error(exc, what) from exc
    try:
        write_all(fd, data)
        if mark is not None:
            os.lseek(mark[0], mark[1], os.SEEK_SET)
            write_all(mark[0], mark[2])
        _sync(fd)
    except OSError as exc:
        try:
            os.ftruncate(fd, start)
            _sync(fd)
        except OSError:
            pass
        raise storage_error(exc, what) from exc


def make_private_dir(path: Path) -> None:
    """Create a folder only this account can read, and make its entry durable."""
    try:
        path.mkdir(mode=0o700, parents=False, exist_ok=False)
        fsync_dir(path.parent)
    except OSError as exc:
        raise storage_error(exc, "the case folder") from exc
