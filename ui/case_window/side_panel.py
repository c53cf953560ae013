"""The case window's side panel: who, how long, recording or not, the checklist,
the captures and the notes.

Everything here that shows case data is emptied by :meth:`SidePanel.clear`
when the case locks, so nothing of the case stays reachable from a widget.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from evidence_app import Case, Kind, Status
from ui.case_window.captures import CapturesList
from ui.case_window.checklist import Step, policy_steps
from ui.texts import elapsed, local_time

RECORDING_STYLE = ("background: #1b7f2a; color: white; font-weight: bold; font-size: 12pt;"
                   "border-radius: 4px; padding: 6px;")
NOT_RECORDING_STYLE = ("background: #b3261e; color: white; font-weight: bold; font-size: 12pt;"
                       "border-radius: 4px; padding: 6px;")


class RecordingLight(QLabel):
    """Green "Recording" while every visit is journaled; red when nothing new can be recorded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.recording = False
        self.set_state(False, "Not recording")

    def set_state(self, recording: bool, text: str) -> None:
        self.recording = recording
        self.setStyleSheet(RECORDING_STYLE if recording else NOT_RECORDING_STYLE)
        self.setText(("● " if recording else "■ ") + text)
        self.setAccessibleName("Recording" if recording else "Not recording")
        self.setAccessibleDescription(text)


def recording_state(case: Case) -> tuple[bool, str]:
    if case.status is Status.SEALED:
        return False, "SEALED: the case is sealed. Nothing more is recorded."
    if case.status is Status.CONCLUDED:
        return False, "Not recording: this case is concluded"
    if case.read_only:
        return False, "Not recording: read-only on this computer"
    return True, "Recording: every page visited is saved to the case"


STEP_BUTTONS = {"sites": ("Browse", "Go to the address bar and open the site to review."),
                "concern": ("Describe", "Write a note about what you see (or give a screenshot its concern)."),
                "conclusion": ("Conclude…", "Record your judgement and the action taken.")}
FORM_TEXT = "Print or save the form…"
EXPORT_TEXT = "Export for the police…"


