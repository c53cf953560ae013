"""Passphrase boxes: choosing one (typed twice, rules shown live) and giving both to sign in.

The rules themselves live in the core (``passphrase_policy``); these widgets
only show the core's answer as the person types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from evidence_app.policy.passphrases import MIN_SCORE, RULES, Strength, near_copy_problem, rule_problems, strength

OK_STYLE = "color: #1b6e20;"
PROBLEM_STYLE = "color: #a31515;"


def secret_box(accessible_name: str, placeholder: str = "") -> QLineEdit:
    box = QLineEdit()
    box.setEchoMode(QLineEdit.EchoMode.Password)
    box.setAccessibleName(accessible_name)
    box.setPlaceholderText(placeholder)
    box.setMaxLength(1024)
    return box


class NewPassphrase(QObject):
    """A passphrase typed twice, with the school's rules and zxcvbn's strength estimate checked live.

    Its three widgets go into the caller's form with :meth:`add_rows`, so the
    labels line up with the rest of the form. ``words_of`` gives the case's own
    words (easy guesses); ``other_of`` the other investigator's passphrase, which
    this one must not nearly copy.
    """

    def __init__(self, who: str, name_of: Callable[[], str], parent: QObject | None = None, *,
                 words_of: Callable[[], Iterable[str]] = tuple, other_of: Callable[[], str] | None = None) -> None:
        super().__init__(parent)
        self._name_of = name_of
        self._words_of = words_of
        self._other_of = other_of
        self._estimate: tuple[tuple[str, tuple[str, ...]], Strength] | None = None  # the last one, kept
        self.first = secret_box(f"{who}: passphrase")
        self.again = secret_box(f"{who}: passphrase again")
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setAccessibleName(f"{who}: passphrase rules")
        self.feedback.setMinimumHeight(self.feedback.fontMetrics().lineSpacing() * 5)
        self.feedback.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.first.textChanged.connect(self._typed)  # first, so that later slots see the feedback updated
        self.again.textChanged.connect(self._typed)
        self.update_feedback()

    def add_rows(self, form: QFormLayout) -> None:
        form.addRow("&Passphrase", self.first)
        form.addRow("Type it &again", self.again)
        form.addRow(self.feedback)

    def passphrase(self) -> str:
        return self.first.text()

    def problems(self) -> tuple[str, ...]:
        """What the core refuses in this passphrase: the rules, zxcvbn's score, a near-copy of the other one."""
        text = self.first.text()
        problems = rule_problems(text, name=self._name_of())
        if text and not self._strength(text).strong:
            problems += ("it is too easy to guess",)
        near = self._near_copy()
        return problems + ((near,) if near else ())

    def _strength(self, text: str) -> Strength:
        """zxcvbn's estimate, kept while neither the passphrase nor the case's words change.

        The other investigator's typing updates this box too; zxcvbn takes tens of milliseconds
        on a long passphrase, so it is not asked again for the same question.
        """
        key = (text, self._words())
        if self._estimate is None or self._estimate[0] != key:
            self._estimate = (key, strength(text, key[1]))
        return self._estimate[1]

    def _words(self) -> tuple[str, ...]:
        return (*self._words_of(), *self._name_of().split())

    def _near_copy(self) -> str:
        other = self._other_of() if self._other_of is not None else ""
        return near_copy_problem(self.first.text(), other) if self.first.text() and other else ""

    def matches(self) -> bool:
        return self.first.text() == self.again.text()

    def _lines(self, text: str) -> list[str]:
        """The rules one by one, then zxcvbn's estimate with its own warning and suggestions."""
        lines = [f"✗ {p[0].upper()}{p[1:]}" for p in rule_problems(text, name=self._name_of())]
        estimate = self._strength(text)
        if estimate.strong:
            lines.append(f"✓ Hard to guess (strength {estimate.score} of 4)")
        else:
            warning = f": {estimate.warning[0].lower()}{estimate.warning[1:]}" if estimate.warning else ""
            lines.append(f"✗ Too easy to guess (strength {estimate.score} of 4, {MIN_SCORE} needed){warning}")
            lines += [f"    → {tip}" for tip in estimate.suggestions]
        near = self._near_copy()
        if near:
            lines.append("✗ Too close to the other investigator's passphrase: either of you could guess the other's")
        if len(lines) == 1 and lines[0].startswith("✓"):
            lines.insert(0, "✓ Meets the school's rules")
        return lines

    def _typed(self) -> None:
        self.update_feedback()

    def when_changed(self, slot: Callable[[], None]) -> None:
        """Call ``slot`` after the feedback has caught up with each key typed in either box.

        Qt's own ``textChanged`` carries it, not a signal emitted from Python: PySide6 6.12.0 drops a
        reference to ``True`` at each ``emit()`` made from Python, and one per key typed would soon
        crash the application.
        """
        self.first.textChanged.connect(slot)
        self.again.textChanged.connect(slot)

    def update_feedback(self) -> None:
        """Show the rules, zxcvbn's estimate and the near-copy check for what is typed now."""
        text = self.first.text()
        if not text:
            self.feedback.setStyleSheet("")
            self.feedback.setText("The school's rules: " + ", ".join(RULES) + ".")
        else:
            problems = self.problems()
            lines = self._lines(text)
            if self.again.text():
                lines.append("✓ Both entries match" if self.matches() else "✗ The two entries differ")
            else:
                lines.append("… Type it again to confirm")
            ok = not problems and self.matches()
            self.feedback.setStyleSheet(OK_STYLE if ok else PROBLEM_STYLE)
            self.feedback.setText("\n".join(lines))

    def clear(self) -> None:
        self.first.clear()
        self.again.clear()
        self._estimate = None


class PassphrasePair(QWidget):
    """Both investigators' passphrases, side by side, in the order they were chosen."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = secret_box("First investigator's passphrase", "First investigator types here")
        self.second = secret_box("Second investigator's passphrase", "Second investigator types here")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for title, box in (("First investigator", self.first), ("Second investigator", self.second)):
            group = QGroupBox(title)
            column = QVBoxLayout(group)
            hint = QLabel("Entered first when the case began" if box is self.first else
                          "Entered second when the case began")
            hint.setStyleSheet("color: #555;")
            box.setMinimumWidth(240)
            column.addWidget(box)
            column.addWidget(hint)
            row.addWidget(group)
        self.first.returnPressed.connect(self._next_or_submit)
        self.second.returnPressed.connect(self.submitted)

    def _next_or_submit(self) -> None:
        if self.second.text():
            self.submitted.emit()
        else:
            self.second.setFocus()

    def passphrases(self) -> tuple[str, str]:
        return self.first.text(), self.second.text()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()
        self.first.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.first.setEnabled(not busy)
        self.second.setEnabled(not busy)
