"""The idle lock, as KeePassXC does it: one application-wide filter, one timer.

Any key press, click, scroll or mouse movement anywhere in the application
restarts the single timer; when it runs out, :attr:`IdleWatcher.idle` fires and
the case windows lock. The timer only runs while a case is unlocked.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal

ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.InputMethod,
})
RESTART_AT_MOST_EVERY = 0.25  # seconds: a moving mouse must not restart the timer thousands of times


class IdleWatcher(QObject):
    """Emits :attr:`idle` after ``minutes`` without any user input in the whole application."""

    idle = Signal()

    def __init__(self, app: QCoreApplication, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self.timer = QTimer(self)
        self.timer.setObjectName("idle-lock-timer")
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        self._last_restart = 0.0
        app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(int(minutes) * 60_000)

    def set_interval_ms(self, msecs: int) -> None:
        was_active = self.timer.isActive()
        self.timer.setInterval(max(1, msecs))
        if was_active:
            self.timer.start()

    def start(self) -> None:
        """Start (or restart) counting: a case has been opened or unlocked."""
        self._last_restart = time.monotonic()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    def uninstall(self) -> None:
        self.timer.stop()
        self._app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in ACTIVITY and self.timer.isActive():
            now = time.monotonic()
            if now - self._last_restart >= RESTART_AT_MOST_EVERY:
                self._last_restart = now
                self.timer.start()
        return False
