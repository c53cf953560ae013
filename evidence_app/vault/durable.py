"""Writes that survive a crash: new files, atomic replacements and fsync'd appends.

A write returns only once the bytes (and, for a new name, the folder entry)
are on stable storage. On failure nothing half-written is left behind and the
``OSError`` becomes a plain-English :class:`StorageError`.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from evidence_app.errors import StorageError

_HAS_DIR_FSYNC = os.name == "posix"
_sync = getattr(os, "fdatasync", os.fsync)


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
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
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
    try:
        for part in (data, *more):
            write_all(fd, part)
        _sync(fd)
    except OSError as exc:
        _close_quietly(fd)
        _remove_quietly(path)
        raise storage_error(exc, what) from exc
    try:
        os.close(fd)
        fsync_dir(path.parent)
    except OSError as exc:
        raise storage_error(exc, what) from exc


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
    temporary.unlink(missing_ok=True)
    write_new_file(temporary, data, what)
    try:
        os.replace(temporary, path)
        fsync_dir(path.parent)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise storage_error(exc, what) from exc


def append_durably(fd: int, data: bytes, what: str) -> None:
    """Append ``data`` to the open file ``fd``; on failure, cut the file back to where it was.

    If cutting back fails too, the caller must not trust the file's end: the journal
    remembers where its last acknowledged record ends and cuts back to it before writing again.
    """
    try:
        start = os.lseek(fd, 0, os.SEEK_END)
    except OSError as exc:
        raise storage_error(exc, what) from exc
    try:
        write_all(fd, data)
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