class ChecklistView(QGroupBox):
    """The policy's steps, each ticked or not, with a button that takes the pair to it.

    :attr:`step_chosen` carries the step's key: ``sites``, ``concern``, ``conclusion``, and the two
    steps after it, ``form`` (print or save the signed form) and ``export`` (for the police).
    """

    step_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("The policy's steps", parent)
        self.setAccessibleName("Checklist of the policy's steps")
        self.labels: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        self._column = QVBoxLayout(self)
        self._column.setSpacing(2)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(2)
        self._column.addLayout(self._rows)
        after = QVBoxLayout()  # one under the other: each label whole in a 300-pixel panel
        after.setSpacing(2)
        for key, text, tip in (("form", FORM_TEXT, "Make the signed form, see it, print it or save a copy."),
                               ("export", EXPORT_TEXT, "Make the encrypted bundle the police can check.")):
            button = self._button(key, text, tip)
            after.addWidget(button)
        self._column.addLayout(after)

    def _button(self, key: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(lambda *_: self.step_chosen.emit(key))
        self.buttons[key] = button
        return button

    def show_steps(self, steps: tuple[Step, ...]) -> None:
        for step in steps:
            label = self.labels.get(step.key)
            if label is None:
                label = self.labels[step.key] = QLabel()
                row = QHBoxLayout()
                row.addWidget(label, 1)
                if step.key in STEP_BUTTONS:
                    text, tip = STEP_BUTTONS[step.key]
                    row.addWidget(self._button(step.key, text, tip))
                self._rows.addLayout(row)
            label.setText(("✓ " if step.done else "○ ") + step.label)
            label.setStyleSheet("color: #1b6e20; font-weight: bold;" if step.done else "color: #555;")
            label.setToolTip(step.hint)
            label.setAccessibleName(f"{step.label}: {'done' if step.done else 'not yet'}")

    def ordered_buttons(self) -> list[QPushButton]:
        """The steps' buttons as they read, top to bottom (the form and export buttons were made first)."""
        return [self.buttons[key] for key in ("sites", "concern", "conclusion", "form", "export")
                if key in self.buttons]

    def enable_steps(self, *, writable: bool, concluded: bool, unlocked: bool) -> None:
        """Browse and describe only while evidence can be added; conclude once; form and export when unlocked."""
        for key, on in (("sites", writable), ("concern", writable), ("conclusion", writable and not concluded),
                        ("form", unlocked), ("export", unlocked)):
            button = self.buttons.get(key)
            if button is not None:
                button.setEnabled(on)

    def done(self) -> dict[str, bool]:
        return {key: label.text().startswith("✓") for key, label in self.labels.items()}


class NoteBox(QPlainTextEdit):
    """The note being written; Ctrl+Enter adds it."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class SidePanel(QWidget):
    """The right-hand column of the case window."""

    note_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(300)
        self.setMaximumWidth(420)
        self.case_id = QLabel()
        self.case_id.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.case_id.setAccessibleName("Case number")
        self.case_id.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.people = QLabel()
        self.people.setWordWrap(True)
        self.people.setAccessibleName("Investigators")
        self.elapsed = QLabel()
        self.elapsed.setAccessibleName("Time since the case was opened")
        self.light = RecordingLight()
        self.checklist = ChecklistView()
        self.captures = CapturesList()
        self.notes = QListWidget()
        self.notes.setAccessibleName("Notes")
        self.notes.setWordWrap(True)
        self.note_box = NoteBox()
        self.note_box.setAccessibleName("New note")
        self.note_box.setPlaceholderText("Describe what you see and why it concerns you…")
        self.note_box.setTabChangesFocus(True)
        self.note_box.setMaximumHeight(64)
        self.notes.setMinimumHeight(36)  # the panel fits a 768-pixel screen with every step's button
        self.add_note_button = QPushButton("Add note (Ctrl+Enter)")
        self.add_note_button.setAccessibleName("Add note")
        self.note_box.submitted.connect(self.submit_note)
        self.add_note_button.clicked.connect(self.submit_note)

        column = QVBoxLayout(self)
        column.addWidget(self.case_id)
        column.addWidget(self.people)
        column.addWidget(self.elapsed)
        column.addWidget(self.light)
        column.addWidget(self.checklist)
        shots = QGroupBox("Screenshots")
        QVBoxLayout(shots).addWidget(self.captures)
        column.addWidget(shots, 3)
        notes = QGroupBox("Notes")
        notes_column = QVBoxLayout(notes)
        notes_column.addWidget(self.notes, 1)
        notes_column.addWidget(self.note_box)
        notes_column.addWidget(self.add_note_button)
        column.addWidget(notes, 2)

    def submit_note(self) -> None:
        text = self.note_box.toPlainText()
        if text.strip():
            self.note_requested.emit(text)

    def show_case(self, case: Case) -> None:
        """Fill the panel from the unlocked ``case``."""
        details = case.details
        first, second = details.investigators
        self.case_id.setText(details.id + ("  (read-only)" if case.read_only else ""))
        self.people.setText(f"{first.name}, {first.position}\n{second.name}, {second.position}")
        self.light.set_state(*recording_state(case))
        self.checklist.show_steps(policy_steps(case))
        chain = [*self.checklist.ordered_buttons(), self.captures, self.notes, self.note_box, self.add_note_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)  # Tab goes down the panel as it reads
        self.checklist.enable_steps(writable=recording_state(case)[0],
                                    concluded=case.status is Status.CONCLUDED, unlocked=True)
        self.captures.show_captures(case)
        notes = [e for e in case.events() if e.kind == Kind.NOTE]
        if self.notes.count() != len(notes):
            self.notes.clear()
            for event in notes:
                item = QListWidgetItem(f"{local_time(event.time, with_date=False)}  {event.data['text']}")
                item.setToolTip(local_time(event.time))
                self.notes.addItem(item)
            self.notes.scrollToBottom()
        writable = recording_state(case)[0]
        self.note_box.setEnabled(writable)
        self.add_note_button.setEnabled(writable)
        sealed = case.status is Status.SEALED  # after the stop: no empty box inviting a note that cannot be added
        self.note_box.setVisible(not sealed)
        self.add_note_button.setVisible(not sealed)

    def show_elapsed(self, seconds: float) -> None:
        self.elapsed.setText(f"Open for {elapsed(seconds)}")

    def clear(self) -> None:
        """Forget everything shown about the case."""
        self.case_id.clear()
        self.people.clear()
        self.elapsed.clear()
        self.light.set_state(False, "Locked: not recording")
        for label in self.checklist.labels.values():
            label.clear()
            label.setToolTip("")
        self.checklist.enable_steps(writable=False, concluded=False, unlocked=False)
        self.captures.forget()
        self.notes.clear()
        self.note_box.clear()
