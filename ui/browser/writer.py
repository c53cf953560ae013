"""One background thread that writes to the case, in order, so the browser never waits on a disk.

Every journal write the browser makes (visits, refusals, resource summaries,
page snapshots, captures) goes through :class:`CaseWriter`: a single worker
thread taking jobs first in, first out, so the journal's order is the order
things happened in. A job's result comes back on the UI thread through a Qt
signal; a known fault (:class:`~evidence_app.EvidenceError`) comes back as its
plain sentence through :attr:`CaseWriter.failed`.

Call :meth:`CaseWriter.flush` before locking or closing the case, so nothing
queued is lost.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from evidence_app import EvidenceError


@dataclass(frozen=True)
class _Job:
    work: Callable[[], Any]
    done: Callable[[Any], None] | None
    what: str


class CaseWriter(QObject):
    """A FIFO of case writes on one daemon thread; results are delivered on the UI thread."""

    failed = Signal(str)            # a plain sentence to show
    _finished = Signal(object, object)  # (callback, result), crosses to the UI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._idle = threading.Condition()
        self._pending = 0
        self._closed = False
        self._finished.connect(self._deliver)
        self._thread = threading.Thread(target=self._run, name="case-writer", daemon=True)
        self._thread.start()

    def submit(self, work: Callable[[], Any], done: Callable[[Any], None] | None = None,
               what: str = "") -> bool:
        """Queue ``work``; ``done(result)`` runs on the UI thread when it succeeded."""
        with self._idle:
            if self._closed:
                return False
            self._pending += 1
        self._queue.put(_Job(work, done, what))
        return True

    @property
    def pending(self) -> int:
        with self._idle:
            return self._pending

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait (blocking) until every queued write is on disk; ``False`` on time-out."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self, timeout: float = 10.0) -> bool:
        """Finish what is queued, refuse anything new, and stop the thread."""
        with self._idle:
            if self._closed:
                return True
            self._closed = True
        self._queue.put(None)
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                result = job.work()
            except EvidenceError as exc:
                self.failed.emit(str(exc))
            except Exception as exc:  # a bug: say so plainly rather than lose it silently
                self.failed.emit(f"Something went wrong while saving {job.what or 'to the case'}: {exc!r}")
            else:
                if job.done is not None:
                    self._finished.emit(job.done, result)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _deliver(self, callback: Callable[[Any], None], result: Any) -> None:
        callback(result)
