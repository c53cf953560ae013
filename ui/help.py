"""F1 help: the policy's procedure in plain words and what each control does (``resources/help/help.md``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from resources import resource_path
from ui.screen_fit import fit_to_screen

HELP_FILE = ("help", "help.md")


def help_text() -> str:
    """The help, as Markdown (a school may edit the file)."""
    return resource_path(*HELP_FILE).read_text(encoding="utf-8")


class HelpWindow(QDialog):
    """A modeless window with the help; it stays open beside the work."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Help · Evidence App")
        self.setAccessibleName("Help")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.text = QTextBrowser(self)
        self.text.setAccessibleName("Help text")
        self.text.setOpenLinks(False)
        self.text.setMarkdown(help_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 760, 640)
