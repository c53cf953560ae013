"""First run: where this computer keeps its cases; later, the offer to move an account's own cases.

:class:`CaseLocationDialog` asks once, before the start screen, when nothing is chosen yet
(:mod:`evidence_app.school.first_run` decides, remembers and refuses). Choosing "for everyone"
without an administrator says how to get it done and goes on with this account's own folder for
now (asked again next time). :class:`MoveCasesDialog` offers to move the cases this account kept
for itself into the shared folder (:mod:`evidence_app.case.moving`); "Not now" leaves them, and the
start screen says where they are.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from evidence_app import EvidenceError
from evidence_app.case.moving import LeftBehind, MoveReport, move_left_behind
from evidence_app.school.first_run import (
    Location,
    NeedsAdministrator,
    Places,
    Scope,
    choose,
    for_now,
)
from evidence_app.school.location import CASES
from ui.background import run_in_background
from ui.errors import describe
from ui.start.sign_in import MESSAGE_STYLE, busy_bar, heading

ACCOUNT = "this Windows account" if os.name == "nt" else "this account"
EVERYONE = "For &everyone who signs in to this computer (needs an administrator)"
ONLY_ME = f"&Only for me ({ACCOUNT})"
WHY = ("The two of you may sign in to this computer as different people. The cases, the school key and the "
       "incident register must then be kept where both accounts can reach them, or the second person will "
       "not find the case the first one started. Choose \u201cfor everyone\u201d if you sign in as different "
       "people: an administrator makes that place once. Choose \u201conly for me\u201d if both of you always "
       "use this account. Either way the cases stay encrypted: only the two of you can open them.")
FOR_NOW = "Continue with my own cases for now"


class CaseLocationDialog(QDialog):
    """Where this computer keeps its cases. Emits :attr:`decided` once, with the location to use now."""

    decided = Signal(object)  # Location

    def __init__(self, places: Places, *, administrator: bool | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.places = places
        self.administrator = administrator  # None: ask the system (tests say)
        self.refused = False
        self.done_ = False
        self.setWindowTitle("Where this computer keeps its cases")
        self.setAccessibleName("Where this computer keeps its cases")
        self.setMinimumWidth(720)
        explain = QLabel(WHY)
        explain.setWordWrap(True)
        explain.setAccessibleName("Why it matters")
        self.everyone = QRadioButton(EVERYONE)
        self.everyone.setAccessibleName("For everyone who signs in to this computer")
        everyone_where = QLabel(f"Kept in {places.computer / CASES}, which every account may use")
        self.only_me = QRadioButton(ONLY_ME)
        self.only_me.setAccessibleName(f"Only for me ({ACCOUNT})")
        only_me_where = QLabel(f"Kept in {for_now(places).cases_folder}, which only {ACCOUNT} may use")
        for where in (everyone_where, only_me_where):
            where.setWordWrap(True)
            where.setIndent(28)
            where.setStyleSheet("color: #444;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setAccessibleName("What happened")
        self.message.hide()
        self.continue_button = QPushButton("&Continue")
        self.continue_button.setAccessibleName("Continue")
        self.continue_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Where does this computer keep its cases?"))
        layout.addWidget(explain)
        layout.addSpacing(8)
        layout.addWidget(self.everyone)
        layout.addWidget(everyone_where)
        layout.addWidget(self.only_me)
        layout.addWidget(only_me_where)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)
        layout.addLayout(buttons)
        self.everyone.toggled.connect(self._update)
        self.only_me.toggled.connect(self._update)
        self.continue_button.clicked.connect(self.go_on)

    @Slot()
    def _update(self) -> None:
        self.continue_button.setEnabled(self.everyone.isChecked() or self.only_me.isChecked())
        fallback = self.refused and self.everyone.isChecked()
        self.continue_button.setText(FOR_NOW if fallback else "&Continue")
        self.continue_button.setAccessibleName(FOR_NOW if fallback else "Continue")

    @Slot()
    def go_on(self) -> None:
        """Remember the choice (or, after a refusal, go on with this account's folder for now)."""
        if not (self.everyone.isChecked() or self.only_me.isChecked()):
            return
        scope = Scope.COMPUTER if self.everyone.isChecked() else Scope.ACCOUNT
        if scope is Scope.COMPUTER and self.refused:
            self._decide(for_now(self.places))
            return
        try:
            location = choose(scope, self.places, administrator=self.administrator)
        except EvidenceError as exc:
            said = describe(exc)
            if scope is Scope.COMPUTER:
                self.refused = True
                if not isinstance(exc, NeedsAdministrator):
                    said += (" Until then this account keeps its own cases, and nothing is lost; you will be "
                             "asked again at the next start.")
            self.message.setText(said)
            self.message.show()
            self._update()
            self.adjustSize()  # taller with the message: nothing cut off
            return
        self._decide(location)

    def _decide(self, location: Location) -> None:
        if self.done_:
            return
        self.done_ = True
        self.decided.emit(location)  # the start screen is up before this dialog goes
        super().accept()

    def reject(self) -> None:
        """Escape or the window's close: this account's own folder for now, asked again next time."""
        if not self.done_:
            self.done_ = True
            self.decided.emit(for_now(self.places))
        super().reject()


class MoveCasesDialog(QDialog):
    """Offer to move what this account kept for itself into the shared folder. Emits :attr:`moved`."""

    moved = Signal(object)  # MoveReport

    def __init__(self, found: LeftBehind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.found = found
        self.busy = False
        self.report: MoveReport | None = None
        self.setWindowTitle("Cases kept by this account")
        self.setAccessibleName("Cases kept by this account")
        self.setMinimumWidth(640)
        self.explain = QLabel(f"{found.text()} Move them into the folder every account uses ({found.target})? "
                              "Each case moves whole; a case open in another window stays where it is.")
        self.explain.setWordWrap(True)
        self.explain.setAccessibleName("What this account keeps")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("What happened")
        self.message.hide()
        self.progress = busy_bar("Moving the cases")
        self.move_button = QPushButton("&Move them")
        self.move_button.setAccessibleName("Move them")
        self.later_button = QPushButton("&Not now")
        self.later_button.setAccessibleName("Not now")
        self.later_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Cases kept by this account"))
        layout.addWidget(self.explain)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.later_button)
        buttons.addWidget(self.move_button)
        layout.addLayout(buttons)
        self.move_button.clicked.connect(self.move)
        self.later_button.clicked.connect(self.reject)

    @Slot()
    def move(self) -> None:
        if self.busy or self.report is not None:
            return
        self.busy = True
        self.move_button.setEnabled(False)
        self.later_button.setEnabled(False)
        self.progress.show()
        found = self.found
        run_in_background(self, lambda: move_left_behind(found), self._moved, self._failed)

    def _moved(self, report: MoveReport) -> None:
        self.busy = False
        self.report = report
        self.progress.hide()
        self.message.setStyleSheet("")
        self.message.setText(report.text())
        self.message.show()
        self.explain.hide()
        self.move_button.hide()
        self.adjustSize()
        self.later_button.setEnabled(True)
        self.later_button.setText("&Close")
        self.later_button.setAccessibleName("Close")
        self.moved.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.progress.hide()
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setText(describe(exc) + " The cases that did not move are still where they were.")
        self.message.show()
        self.adjustSize()
        self.move_button.setEnabled(True)
        self.later_button.setEnabled(True)
        self.moved.emit(MoveReport())  # some may have moved before the error: the start screen re-reads

    def reject(self) -> None:
        if self.busy:
            return
        super().reject()
