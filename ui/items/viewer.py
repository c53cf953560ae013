"""Viewing an item: a picture only after the warning and the pair's choice, journaled by the core.

:func:`view_warning` is :data:`~ui.items.texts.VIEW_WARNING` with Cancel as the default; only "View it"
calls ``case.view_item`` (which journals the choice) and decodes the bytes, here and nowhere else
(:func:`decode_picture`). A video is not played inside the app. The viewer has the stop on it: pressed
while the picture is shown, the stop withholds that item.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (QDialog, QLabel, QMessageBox, QPlainTextEdit, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from evidence_app import Case
from evidence_app.items.records import Item
from ui.case_window.stop import STOP_KEYS, StopRequest
from ui.items.texts import VIEW_WARNING, size_words


def decode_picture(data: bytes) -> QImage:
    """The one place an item's bytes become pixels."""
    return QImage.fromData(data)


def view_warning(parent: QWidget) -> tuple[QMessageBox, QPushButton]:
    """The warning before a picture or video is shown, Cancel its default; the caller opens it."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Before you view this file", VIEW_WARNING,
                      QMessageBox.StandardButton.Cancel, parent)
    box.setAccessibleName("Before you view this file")
    view = box.addButton("View it", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    return box, view


class ItemView(QDialog):
    """A picture the pair chose to view, with the stop on it."""

    stop_requested = Signal(object)  # StopRequest naming this item

    def __init__(self, case: Case, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setWindowTitle(f"{item.id}: {item.name}")
        self.setAccessibleName("Viewing a file")
        layout = QVBoxLayout(self)
        stop = QPushButton(f"Stop: suspected child abuse imagery ({STOP_KEYS})")
        QShortcut(QKeySequence(STOP_KEYS), self, activated=self._stop)
        stop.setStyleSheet("background: #b3261e; color: white; font-weight: bold;")
        stop.setAutoDefault(False)
        stop.clicked.connect(lambda *_: self._stop())
        layout.addWidget(stop)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if item.media_type.startswith("video/"):
            self.picture.setText("Videos are not played inside the app. The file is kept unchanged in the case "
                                 "and goes whole into the police export.")
        else:
            image = decode_picture(case.view_item(item.id))
            if image.isNull():
                self.picture.setText("This picture could not be drawn (it may be damaged or of a kind the app "
                                     "cannot draw). Its bytes are kept unchanged.")
            else:
                self.picture.setPixmap(QPixmap.fromImage(image).scaled(
                    900, 600, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll)
        self.resize(960, 700)

    def _stop(self) -> None:
        self.stop_requested.emit(StopRequest("", "button", (self.item.id,)))


class DetailsView(QDialog):
    """What the file says about itself, and its hashes: words only, never its picture."""

    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Details of {item.id}: {item.name}")
        self.setAccessibleName("Details of a file")
        lines = [f"Name: {item.name}", f"Size: {size_words(item.size)} ({item.size:,} bytes)",
                 f"Modified (as the file said): {item.modified or 'not known'}", f"Added: {item.added_at} by "
                 + " and ".join(item.by), f"SHA-256: {item.sha256}", f"SHA-1: {item.sha1}", f"MD5: {item.md5}",
                 f"Kind: {item.media_type}"]
        if item.personal_data:
            lines.append("Personal data in it: " + "; ".join(item.personal_data))
        lines += ["", "What the file says about itself:", json.dumps(item.metadata, indent=2, ensure_ascii=False)]
        text = QPlainTextEdit("\n".join(lines))
        text.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        self.resize(720, 520)
