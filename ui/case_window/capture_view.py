"""A capture at full size, from memory, on request: the pair choose to look at it again.

The bytes come through ``case.read_capture`` (the hash is re-checked); nothing
is written anywhere. A withheld capture is never shown (the case window never
offers it). The window is a child of the dialog that opened it, so it closes
with it (and the case window closes that when the case locks).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from evidence_app import Capture, Case
from ui.screen_fit import fit_to_screen
from ui.texts import local_time

KIND_WORDS = {"viewport": "visible area", "page": "whole page", "screen": "whole screen", "region": "region"}


def capture_kind_words(kind: str) -> str:
    """``viewport`` -> ``visible area``: the words on the buttons, not the program's."""
    return KIND_WORDS.get(kind, kind)


class CaptureView(QDialog):
    """One capture, full size, scrollable."""

    def __init__(self, case: Case, capture: Capture, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Screenshot {capture.id} ({capture_kind_words(capture.kind)}), "
                            f"{local_time(capture.captured_at)}")
        self.setAccessibleName("Screenshot at full size")
        image = QImage.fromData(case.read_capture(capture.id), "PNG")
        self.picture = QLabel()
        self.picture.setAccessibleName(f"Screenshot {capture.id}")
        self.picture.setPixmap(QPixmap.fromImage(image))
        area = QScrollArea()
        area.setWidget(self.picture)
        area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(area, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, image.width() + 60, image.height() + 100)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
