"""Signing in: both investigators' passphrases to open a case, or to unlock it again.

:class:`SignInDialog` opens a case from the start screen. A wrong passphrase
says so and changes nothing; on a computer that is not the case's designated
one it says so and offers read-only access. :class:`UnlockForm` is what a
locked case window shows, and nothing else. Opening runs in the background
(the key derivation is deliberately slow) with a busy bar.

Both offer a link, "An investigator is not available…", that switches to one
investigator's passphrase plus the school key (:mod:`ui.start.recovery`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from evidence_app import Case, CaseStore, EvidenceError, WrongMachine, WrongPassphrase
from ui.background import run_in_background
from ui.errors import describe
from ui.passphrase import PassphrasePair
from ui.start.recovery import BACK_TEXT, LINK_TEXT, RecoveryFields, link_label

MESSAGE_STYLE = "color: #a31515; font-weight: bold;"


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("heading")
    label.setStyleSheet("font-size: 16pt; font-weight: bold;")
    label.setWordWrap(True)
    return label


def busy_bar(name: str) -> QProgressBar:
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumHeight(8)
    bar.setAccessibleName(name)
    bar.hide()
    return bar


PAIR_INTRO = ("Both investigators type their own passphrase, each in their own box. "
              "The case opens only when both are right.")
RECOVERY_INTRO = ("One investigator types their passphrase, and the school key is given. "
                  "The case opens only when both are right; no one person can open it alone.")


class SecretsChooser(QWidget):
    """Both investigators' passphrases, or (behind a link) one passphrase and the school key.

    The link only asks: :attr:`switch_requested` goes to the owner, which may refuse
    (while busy) and calls :meth:`show_school_key`.
    """

    switch_requested = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pair = PassphrasePair()
        self.recovery = RecoveryFields()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.pair)
        self.stack.addWidget(self.recovery)
        self.switch_link = link_label(LINK_TEXT, "An investigator is not available")
        self.switch_link.linkActivated.connect(lambda target: self.switch_requested.emit(target == "recover"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        layout.addWidget(self.switch_link)
        self._fit(self.pair)

    @property
    def recovering(self) -> bool:
        """True when one investigator and the school key are to open the case."""
        return self.stack.currentWidget() is self.recovery

    def show_school_key(self, on: bool) -> None:
        """Switch sides; nothing typed on either side is kept."""
        self.clear()
        self._fit(self.recovery if on else self.pair)
        self.switch_link.setText(BACK_TEXT if on else LINK_TEXT)
        (self.recovery.focus if on else self.pair.first.setFocus)()

    def _fit(self, page: QWidget) -> None:
        """Show ``page`` at its own height (a stack otherwise takes its tallest page's)."""
        for each in (self.pair, self.recovery):
            policy = QSizePolicy.Policy.Preferred if each is page else QSizePolicy.Policy.Ignored
            each.setSizePolicy(policy, policy)
        self.stack.setCurrentWidget(page)
        self.stack.adjustSize()

    def clear(self) -> None:
        self.pair.clear()
        self.recovery.clear()

    def set_busy(self, busy: bool) -> None:
        self.pair.set_busy(busy)
        self.recovery.set_busy(busy)
        self.switch_link.setEnabled(not busy)


class SignInDialog(QDialog):
    """Open ``case_id`` with both passphrases; emits :attr:`opened` with the open case."""

    opened = Signal(object)

    def __init__(self, store: CaseStore, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.case_id = case_id
        self.busy = False
        self.setWindowTitle(f"Open case {case_id}")
        self.setAccessibleName("Open a case")
        self.secrets = SecretsChooser()
        self.pair, self.recovery, self.switch_link = self.secrets.pair, self.secrets.recovery, self.secrets.switch_link
        self.secrets.switch_requested.connect(self.use_school_key)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setAccessibleName("Sign-in message")
        self.message.hide()
        self.read_only_button = QPushButton("Open &read-only")
        self.read_only_button.setAccessibleName("Open the case read-only")
        self.read_only_button.setToolTip("View, print and export only: nothing new can be added here.")
        self.read_only_button.hide()
        self.progress = busy_bar("Opening the case")
        self.open_button = QPushButton("&Open case")
        self.open_button.setAccessibleName("Open the case")
        self.open_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))

        layout = QVBoxLayout(self)
        layout.addWidget(heading(f"Open case {case_id}"))
        self.intro = QLabel(PAIR_INTRO)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        layout.addWidget(self.secrets)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.read_only_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.open_button)
        layout.addLayout(buttons)
        self.setMinimumWidth(640)

        self.open_button.clicked.connect(self.attempt)
        self.pair.submitted.connect(self.attempt)
        self.recovery.submitted.connect(self.attempt)
        self.read_only_button.clicked.connect(self.open_read_only)
        self.cancel_button.clicked.connect(self.reject)

    @property
    def recovering(self) -> bool:
        """True when one investigator and the school key are to open the case."""
        return self.secrets.recovering

    def use_school_key(self, on: bool = True) -> None:
        """Switch between both investigators and one investigator with the school key."""
        if self.busy:
            return
        self.message.hide()
        self.secrets.show_school_key(on)
        self.intro.setText(RECOVERY_INTRO if on else PAIR_INTRO)
        self.adjustSize()

    # ---------------------------------------------------------------- actions

    def attempt(self) -> None:
        """Try to open the case for evidence on this computer."""
        self._start(writable=True)

    def open_read_only(self) -> None:
        self._start(writable=False)

    def _start(self, *, writable: bool) -> None:
        if self.busy:
            return
        store, case_id = self.store, self.case_id
        if self.recovering:
            work = self.recovery.open_work(store, case_id, writable=writable)
        else:
            passphrases = self.pair.passphrases()
            work = lambda: store.open(case_id, passphrases, writable=writable)  # noqa: E731
        self._set_busy(True)
        run_in_background(self, work, self._opened, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.secrets.set_busy(busy)
        self.open_button.setEnabled(not busy)
        self.read_only_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        if busy:
            self.show_message("Checking the passphrases…", error=False)

    def show_message(self, text: str, *, error: bool = True) -> None:
        self.message.setStyleSheet(MESSAGE_STYLE if error else "")
        self.message.setText(text)
        self.message.show()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def _opened(self, case: Case) -> None:
        self._set_busy(False)
        if not self.isVisible():  # cancelled while opening: do not leave it open
            case.lock()
            return
        self.secrets.clear()
        self.message.hide()
        self.opened.emit(case)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, WrongMachine):
            self.show_message(str(exc) + " Choose Open read-only to view it here.")
            self.read_only_button.show()
            self.read_only_button.setFocus()
            self.open_button.setEnabled(False)
            return
        self.show_message(describe(exc))
        if isinstance(exc, WrongPassphrase):
            self.secrets.clear()

    def reject(self) -> None:
        if self.busy:
            return
        self.secrets.clear()
        super().reject()


