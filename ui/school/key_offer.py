"""The start screen's offer to set up the school key, shown while this computer has none.

Kept apart from the setup dialog so the start screen does not load QtPdf.
It explains in two sentences and offers the setup; it never forces it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

OFFER_TEXT = ("The headteacher, as eSafeguarding coordinator, makes the school key once on this computer. It lets "
              "one investigator open a case with the key if the other has left; keep its printed page in the "
              "school safe.")
OFFER_STYLE = "QFrame#schoolKeyOffer { background: #eef4fb; border: 1px solid #9bb7d6; border-radius: 6px; }"


class SchoolKeyOffer(QFrame):
    """The start screen's offer to set up the school key (shown while there is none)."""

    setup_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schoolKeyOffer")
        self.setStyleSheet(OFFER_STYLE)
        self.setAccessibleName("Set up the school key")
        title = QLabel("Set up the school key")
        title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        text = QLabel(OFFER_TEXT)
        text.setWordWrap(True)
        self.button = QPushButton("Set up the school &key…")
        self.button.setAccessibleName("Set up the school key")
        self.button.clicked.connect(self.setup_requested)
        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(text)
        row = QHBoxLayout(self)
        row.addLayout(column, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
