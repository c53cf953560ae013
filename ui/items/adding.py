"""Adding files to the case, one after another, off the window's thread, with a progress bar and Cancel.

Each file goes through ``case.add_item`` (hashed, encrypted and journaled by the core). Cancel stops
the file being read (nothing of it is kept) and the ones after it; the files already added stay.
Nothing here opens or draws a file: the list shows names and sizes only.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from evidence_app import Case
from evidence_app.errors import CaseSealed
from ui.background import run_in_background
from ui.errors import describe
from ui.progress_relay import ProgressRelay


class FileAdder(QObject):
    """Adds ``paths`` to ``case``; :attr:`finished` carries the ids added and the sentences of what failed."""

    finished = Signal(list, list)  # item ids added, problems (plain sentences)
    sealed = Signal(str)           # the child-abuse concern sealed the case while adding (the core's sentence)

    def __init__(self, case: Case, paths: Sequence[Path | str], parent: QWidget, *, device: str = "") -> None:
        super().__init__(parent)
        self.case = case
        self.paths = [Path(p) for p in paths]
        self.device = device
        self.cancel = threading.Event()
        self.added: list[str] = []
        self.problems: list[str] = []
        self.progress = QProgressDialog("Adding files to the case…", "Cancel", 0, 1000, parent)
        self.progress.setWindowTitle("Adding files")
        self.progress.setAccessibleName("Adding files")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel.set)
        self.relay = ProgressRelay(self)
        self.relay.changed.connect(self.progress.setValue)
        self._index = 0

    def start(self) -> None:
        self.progress.show()
        self._next()

    def _next(self) -> None:
        if self._index >= len(self.paths) or self.cancel.is_set():
            self._done()
            return
        path = self.paths[self._index]
        self._index += 1
        self.progress.setLabelText(f"Adding {path.name} ({self._index} of {len(self.paths)}): reading, "
                                   "hashing and encrypting it…")
        self.relay.reset()
        run_in_background(self, lambda: self.case.add_item(path, device=self.device, progress=self.relay.report,
                                                           cancel=self.cancel),
                          self._added, self._failed)

    def _added(self, item: object) -> None:
        self.added.append(str(getattr(item, "id", "")))
        self._next()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, CaseSealed):
            self.progress.close()
            self.sealed.emit(describe(exc))
            self.finished.emit(self.added, [describe(exc)])
            return
        self.problems.append(describe(exc))  # one file refused (or cancelled): say so, go on with the next
        self._next()

    def _done(self) -> None:
        self.progress.close()
        self.finished.emit(self.added, self.problems)
