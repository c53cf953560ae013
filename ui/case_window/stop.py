"""The stop's one confirmation: quick to give, impossible to give by accident.

The big red control, its shortcut (Ctrl+Shift+X), choosing the "child sexual
abuse images" concern, and choosing it for a capture already taken all end
here. The page is already hidden when this opens. There is exactly one
explicit action to confirm, "Stop and seal the case": a click, or Alt+S.
Nothing typed confirms it: no button is the default or has the focus when
the dialog opens (the keyboard is in the description box, so words typed on
land there), and neither Space nor Enter presses the confirm button even
when Tab has reached it. Esc or "Go back" cancels. An optional line takes a
description in words.

A blocklisted address needs no confirmation: the case window halts at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui.deliberate import DeliberateButton

STOP_KEYS = "Ctrl+Shift+X"
CONFIRM_TEXT = "&Stop and seal the case"
CONFIRM_STYLE = ("QPushButton { background: #b3261e; color: white; font-weight: bold; font-size: 12pt;"
                 " padding: 8px 16px; border-radius: 5px; border: 2px solid #7f1d17; }"
                 "QPushButton:focus { border: 3px solid #1a1a1a; }")
EXPLANATION = ("The page is hidden. If you confirm, browsing and screenshots stop at once and this case is "
               "sealed for good: nothing more can be added to it. You will then see what to do next.\n\n"
               "Do not look at the content again.")


@dataclass(frozen=True)
class StopRequest:
    """What the stop is about: the address, captures named by the pair, their words, and what started it."""

    url: str
    trigger: str                      # button | concern | capture | blocklist
    captures: tuple[str, ...] = ()    # capture ids to withhold besides those of the address
    note: str = ""


class StopConfirm(QDialog):
    """Window-modal; :attr:`confirmed` carries the :class:`StopRequest` with the pair's description added."""

    confirmed = Signal(object)

    def __init__(self, request: StopRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request = request
        self.setWindowTitle("Stop: suspected child abuse imagery")
        self.setAccessibleName("Confirm the stop")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        heading = QLabel("Stop the investigation and seal the case?")
        heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        heading.setWordWrap(True)
        text = QLabel(EXPLANATION)
        text.setWordWrap(True)
        self.description = QLineEdit()
        self.description.setMaxLength(2000)
        self.description.setPlaceholderText("Optional: what you saw, in words only")
        self.description.setAccessibleName("Description in words (optional)")
        if request.note:
            self.description.setText(request.note)
        self.confirm_button = DeliberateButton(CONFIRM_TEXT)
        self.confirm_button.setAccessibleName("Stop and seal the case")
        self.confirm_button.setStyleSheet(CONFIRM_STYLE)
        self.cancel_button = QPushButton("&Go back (Esc)")
        self.cancel_button.setAccessibleName("Go back")
        for button in (self.confirm_button, self.cancel_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.confirm_button.clicked.connect(self._confirm)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addWidget(self.description)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self.setFocusProxy(self.description)  # typing goes on into the description, never onto a button
        self.description.setFocus()

    @Slot()
    def _confirm(self) -> None:
        words = self.description.text().strip()
        self.confirmed.emit(replace(self.request, note=words))
        self.accept()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.description.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # never confirms, never cancels: only the button does
            return
        super().keyPressEvent(event)
