"""Python's cyclic garbage collector runs on the window's thread only.

The core's long jobs (the form, the export, verifying a bundle) run on Qt's
thread pool and allocate a great deal, so Python's automatic collector often
starts on one of those threads. If it then frees a cycle holding a Qt object
(a closed dialog, a signal relay), that object is destroyed on the wrong
thread, and Qt aborts ("pure virtual method called") or crashes. This turns
the automatic collector off and collects from a timer on the window's
thread instead, with the same thresholds (the recipe PyQt applications use).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot

INTERVAL_MS = 500


class GarbageCollector(QObject):
    """Collects when the automatic collector would have, but only on the thread it was made on."""

    def __init__(self, app: QCoreApplication, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(app)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    @Slot()
    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.threshold[generation]:
                gc.collect(generation)
                return


def install(app: QCoreApplication) -> GarbageCollector:
    """Once per application: later calls return the one already installed."""
    existing = app.findChild(GarbageCollector)
    return existing if isinstance(existing, GarbageCollector) else GarbageCollector(app)
