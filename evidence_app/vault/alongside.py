"""Work done alongside other work: a small shared pool for calls that let go of the interpreter lock.

Saving a capture waits mostly on the disk and on hashing, and these overlap:
the SHA-256 runs while the encrypted copy is written, and a new file's folder
entry is synced while its bytes are. Each caller waits for what it started
before it goes on, so nothing is acknowledged earlier than before; only the
waiting is shorter. The tasks never wait on one another, so the pool cannot
deadlock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

WORKERS = 4
_T = TypeVar("_T")
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def begin(call: Callable[..., _T], *args: object) -> Future[_T]:
    """Start ``call(*args)`` on the shared pool; the caller must wait for the result before it relies on it."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="evidence-alongside")
        pool = _pool
    return pool.submit(call, *args)
