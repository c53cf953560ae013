"""Small real file systems for tests: a tmpfs mounted for the test, optionally nearly full (needs root)."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_disk(mount_point: Path, *, size_kib: int = 2048, leave_kib: int | None = None,
               read_only: bool = False) -> Iterator[Path]:
    """A tmpfs of ``size_kib`` at ``mount_point``; with ``leave_kib``, a file named ``filler`` leaves that much free;
    with ``read_only``, remounted read-only (a stick with its write-protect switch on).

    Skips the test where mounting is not possible (not root, or no mount permission).
    """
    mount_point.mkdir(parents=True, exist_ok=True)
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(mount_point)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        if leave_kib is not None:
            fill_leaving(mount_point / "filler", leave_kib * 1024)
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def fill_leaving(path: Path, leave: int) -> None:
    """Grow the file ``path`` until its disk has only ``leave`` bytes free (as another program filling a stick)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.statvfs(path.parent).f_bavail * os.statvfs(path.parent).f_frsize > leave:
            try:
                os.write(fd, b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                break
    finally:
        os.close(fd)
