"""Long work off the window's thread: KDF, opening, checking the journal.

``run_in_background(owner, work, on_done, on_failed)`` runs ``work()`` on Qt's
global thread pool and calls one of the callbacks on the window's thread. The
callbacks go through a relay parented to ``owner``: if the owner is gone when
the work ends, they are dropped with it instead of touching a dead window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

_running: set[_Task] = set()


class _Relay(QObject):
    def __init__(self, owner: QObject, task: _Task, on_done: Callable[[Any], None],
                 on_failed: Callable[[BaseException], None]) -> None:
        super().__init__(owner)
        self._task: _Task | None = task
        self._on_done = on_done
        self._on_failed = on_failed

    def _finish(self) -> None:
        # The task is kept alive until its answer arrives here, on the window's thread.
        _running.discard(self._task)  # type: ignore[arg-type]
        self._task = None
        self.deleteLater()

    @Slot(object)
    def done(self, result: object) -> None:
        self._finish()
        self._on_done(result)

    @Slot(object)
    def failed(self, exc: object) -> None:
        self._finish()
        self._on_failed(exc)  # type: ignore[arg-type]


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.work = work
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # noqa: BLE001 - handed to the window to show
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def run_in_background(owner: QObject, work: Callable[[], Any], on_done: Callable[[Any], None],
                      on_failed: Callable[[BaseException], None]) -> None:
    """Run ``work`` on the thread pool; report back on ``owner``'s thread."""
    task = _Task(work)
    relay = _Relay(owner, task, on_done, on_failed)
    queued = Qt.ConnectionType.QueuedConnection
    task.signals.done.connect(relay.done, queued)
    task.signals.failed.connect(relay.failed, queued)
    _running.add(task)
    QThreadPool.globalInstance().start(task)


def wait_for_background(msecs: int = 30_000) -> bool:
    """Wait for every background task (used at exit and by tests)."""
    return QThreadPool.globalInstance().waitForDone(msecs)
