"""The new-case wizard: the case, this computer, then both investigators.

Three short pages in one dialog. The last page refuses weak, identical or
mistyped passphrases with the reason (the core's :func:`check_pair` decides),
then creates the case in the background and emits :attr:`NewCaseWizard.created`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from evidence_app import Case, CaseStore, EvidenceError, Investigator, KdfParams, PolicyError
from evidence_app.policy.passphrases import case_words
from evidence_app.policy.people import check_pair
from ui.background import run_in_background
from ui.errors import describe
from ui.passphrase import NewPassphrase
from ui.start.sign_in import MESSAGE_STYLE, busy_bar, heading

PAGE_TITLES = ("1 of 3 · The case", "2 of 3 · This computer", "3 of 3 · The two investigators")


def line(name: str, placeholder: str = "") -> QLineEdit:
    box = QLineEdit()
    box.setAccessibleName(name)
    box.setPlaceholderText(placeholder)
    box.setMaxLength(500)
    return box


class InvestigatorBox(QGroupBox):
    """One investigator: name, position, passphrase typed twice."""

    def __init__(self, who: str, parent: QWidget | None = None, *, words_of: Callable[[], Iterable[str]] = tuple,
                 other_of: Callable[[], str] | None = None) -> None:
        super().__init__(who, parent)
        self.name = line(f"{who}: name", "e.g. Alice Hughes")
        self.position = line(f"{who}: position", "e.g. Headteacher")
        self.secret = NewPassphrase(who, lambda: self.name.text(), self, words_of=words_of, other_of=other_of)
        self.name.textChanged.connect(self.secret.update_feedback)
        form = QFormLayout(self)
        form.addRow("&Name", self.name)
        form.addRow("P&osition", self.position)
        self.secret.add_rows(form)

    def investigator(self) -> Investigator:
        return Investigator(self.name.text().strip(), self.position.text().strip(), self.secret.passphrase())

    def clear_secrets(self) -> None:
        self.secret.clear()


class NewCaseWizard(QDialog):
    """Start a case. ``kdf`` is only ever set by tests (a cheap key derivation)."""

    created = Signal(object)

    def __init__(self, store: CaseStore, *, computer_name: str = "", computer_location: str = "",
                 kdf: KdfParams | None = None, school_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.kdf = kdf
        self.school_name = school_name
        self.busy = False
        self.school_key_id: str | None = None  # the school key shown to the pair (None: none shown)
        self._discard: QMessageBox | None = None
        self.setWindowTitle("New case")
        self.setAccessibleName("New case")
        self.setMinimumSize(760, 520)

        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason for investigation")
        self.reason.setPlaceholderText("What was reported, by whom, and when. "
                                       "For example: a teacher saw a pupil on a gambling site in an ICT lesson.")
        self.reason.setTabChangesFocus(True)
        self.group = line("Group", "e.g. Year 9, or Staff")
        self.subject = line("Who or what is under review", "e.g. a pupil in 9B, or the school's social media page")
        self.computer_name = line("Name of this computer", "e.g. ICT-OFFICE-01")
        self.computer_name.setText(computer_name)
        self.computer_location = line("Location of this computer", "e.g. ICT office, main building")
        self.computer_location.setText(computer_location)
        self.first = InvestigatorBox("First investigator", words_of=self.case_words,
                                     other_of=lambda: self.second.secret.passphrase())
        self.second = InvestigatorBox("Second investigator", words_of=self.case_words,
                                      other_of=lambda: self.first.secret.passphrase())
        # Each passphrase is scored against the other (near-copies) and the case's words, live.
        for box, other in ((self.first, self.second), (self.second, self.first)):
            box.secret.first.textChanged.connect(other.secret.update_feedback)
            for source in (box.name, box.position):
                source.textChanged.connect(other.secret.update_feedback)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._case_page())
        self.pages.addWidget(self._computer_page())
        self.pages.addWidget(self._people_page())
        self.title = heading("")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setAccessibleName("Problem with what was typed")
        self.progress = busy_bar("Starting the case")
        self.back_button = QPushButton("< &Back")
        self.back_button.setAccessibleName("Back")
        self.back_button.setShortcut(QKeySequence("Alt+Left"))
        self.next_button = QPushButton("&Next >")
        self.next_button.setAccessibleName("Next")
        self.next_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout.addLayout(buttons)

        for box in (self.group, self.subject, self.computer_name, self.computer_location, self.first.name,
                    self.first.position, self.second.name, self.second.position):
            box.textChanged.connect(self._typed)
        self.reason.textChanged.connect(self._typed)
        for pair in (self.first.secret, self.second.secret):
            pair.when_changed(self._typed)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.reject)
        self._show_page(0)

    # ---------------------------------------------------------------- pages

    def _case_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        intro = QLabel("These go on the school's form, \"Record of reviewing devices / internet sites\". "
                       "They are stored encrypted: only the two of you can read them.")
        intro.setWordWrap(True)
        form.addRow(intro)
        form.addRow("&Reason for investigation", self.reason)
        form.addRow("&Group", self.group)
        form.addRow("Who or what is &under review", self.subject)
        return page

    def _computer_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        intro = QLabel("The policy asks you to use one designated computer, not used by pupils, for the "
                       "whole review. This case will be tied to this computer (to a secret kept on it): "
                       "elsewhere, even as a copy of its folder, it opens read-only. Someone with administrator "
                       "rights here could copy that secret too. The app remembers these two answers for next time.")
        intro.setWordWrap(True)
        form.addRow(intro)
        form.addRow("Computer &name", self.computer_name)
        form.addRow("Computer &location", self.computer_location)
        return page

    def _people_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        intro = QLabel("Two senior members of staff, each with a passphrase of their own. Each person "
                       "types their own and keeps it to themselves: the case opens only with both.")
        intro.setWordWrap(True)
        column.addWidget(intro)
        self.school_key = QLabel()  # two short lines, above the pair's boxes (they have room to spare)
        self.school_key.setAccessibleName("School key fingerprint")
        self.school_key.setTextFormat(Qt.TextFormat.PlainText)
        self.school_key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = self.school_key.font()
        bold.setBold(True)
        self.school_key.setFont(bold)
        self.school_key.setMinimumHeight(self.school_key.fontMetrics().lineSpacing() * 2 + 2)  # always two lines
        column.addWidget(self.school_key)
        row = QHBoxLayout()
        row.addWidget(self.first, 1)  # equal halves, however long one side's advice is
        row.addWidget(self.second, 1)
        column.addLayout(row, 1)
        return page

    def show_school_key(self) -> None:
        """The school key this case will be made with, read now, to compare with the printed page."""
        self.school_key_id = None
        try:
            public = self.store.school_public()
        except EvidenceError as exc:
            self.school_key.setText(f"School key: {describe(exc)}")
            return
        if public is None:
            self.school_key.setText("School key: none is set up on this computer,\nso this case will open only "
                                    "with both of your passphrases.")
            return
        self.school_key_id = public.id
        self.school_key.setText(f"School key fingerprint: {public.fingerprint}\nCheck it against the page in the "
                                "school safe. If it differs, stop and tell the coordinator.")

    def case_words(self) -> tuple[str, ...]:
        """The case's own words, as the core scores them: a passphrase built from them is easy to guess."""
        return case_words(self.reason.toPlainText(), self.group.text(), self.subject.text(),
                          self.computer_name.text(), self.computer_location.text(), self.school_name,
                          *(f"{box.name.text()} {box.position.text()}" for box in (self.first, self.second)))

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.title.setText(PAGE_TITLES[index])
        self.back_button.setEnabled(index > 0 and not self.busy)
        self.next_button.setText("&Start the case" if index == len(PAGE_TITLES) - 1 else "&Next >")
        self.next_button.setAccessibleName("Start the case" if index == len(PAGE_TITLES) - 1 else "Next")
        self.message.clear()
        if index == 2:
            self.show_school_key()
        focus = (self.reason, self.computer_name if not self.computer_name.text() else self.computer_location,
                 self.first.name)[index]
        focus.setFocus()

    # ---------------------------------------------------------------- checks

    def page_problem(self, index: int) -> str:
        """Why page ``index`` cannot be left yet, or ``""``."""
        if index == 0:
            if not self.reason.toPlainText().strip():
                return "Please give the reason for the investigation."
            if not self.group.text().strip():
                return "Please give the group (for example Year 9, or Staff)."
        elif index == 1:
            if not self.computer_name.text().strip():
                return "Please give this computer's name (it goes on the form)."
            if not self.computer_location.text().strip():
                return "Please say where this computer is (it goes on the form)."
        elif index == 2:
            for box in (self.first, self.second):
                if box.secret.passphrase() and not box.secret.matches():
                    who = box.name.text().strip() or box.title().lower()
                    return (f"The two entries of {who}'s passphrase are different. "
                            "Please type it again in both boxes.")
            try:
                check_pair((self.first.investigator(), self.second.investigator()), words=self.case_words())
            except PolicyError as exc:
                return str(exc)
        return ""

    def _typed(self) -> None:
        """A problem shown in red goes as soon as what was typed puts it right (it is checked again on Next)."""
        if self.busy or not self.message.text():
            return
        if not self.page_problem(self.pages.currentIndex()):
            self.message.clear()

    # ---------------------------------------------------------------- navigation

    def back(self) -> None:
        if self.pages.currentIndex() > 0 and not self.busy:
            self._show_page(self.pages.currentIndex() - 1)

    def next(self) -> None:
        if self.busy:
            return
        index = self.pages.currentIndex()
        problem = self.page_problem(index)
        if problem:
            self.message.setText(problem)
            return
        if index < len(PAGE_TITLES) - 1:
            self._show_page(index + 1)
        else:
            self._create()

    def _create(self) -> None:
        pair = (self.first.investigator(), self.second.investigator())
        store, kdf = self.store, self.kdf
        values = dict(reason=self.reason.toPlainText().strip(), group=self.group.text().strip(),
                      subject=self.subject.text().strip(),
                      computer_name=self.computer_name.text().strip(),
                      computer_location=self.computer_location.text().strip(), school_name=self.school_name)
        expected = self.school_key_id
        self._set_busy(True)
        run_in_background(self, lambda: store.create(investigators=pair, kdf=kdf, school_key_id=expected, **values),
                          self._created, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        self.pages.setEnabled(not busy)
        self.next_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        if busy:
            self.message.setStyleSheet("")
            self.message.setText("Starting the case: protecting it with both passphrases…")
        else:
            self.message.setStyleSheet(MESSAGE_STYLE)

    def _created(self, case: Case) -> None:
        self._set_busy(False)
        self.message.clear()
        self.first.clear_secrets()
        self.second.clear_secrets()
        self.created.emit(case)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.message.setText(describe(exc))

    def typed_anything(self) -> bool:
        """Whether cancelling would throw away something the pair typed (the remembered computer aside)."""
        boxes = [self.group, self.subject, self.first.name, self.first.position, self.second.name,
                 self.second.position]
        return bool(self.reason.toPlainText().strip() or any(box.text().strip() for box in boxes))

    def reject(self) -> None:
        if self.busy:
            return
        if self.typed_anything() and self._discard is None:
            self._discard = QMessageBox(QMessageBox.Icon.Question, "Discard this new case?",
                                        "What you have typed for this new case will be lost. Nothing has been "
                                        "saved yet.", QMessageBox.StandardButton.NoButton, self)
            self._discard.addButton("&Keep typing", QMessageBox.ButtonRole.RejectRole)
            self._discard.addButton("&Discard it", QMessageBox.ButtonRole.DestructiveRole)
            self._discard.buttonClicked.connect(self._discard_answered)
            self._discard.open()
            return
        self._really_reject()

    def _discard_answered(self, button: QAbstractButton) -> None:
        box, self._discard = self._discard, None
        if box is not None:
            box.deleteLater()
            if box.buttonRole(button) == QMessageBox.ButtonRole.DestructiveRole:
                self._really_reject()

    def _really_reject(self) -> None:
        self.first.clear_secrets()
        self.second.clear_secrets()
        super().reject()
