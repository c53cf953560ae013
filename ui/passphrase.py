"""Passphrase boxes: choosing one (typed twice, rules shown live) and giving both to sign in.

The rules themselves live in the core (``passphrase_policy``); these widgets
only show the core's answer as the person types.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from evidence_app.policy.passphrases import RULES, passphrase_problems

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
    """A passphrase typed twice, with the school's rules checked live.

    Its three widgets go into the caller's form with :meth:`add_rows`, so the
    labels line up with the rest of the form.
    """

    changed = Signal()

    def __init__(self, who: str, name_of: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name_of = name_of
        self.first = secret_box(f"{who}: passphrase")
        self.again = secret_box(f"{who}: passphrase again")
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setAccessibleName(f"{who}: passphrase rules")
        self.feedback.setMinimumHeight(self.feedback.fontMetrics().lineSpacing() * 4)
        self.feedback.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.first.textChanged.connect(self.update_feedback)
        self.again.textChanged.connect(self.update_feedback)
        self.update_feedback()

    def add_rows(self, form: QFormLayout) -> None:
        form.addRow("&Passphrase", self.first)
        form.addRow("Type it &again", self.again)
        form.addRow(self.feedback)

    def passphrase(self) -> str:
        return self.first.text()

    def problems(self) -> tuple[str, ...]:
        return passphrase_problems(self.first.text(), name=self._name_of())

    def matches(self) -> bool:
        return self.first.text() == self.again.text()

    def update_feedback(self) -> None:
        text = self.first.text()
        if not text:
            self.feedback.setStyleSheet("")
            self.feedback.setText("The school's rules: " + ", ".join(RULES) + ".")
        else:
            problems = self.problems()
            lines = [f"✗ {p.capitalize()}" for p in problems] or ["✓ Meets the school's rules"]
            if self.again.text():
                lines.append("✓ Both entries match" if self.matches() else "✗ The two entries differ")
            else:
                lines.append("… Type it again to confirm")
            ok = not problems and self.matches()
            self.feedback.setStyleSheet(OK_STYLE if ok else PROBLEM_STYLE)
            self.feedback.setText("\n".join(lines))
        self.changed.emit()

    def clear(self) -> None:
        self.first.clear()
        self.again.clear()


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
