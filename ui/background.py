"""Long work off the window's thread: KDF, opening, checking the journal.

``run_in_background(owner, work, on_done, on_failed)`` runs ``work()`` on Qt's
global thread pool and calls one of the callbacks on the window's thread; if
the owner is gone when the work ends, the answer is dropped instead of touching
a dead window.

Every Qt object involved is made, used and destroyed on the window's thread.
The worker thread only runs ``work`` and emits a signal of the one dispatcher,
which lives on the window's thread; it drops its own references to the work and
its result before it does, so that neither can be freed on the worker thread.
(The earlier design gave each task a signals object made on the window's thread
whose last reference died with the worker's frame: Qt then destroyed it on the
worker thread while its queued signal was being delivered, and the process
crashed in the event loop, in about half of the runs of the verify and
retention tests under load.)
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot


@dataclass
class _Task:
    work: Callable[[], Any] | None
    owner: QObject
    on_done: Callable[[Any], None]
    on_failed: Callable[[BaseException], None]
    outcome: tuple[bool, Any] | None = field(default=None)


class _Dispatcher(QObject):
    """Hands each finished task's answer to its callbacks, on the thread this object lives on."""

    finished = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.tasks: dict[int, _Task] = {}
        self.lock = threading.Lock()
        self.finished.connect(self._deliver)

    @Slot(int)
    def _deliver(self, task_id: int) -> None:
        with self.lock:
            task = self.tasks.pop(task_id, None)
        if task is None or task.outcome is None:
            return
        ok, value = task.outcome
        if not shiboken6.isValid(task.owner):
            return  # the window asked for this is gone: nothing to tell
        if ok:
            task.on_done(value)
        else:
            task.on_failed(value)


_dispatcher: _Dispatcher | None = None
_ids = itertools.count(1)


def _the_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None or not shiboken6.isValid(_dispatcher):
        _dispatcher = _Dispatcher()
        app = QCoreApplication.instance()
        if app is not None and _dispatcher.thread() is not app.thread():
            raise RuntimeError("run_in_background must first be called on the window's thread")
    return _dispatcher


def _run(dispatcher: _Dispatcher, task_id: int) -> None:
    """On a pool thread: the work, then the answer left with the task for the window's thread."""
    with dispatcher.lock:
        task = dispatcher.tasks[task_id]
        work, task.work = task.work, None
    try:
        outcome: tuple[bool, Any] = (True, work())  # type: ignore[misc]
    except BaseException as exc:  # noqa: BLE001 - handed to the window to show
        outcome = (False, exc)
    with dispatcher.lock:
        task.outcome = outcome
    # Nothing the window's thread owns may die here: drop every reference before telling it.
    del work, outcome, task
    dispatcher.finished.emit(task_id)


def run_in_background(owner: QObject, work: Callable[[], Any], on_done: Callable[[Any], None],
                      on_failed: Callable[[BaseException], None]) -> None:
    """Run ``work`` on the thread pool; report back on the window's thread, if ``owner`` still exists."""
    dispatcher = _the_dispatcher()
    task_id = next(_ids)
    with dispatcher.lock:
        dispatcher.tasks[task_id] = _Task(work, owner, on_done, on_failed)
    QThreadPool.globalInstance().start(functools.partial(_run, dispatcher, task_id))


def wait_for_background(msecs: int = 30_000) -> bool:
    """Wait for every background task (used at exit and by tests)."""
    return QThreadPool.globalInstance().waitForDone(msecs)
