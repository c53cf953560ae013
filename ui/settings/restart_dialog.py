"""The offer to restart Evidence App at once, when the saved list names hosts only a restart blocks fully.

Shown by the :class:`~ui.app.Controller` after the settings are saved. "Restart
Evidence App now" locks any open case first (the pair sign in again after the
restart); "Later" leaves things as they are: those hosts are still refused before
any request is sent, and the start screen keeps naming them.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

NOW = "Restart Evidence App now"
LATER = "Later"


def offer_text(hosts: tuple[str, ...], open_cases: int) -> str:
    """What the pair read: which hosts wait, what a restart does, and what happens to open cases."""
    named = ", ".join(hosts[:3]) + (f" and {len(hosts) - 3} more" if len(hosts) > 3 else "")
    text = (f"The school's list now names {named}. Addresses there are already refused before any request is "
            "sent. A page can still ask the browser to connect to them early, without a request; that is "
            "blocked only after Evidence App starts again.")
    if open_cases:
        text += (f" Restarting locks the open case{'s' if open_cases > 1 else ''} first: the pair sign in again "
                 "afterwards. Nothing recorded is lost.")
    return text


class RestartDialog(QDialog):
    """Asks whether to restart now; ``accepted`` means restart."""

    def __init__(self, hosts: tuple[str, ...], open_cases: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restart Evidence App?")
        self.setModal(True)
        self.message = QLabel(offer_text(hosts, open_cases))
        self.message.setWordWrap(True)
        self.message.setMinimumWidth(460)
        self.restart_button = QPushButton(NOW)
        self.later_button = QPushButton(LATER)
        self.restart_button.clicked.connect(self.accept)
        self.later_button.clicked.connect(self.reject)
        self.later_button.setDefault(True)  # Enter does not restart by accident
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.later_button)
        buttons.addWidget(self.restart_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
