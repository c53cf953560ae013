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

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from evidence_app import Case
from evidence_app.form.render import IssuedForm, issue_form

_running: set[FormJob] = set()


class FormJobSignals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)


class FormJob(QRunnable):
    """One form being made. Keep ``signals``; the job keeps itself alive until it ends."""

    def __init__(self, case: Case, work: Callable[..., Any] | None = None) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.case = case
        self.work = work or issue_form
        self.signals = FormJobSignals()

    def run(self) -> None:
        try:
            result = self.work(self.case, progress=self.signals.progress.emit)
        except BaseException as exc:  # noqa: BLE001 - shown to the pair by the window
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)
        finally:
            _running.discard(self)

    def start(self) -> FormJob:
        _running.add(self)
        QThreadPool.globalInstance().start(self)
        return self


def start_form_job(case: Case) -> FormJob:
    """Start making (and keeping) ``case``'s form; connect to the job's ``signals`` before events run."""
    return FormJob(case).start()


__all__ = ["FormJob", "FormJobSignals", "IssuedForm", "start_form_job"]
