"""Making the form off the window's thread, with progress.

:class:`FormJob` runs :func:`evidence_app.form.render.issue_form` (render, sign, keep
in the vault) on Qt's global thread pool and reports ``progress(done,
total)``, then ``done(IssuedForm)`` or ``failed(exception)``, all delivered
on the window's thread (queued signals), so a case with hundreds of captures
never freezes the window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from evidence_app import Case
from evidence_app.form.render import IssuedForm, issue_form
from ui.background import run_in_background

_running: set[FormJob] = set()


class FormJobSignals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)


class FormJob:
    """One form being made. Keep ``signals``; the job keeps itself alive until it ends.

    The work runs through :func:`ui.background.run_in_background`, so the job and its signals
    are let go on the window's thread, never on the worker's.
    """

    def __init__(self, case: Case, work: Callable[..., Any] | None = None) -> None:
        self.case = case
        self.work = work or issue_form
        self.signals = FormJobSignals()

    def _make(self) -> Any:
        return self.work(self.case, progress=self.signals.progress.emit)

    def _done(self, result: Any) -> None:
        _running.discard(self)
        self.signals.done.emit(result)

    def _failed(self, exc: BaseException) -> None:
        _running.discard(self)
        self.signals.failed.emit(exc)

    def start(self) -> FormJob:
        _running.add(self)
        run_in_background(self.signals, self._make, self._done, self._failed)
        return self


def start_form_job(case: Case) -> FormJob:
    """Start making (and keeping) ``case``'s form; connect to the job's ``signals`` before events run."""
    return FormJob(case).start()


__all__ = ["FormJob", "FormJobSignals", "IssuedForm", "start_form_job"]
