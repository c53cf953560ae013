"""Progress from a worker thread to a window: ``report(done, total)`` in, ``changed(permille)`` out.

The core's long jobs (export, verify) call ``progress(done, total)`` on their
own thread, often per 64 KiB; this relays only changes of a tenth of a
percent, queued to the window's thread (totals past 2 GiB fit in an int too).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class ProgressRelay(QObject):
    changed = Signal(int)  # permille, 0 to 1000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._last = -1

    def reset(self) -> None:
        self._last = -1

    def report(self, done: int, total: int) -> None:
        permille = 1000 if total <= 0 else max(0, min(1000, done * 1000 // total))
        if permille != self._last:
            self._last = permille
            self.changed.emit(permille)
