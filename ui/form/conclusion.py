"""The conclusion: does the concern have substance, about whom, and what is done.

The choices come from the policy's "Actions / Sanctions" tables
(``resources/policy/sanctions.json``): pick pupil or member of staff, then the
incident from that table; the actions the table marks for that incident are
offered as tick boxes (all of the table's actions when no incident fits),
and "Refer to Police" is always there. Free text says the action and the
conclusion in the pair's words. The core checks the rules (an illegal
incident or concern needs a police referral); its :class:`PolicyError` is
shown in the dialog as it is, and the dialog stays open to put it right.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from evidence_app import Case, EvidenceError
from evidence_app.policy.sanctions import SUBSTANCE, Conclusion, load_sanctions
from ui.deliberate import DeliberateButton
from ui.screen_fit import fit_to_screen

NO_INCIDENT = ""
SUBSTANCE_CHOICES = (("yes", "Yes"), ("no", "No"), ("unknown", "Not yet known"))
SUBJECT_CHOICES = (("pupil", "A pupil"), ("staff", "A member of staff"))


class ConclusionDialog(QDialog):
    """Record the pair's conclusion in the case. ``concluded(Event)`` follows a success."""

    concluded = Signal(object)

    def __init__(self, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.tables = load_sanctions()
        self.setWindowTitle("Conclude the review")
        fit_to_screen(self, 640, 720)
        intro = QLabel("When the review is finished, the two of you judge whether the concern has substance and "
                       "what is done about it. The choices are the school policy's. Once concluded, the case "
                       "takes no new evidence.")
        intro.setWordWrap(True)

        self.substance = QButtonGroup(self)
        substance_box = QGroupBox("Does the concern have substance?")
        row = QHBoxLayout(substance_box)
        for value, label in SUBSTANCE_CHOICES:
            button = QRadioButton(label)
            button.setProperty("value", value)
            button.setToolTip(SUBSTANCE[value])
            self.substance.addButton(button)
            row.addWidget(button)

        self.subject = QButtonGroup(self)
        subject_box = QGroupBox("Who is it about?")
        row = QHBoxLayout(subject_box)
        for value, label in SUBJECT_CHOICES:
            button = QRadioButton(label)
            button.setProperty("value", value)
            self.subject.addButton(button)
            row.addWidget(button)
        self.subject.buttonToggled.connect(self._subject_toggled)

        self.incident = QComboBox()
        self.incident.setAccessibleName("Incident, from the policy's table")
        self.incident.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.incident.setMinimumContentsLength(30)
        self.incident.currentIndexChanged.connect(self._incident_changed)

        self.actions_box = QGroupBox("Action proposed or taken (from the policy's table)")
        self.actions_layout = QVBoxLayout(self.actions_box)
        self.action_boxes: dict[str, QCheckBox] = {}

        self.action_text = QPlainTextEdit()
        self.action_text.setTabChangesFocus(True)
        self.action_text.setAccessibleName("Action proposed or taken, in your words")
        self.action_text.setPlaceholderText("For example: parents invited to a meeting on Thursday.")
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setAccessibleName("Conclusion, in your words")
        self.summary.setPlaceholderText("What you found, in a sentence or two.")

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #9b1c1c; font-weight: bold;")
        self.error.setAccessibleName("Problem")
        self.error.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        # Concluding cannot be undone: a click or Alt+C, never Enter in a box or Space on the button.
        self.conclude_button = DeliberateButton("&Conclude the case")
        self.buttons.addButton(self.conclude_button, QDialogButtonBox.ButtonRole.AcceptRole)
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        self.buttons.accepted.connect(self.conclude)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Incident:", self.incident)
        form.addRow("Action in your words:", self.action_text)
        form.addRow("Conclusion:", self.summary)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(substance_box)
        layout.addWidget(subject_box)
        layout.addLayout(form)
        layout.addWidget(self.actions_box)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._fill_incidents()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.conclude_button.setDefault(False)  # the button box makes its accept button the default on show

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # Enter never concludes (nor closes): only the button, or Alt+C, does
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------------ choices

    def _chosen(self, group: QButtonGroup) -> str:
        button = group.checkedButton()
        return str(button.property("value")) if button is not None else ""

    def choose(self, *, substance: str | None = None, subject: str | None = None,
               incident: str | None = None) -> None:
        """Set choices by value (used by the case window to pre-fill, and by tests)."""
        for group, value in ((self.substance, substance), (self.subject, subject)):
            if value is None:
                continue
            for button in group.buttons():
                if button.property("value") == value:
                    button.setChecked(True)
        if incident is not None:
            index = self.incident.findData(incident)
            if index >= 0:
                self.incident.setCurrentIndex(index)

    @Slot(QAbstractButton, bool)
    def _subject_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._fill_incidents()

    @Slot(int)
    def _incident_changed(self, _index: int) -> None:
        self._fill_actions()

    def _fill_incidents(self) -> None:
        subject = self._chosen(self.subject)
        self.incident.blockSignals(True)
        self.incident.clear()
        if not subject:
            self.incident.addItem("Choose who it is about first", NO_INCIDENT)
            self.incident.setEnabled(False)
        else:
            self.incident.setEnabled(True)
            self.incident.addItem("None of the table's incidents fits", NO_INCIDENT)
            for incident in self.tables.for_subject(subject).incidents:
                self.incident.addItem(incident.text, incident.id)
                self.incident.setItemData(self.incident.count() - 1, incident.text, Qt.ItemDataRole.ToolTipRole)
        self.incident.blockSignals(False)
        self._fill_actions()

    def _fill_actions(self) -> None:
        ticked = {action_id for action_id, box in self.action_boxes.items() if box.isChecked()}
        for box in self.action_boxes.values():
            self.actions_layout.removeWidget(box)
            box.deleteLater()
        self.action_boxes = {}
        subject = self._chosen(self.subject)
        if not subject:
            return
        table = self.tables.for_subject(subject)
        incident = table.incident(self.incident.currentData() or "")
        offered = [a.id for a in table.actions if incident is None or a.id in incident.actions]
        if self.tables.police_action not in offered:
            offered.append(self.tables.police_action)
        for action in table.actions:
            if action.id not in offered:
                continue
            box = QCheckBox(action.label)
            box.setProperty("value", action.id)
            box.setChecked(action.id in ticked)
            self.actions_layout.addWidget(box)
            self.action_boxes[action.id] = box
        self._tab_order()

    def _tab_order(self) -> None:
        """Tab goes down the dialog as it reads: the words, then the actions' boxes, then the buttons."""
        chain = [self.incident, self.action_text, self.summary, *self.action_boxes.values(),
                 *self.buttons.buttons()]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def conclusion(self) -> Conclusion:
        """The conclusion as the dialog stands (not yet checked by the core)."""
        return Conclusion(
            substance=self._chosen(self.substance), subject=self._chosen(self.subject),
            incident=self.incident.currentData() or "",
            actions=tuple(a for a, box in self.action_boxes.items() if box.isChecked()),
            action_text=self.action_text.toPlainText().strip(), summary=self.summary.toPlainText().strip())

    # ------------------------------------------------------------------ concluding

    def show_problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def conclude(self) -> None:
        conclusion = self.conclusion()
        if not conclusion.substance:
            self.show_problem("Say whether the concern has substance: yes, no or not yet known.")
            return
        if not conclusion.subject:
            self.show_problem("Say who the review is about: a pupil or a member of staff.")
            return
        try:
            event = self.case.conclude(conclusion)
        except EvidenceError as exc:
            self.show_problem(str(exc))
            return
        self.error.hide()
        self.concluded.emit(event)
        self.accept()


def open_conclusion(case: Case, parent: QWidget | None = None) -> ConclusionDialog:
    """Open the conclusion dialog (non-blocking)."""
    dialog = ConclusionDialog(case, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
