"""Every file a piece of code opens for writing, seen through Python's audit hooks (PEP 578).

A plaintext temporary file that is written and unlinked at once leaves nothing for a disk scan to
find; the ``open`` audit event still sees it. Audit hooks cannot be removed, so the recorder
switches itself off when its block ends.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _writing(mode: object, flags: object) -> bool:
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


@contextlib.contextmanager
def files_written() -> Iterator[list[Path]]:
    """Within the block, the list fills with each path opened for writing (by this process)."""
    seen: list[Path] = []
    active = [True]

    def hook(event: str, args: tuple) -> None:
        if not active[0] or event != "open" or not args:
            return
        path = args[0]
        if isinstance(path, (str, bytes, os.PathLike)) and _writing(args[1] if len(args) > 1 else None,
                                                                     args[2] if len(args) > 2 else 0):
            seen.append(Path(os.fsdecode(path)).absolute())

    sys.addaudithook(hook)
    try:
        yield seen
    finally:
        active[0] = False