class UnlockForm(QWidget):
    """All a locked case window shows: both passphrases, nothing about the case."""

    submitted = Signal(object)
    recovery_submitted = Signal()  # read :attr:`recovery` for one passphrase and the school key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Unlock the case")
        self.secrets = SecretsChooser()
        self.pair, self.recovery, self.switch_link = self.secrets.pair, self.secrets.recovery, self.secrets.switch_link
        self.secrets.switch_requested.connect(self.use_school_key)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setAccessibleName("Unlock message")
        self.progress = busy_bar("Unlocking the case")
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setAccessibleName("Unlock the case")
        self.unlock_button.setDefault(True)
        box = QWidget()
        box.setMaximumWidth(680)
        column = QVBoxLayout(box)
        column.addWidget(heading("This case is locked"))
        explain = QLabel("It locks itself when nobody has used the app for a while, and when it is "
                         "locked by hand. Nothing about the case is shown until both investigators "
                         "type their passphrases again.")
        explain.setWordWrap(True)
        column.addWidget(explain)
        column.addWidget(self.secrets)
        column.addWidget(self.message)
        column.addWidget(self.progress)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.unlock_button)
        column.addLayout(row)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(box, 3)
        middle.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(2)
        self.unlock_button.clicked.connect(self._submit)
        self.pair.submitted.connect(self._submit)
        self.recovery.submitted.connect(self._submit)

    @property
    def recovering(self) -> bool:
        return self.secrets.recovering

    def use_school_key(self, on: bool = True) -> None:
        self.message.clear()
        self.secrets.show_school_key(on)

    def _submit(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        if self.recovering:
            self.recovery_submitted.emit()
        else:
            self.submitted.emit(self.pair.passphrases())

    def set_busy(self, busy: bool) -> None:
        self.secrets.set_busy(busy)
        self.unlock_button.setEnabled(not busy)
        self.progress.setVisible(busy)

    def show_error(self, exc: BaseException) -> None:
        self.message.setText(describe(exc))
        if isinstance(exc, (WrongPassphrase, EvidenceError)):
            self.secrets.clear()

    def reset(self) -> None:
        """Back to both investigators' boxes, empty (every lock starts here)."""
        self.use_school_key(False)
        self.set_busy(False)
