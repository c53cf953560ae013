"""Opening a case when one investigator is not available: one passphrase and the school key.

:class:`RecoveryFields` goes into the sign-in dialog and the idle-lock unlock
form, behind a link "An investigator is not available…". The core does the
work (``CaseStore.open_with_school_key``, ``Case.unlock_with_school_key``)
and journals it loudly; :class:`SchoolKeyBanner` is the case window's loud red
line while a case is open that way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from evidence_app import Case, CaseStore, Kind
from evidence_app.vault import school_key as school_key_module
from ui.passphrase import secret_box
from ui.school.secret import SchoolSecretBox

LINK_TEXT = '<a href="recover">An investigator is not available…</a>'
BACK_TEXT = '<a href="pair">Both investigators are here</a>'
EXPLAIN = ("When one investigator has left or cannot come, the other can open the case with the school key: "
           "the eSafeguarding coordinator types their passphrase, or the 24 words from the page in the school "
           "safe are typed in. This is written in the case's journal and in the incident register.")
BANNER_STYLE = ("background: #b3261e; color: white; font-weight: bold; font-size: 12pt; padding: 8px;"
                "border: 3px solid #7a1410;")


def link_label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setAccessibleName(name)
    return label


class RecoveryFields(QWidget):
    """One investigator's passphrase and the school key (coordinator's passphrase or the words)."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        explain = QLabel(EXPLAIN)
        explain.setWordWrap(True)
        self.investigator = secret_box("The investigator's passphrase", "The investigator who is here types here")
        self.school = SchoolSecretBox()
        first = QGroupBox("The investigator who is here")
        QVBoxLayout(first).addWidget(self.investigator)
        second = QGroupBox("The school key")
        QVBoxLayout(second).addWidget(self.school)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(explain)
        column.addWidget(first)
        column.addWidget(second)
        self.investigator.returnPressed.connect(self.school.setFocus)
        self.school.submitted.connect(self.submitted)

    def open_work(self, store: CaseStore, case_id: str, *, writable: bool | None) -> Callable[[], Case]:
        """What opens the case from the start screen (run in the background)."""
        passphrase = self.investigator.text()
        key_of = self.school.key_source(store.unlock_school_key)
        return lambda: store.open_with_school_key(case_id, passphrase, key_of(), writable=writable)

    def unlock_work(self, case: Case) -> Callable[[], None]:
        """What unlocks a locked case window (run in the background)."""
        passphrase = self.investigator.text()
        key_of = self.school.key_source(partial(school_key_module.unlock, case.folder.parent))
        return lambda: case.unlock_with_school_key(passphrase, key_of())

    def clear(self) -> None:
        self.investigator.clear()
        self.school.clear()

    def set_busy(self, busy: bool) -> None:
        self.investigator.setEnabled(not busy)
        self.school.set_busy(busy)

    def focus(self) -> None:
        self.investigator.setFocus()


def opened_with_school_key(case: Case) -> str:
    """The investigator's name if the case's latest opening or unlocking used the school key, else ""."""
    if case.locked:
        return ""
    events = list(case.events())
    starts = [i for i, e in enumerate(events) if e.kind in (Kind.OPENED, Kind.UNLOCKED, Kind.CREATED)]
    after = events[starts[-1]:] if starts else events
    recovered = [e for e in after if e.kind == Kind.RECOVERED]
    if not recovered:
        return ""
    return str(recovered[-1].data.get("investigator", "")) or "an investigator"


class SchoolKeyBanner(QLabel):
    """The loud red line across the case window while it is open with the school key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(BANNER_STYLE)
        self.setAccessibleName("Opened with the school key")
        self.hide()

    def update_for(self, case: Case) -> None:
        who = opened_with_school_key(case)
        if not who:
            self.clear()
            self.hide()
            return
        self.setText(f"⚠ Opened with the school key: {who} with the eSafeguarding coordinator's key, not by both "
                     "investigators. This is recorded in the case's journal and in the incident register.")
        self.show()
