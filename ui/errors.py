"""Showing errors: the core's plain-English sentences as they are, anything else as a bug.

Message boxes are opened window-modal with ``open()``, never ``exec()``, so
nothing blocks and tests can drive every path.
"""

from __future__ import annotations

import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from evidence_app import EvidenceError


def describe(exc: BaseException) -> str:
    """The sentence to show for ``exc``."""
    if isinstance(exc, EvidenceError):
        return str(exc)
    return ("Something went wrong that Evidence App did not expect "
            f"({type(exc).__name__}: {exc}). Everything already saved in the case is safe. "
            "Please tell the person who looks after this computer.")


def show_message(parent: QWidget | None, title: str, text: str, *,
                 icon: QMessageBox.Icon = QMessageBox.Icon.Information, details: str = "") -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAccessibleName(title)
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_error(parent: QWidget | None, exc: BaseException, title: str = "Evidence App") -> QMessageBox:
    """Tell the person what went wrong, in the core's words when it knows."""
    details = "" if isinstance(exc, EvidenceError) else "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__))
    return show_message(parent, title, describe(exc), icon=QMessageBox.Icon.Warning, details=details)
