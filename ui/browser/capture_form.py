"""The inline capture form: a note and the concern, attached to the next capture taken.

The capture is stored the moment it is taken, so the note and the concern are
filled in beforehand, in this bar above the page, while the pair look at it.
The concerns come from the policy's "User Actions" table
(:mod:`evidence_app.policy.concerns`); an illegal one shows the policy's instruction to
report it to the police. Choosing "child sexual abuse images" never leads to a
capture: it emits :attr:`CaptureForm.stop_requested` and captures are refused
while it is chosen.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from evidence_app.policy.concerns import Concern, ConcernTable
from ui.browser.concern_box import NO_CONCERN, concern_box

POLICE_STYLE = "color: #b3261e; font-weight: bold;"


class CaptureForm(QWidget):
    stop_requested = Signal()

    def __init__(self, concerns: ConcernTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._concerns = concerns
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText("What it shows, why it matters")
        self.note_edit.setToolTip("Note for the next capture: what it shows and why it matters")
        self.note_edit.setMinimumWidth(120)
        self.note_edit.setMaxLength(5000)
        self.note_edit.setAccessibleName("Note for the next capture")
        self.concern_box = concern_box(concerns, self)
        self.concern_box.setToolTip("The policy's category for what the capture shows")
        self.concern_box.setAccessibleName("Concern for the next capture")
        self.warning = QLabel(self)
        self.warning.setStyleSheet(POLICE_STYLE)
        self.warning.setWordWrap(True)
        self.warning.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Note:", self))
        row.addWidget(self.note_edit, 3)
        row.addWidget(self.concern_box, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.warning)
        self.concern_box.currentIndexChanged.connect(self._on_concern)

    def note(self) -> str:
        return self.note_edit.text().strip()

    def concern_id(self) -> str:
        return str(self.concern_box.currentData() or NO_CONCERN)

    def concern(self) -> Concern | None:
        return self._concerns.get(self.concern_id())

    def set_concern(self, concern_id: str) -> None:
        index = self.concern_box.findData(concern_id)
        if index < 0:
            raise KeyError(concern_id)
        self.concern_box.setCurrentIndex(index)

    @property
    def blocks_capture(self) -> bool:
        concern = self.concern()
        return concern is not None and concern.stop

    def clear_note(self) -> None:
        self.note_edit.clear()

    def _on_concern(self, _index: int) -> None:
        concern = self.concern()
        if concern is None or not concern.illegal:
            self.warning.hide()
            return
        law = f" (contrary to the {concern.law})" if concern.law else ""
        if concern.stop:
            self.warning.setText(f"{concern.label}{law}: STOP. Do not capture, copy or look further. "
                                 f"{concern.police_instruction}")
        else:
            self.warning.setText(f"{concern.label} is illegal{law}. {concern.police_instruction}")
        self.warning.show()
        if concern.stop:
            self.stop_requested.emit()
