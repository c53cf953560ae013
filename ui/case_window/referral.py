"""The referral screen: what to do now, after the stop. Calm, large, and nothing else to press.

It takes the browser's place in a sealed case's window, for good (reopening
the case shows it again). Its words come from ``resources/referral/`` through
:func:`evidence_app.policy.referral.load_referral`, so a school can adapt them; the
school's own contacts come from the settings. The only two actions left are
printing the form (which never has images in a sealed case) and the police
export.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from evidence_app.policy.referral import ReferralText
from evidence_app.school.settings import Settings

BACKGROUND = "#f4f6f8"
INK = "#1d2733"
ACCENT = "#24476b"
PRINT_TEXT = "Print the form (no images)"
EXPORT_TEXT = "Export for the police…"


@dataclass(frozen=True)
class Contact:
    role: str
    value: str


def school_contacts(settings: Settings) -> tuple[Contact, ...]:
    """The contacts the school set, in the order the referral steps need them."""
    found = [Contact("Designated safeguarding lead", getattr(settings, "safeguarding_lead_contact", "")),
             Contact("Local authority designated officer (LADO)", getattr(settings, "local_authority_contact", "")),
             Contact("Police contact", getattr(settings, "police_contact", ""))]
    return tuple(c for c in found if c.value.strip())


def _label(text: str, style: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setAccessibleName(name)
    return label


class ReferralScreen(QScrollArea):
    """Built once per window; :attr:`print_requested` and :attr:`export_requested` are the only actions."""

    print_requested = Signal()
    export_requested = Signal()

    def __init__(self, text: ReferralText, case_id: str, contacts: tuple[Contact, ...], *,
                 school_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = text
        self.setAccessibleName("What to do now")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("referral")
        body.setStyleSheet(f"QWidget#referral {{ background: {BACKGROUND}; }} QLabel {{ color: {INK}; }}")
        column = QVBoxLayout(body)
        column.setContentsMargins(36, 28, 36, 28)
        column.setSpacing(14)

        self.title = _label(text.title, f"font-size: 20pt; font-weight: bold; color: {ACCENT};", "Title")
        self.summary = _label(text.summary, "font-size: 11pt;", "What happened")
        column.addWidget(self.title)
        column.addWidget(self.summary)

        # Two columns, so everything fits one 1366 x 768 screen without scrolling: the steps on the
        # left; on the right what the steps need to hand (the case id, the phone numbers) and the
        # only two things left to do.
        columns = QHBoxLayout()
        columns.setSpacing(28)
        column.addLayout(columns, 1)
        left = QVBoxLayout()
        left.setSpacing(8)
        right = QVBoxLayout()
        right.setSpacing(10)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)

        left.addWidget(_label("Do these now, in this order:", "font-size: 13pt; font-weight: bold;"))
        steps = QGridLayout()
        steps.setHorizontalSpacing(12)
        steps.setVerticalSpacing(8)
        self.step_labels: list[QLabel] = []
        for number, step in enumerate(text.steps, start=1):
            badge = QLabel(str(number))
            badge.setFixedSize(30, 30)
            badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
            badge.setStyleSheet(f"background: {ACCENT}; color: white; font-size: 13pt; font-weight: bold;"
                                " border-radius: 15px;")
            label = _label(f"<b style='font-size:12pt'>{_escape(step.heading)}</b><br>{_escape(step.text)}",
                           "font-size: 10pt;", f"Step {number}: {step.heading}")
            label.setTextFormat(Qt.TextFormat.RichText)
            steps.addWidget(badge, number - 1, 0, Qt.AlignmentFlag.AlignTop)
            steps.addWidget(label, number - 1, 1)
            self.step_labels.append(label)
        steps.setColumnStretch(1, 1)
        left.addLayout(steps)
        left.addStretch(1)

        # The case id, large: the police ask for it on the phone (step 1 says so).
        id_box = _card()
        id_column = QVBoxLayout(id_box)
        id_column.setContentsMargins(16, 10, 16, 12)
        id_head = QHBoxLayout()
        id_head.addWidget(_label("Case id to give the police", "font-size: 11pt;"), 1)
        id_head.addWidget(_label("SEALED", "font-size: 10pt; font-weight: bold; color: white; background: #b3261e;"
                                 " border-radius: 4px; padding: 3px 8px;", "Sealed"), 0)
        id_column.addLayout(id_head)
        self.case_id = _label(case_id, f"font-size: 22pt; font-weight: bold; color: {INK};"
                              " font-family: 'DejaVu Sans Mono', monospace;", "Case id")
        id_column.addWidget(self.case_id)
        right.addWidget(id_box)

        contacts_box = _card()
        contacts_column = QVBoxLayout(contacts_box)
        contacts_column.setContentsMargins(16, 10, 16, 12)
        contacts_column.addWidget(_label("Police: <b>999</b> if a child is in immediate danger, otherwise <b>101</b>",
                                         "font-size: 12pt;", "Police numbers"))
        heading = text.contacts_heading + (f" ({school_name})" if school_name.strip() else "")
        contacts_column.addWidget(_label(heading, "font-size: 12pt; font-weight: bold; margin-top: 6px;"))
        if contacts:
            lines = "<br>".join(f"<b>{_escape(c.role)}:</b><br>{_escape(c.value)}" for c in contacts)
            self.contacts = _label(lines, "font-size: 11pt;", "School contacts")
            self.contacts.setTextFormat(Qt.TextFormat.RichText)
        else:
            self.contacts = _label(text.contacts_missing, "font-size: 11pt; color: #6a4b00;", "School contacts")
        contacts_column.addWidget(self.contacts)
        right.addWidget(contacts_box)

        right.addWidget(_label("What you can still do here:", "font-size: 12pt; font-weight: bold;"
                               " margin-top: 4px;"))
        self.print_button = QPushButton(PRINT_TEXT)
        self.export_button = QPushButton(EXPORT_TEXT)
        for button, signal in ((self.print_button, self.print_requested),
                               (self.export_button, self.export_requested)):
            button.setMinimumHeight(42)
            button.setStyleSheet("font-size: 12pt; padding: 6px 18px;")
            button.setAutoDefault(False)
            button.clicked.connect(signal.emit)
            right.addWidget(button)
        right.addStretch(1)
        self.setWidget(body)

    def all_text(self) -> str:
        """Every word on the screen (for tests and screen readers)."""
        parts = [self.title.text(), self.summary.text(), self.case_id.text(), self.contacts.text()]
        parts += [label.text() for label in self.step_labels]
        return "\n".join(parts)


def _card() -> QFrame:
    card = QFrame()
    card.setObjectName("card")
    card.setStyleSheet("QFrame#card { background: white; border: 1px solid #c5ced8; border-radius: 6px; }")
    return card


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
