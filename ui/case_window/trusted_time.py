"""Trusted time in the background: the case's pending checkpoints are time-stamped off the window's thread.

At opening and then every 20 seconds (every five minutes after the authority did
not answer), if the school has set a time-stamp authority and a checkpoint waits (:func:`evidence_app.case.trusted_time.pending`), the core's
:func:`~evidence_app.case.trusted_time.stamp_pending` runs on a worker
(:mod:`ui.background`). Offline, the checkpoint simply waits for the next try; the
window never waits for the authority, and neither does the stop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from evidence_app import EvidenceError
from evidence_app.case.trusted_time import StampOutcome, pending, stamp_pending
from ui.background import run_in_background
from ui.errors import describe

if TYPE_CHECKING:
    from ui.case_window.window import CaseWindow

INTERVAL_MS = 20_000
RETRY_AFTER_FAILURE_S = 300.0


class TrustedTime(QObject):
    """Runs :func:`stamp_pending` for one case window; :attr:`last` holds what the last run did."""

    def __init__(self, window: CaseWindow, tsa_url: Callable[[], str], *, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(window)
        self.window = window
        self.tsa_url = tsa_url
        self.running = False
        self.last: StampOutcome | None = None
        self.quiet_until = 0.0  # monotonic time before which a failed authority is not asked again
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.run)
        self.timer.start()
        QTimer.singleShot(0, self.run)  # at opening: whatever waited offline goes first

    def run(self, *, now: bool = False) -> bool:
        """Start a run if there is an authority, an unlocked case and something pending; whether one started.

        After a failure the authority is left alone for a few minutes, unless ``now``.
        """
        case = self.window.case
        url = self.tsa_url()
        if self.running or not url or case.locked or case.read_only:
            return False
        if not now and time.monotonic() < self.quiet_until:
            return False
        try:
            if not pending(list(case.events())):
                return False
        except EvidenceError:
            return False
        self.running = True
        run_in_background(self, lambda: stamp_pending(case, url), self._done, self._failed)
        return True

    def _done(self, outcome: StampOutcome) -> None:
        self.running = False
        self.last = outcome
        self.quiet_until = time.monotonic() + RETRY_AFTER_FAILURE_S if outcome.problem else 0.0
        if outcome.stamped:
            self.window.statusBar().showMessage("A trusted time was received for the journal (see the timeline).",
                                                8_000)
            if not self.window.case.locked:
                self.window.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.running = False  # locked while the authority answered, or the disk refused: tried again later
        self.last = StampOutcome(0, -1, describe(exc))
        self.quiet_until = time.monotonic() + RETRY_AFTER_FAILURE_S


def install_trusted_time(window: CaseWindow, tsa_url: Callable[[], str], *,
                         interval_ms: int = INTERVAL_MS) -> TrustedTime:
    runner = TrustedTime(window, tsa_url, interval_ms=interval_ms)
    window.trusted_time = runner  # type: ignore[attr-defined]
    return runner
