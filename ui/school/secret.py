"""Giving the school key: the eSafeguarding coordinator's passphrase, or the 24 words from the school safe.

:class:`SchoolSecretBox` is used wherever the school key is needed (reading
the incident register, opening a case when an investigator is not available).
It only collects the secret; :meth:`SchoolSecretBox.key_source` hands back a
function that unlocks the key, to be run in the background (the passphrase's
key derivation is deliberately slow).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QLabel, QPlainTextEdit, QRadioButton, QVBoxLayout, QWidget

from evidence_app import SchoolKey
from ui.passphrase import secret_box

Unlocker = Callable[[str], SchoolKey]
"""The coordinator's passphrase to the school key (``CaseStore.unlock_school_key``)."""

WORDS_HINT = "Type the 24 words from the printed page, in number order, separated by spaces."


class SchoolSecretBox(QWidget):
    """Either the coordinator's passphrase or the 24 words; emits :attr:`submitted` on Enter."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.by_passphrase = QRadioButton("The eSafeguarding coordinator's &passphrase")
        self.by_words = QRadioButton("The &24 words from the page in the school safe")
        self.by_passphrase.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_passphrase)
        group.addButton(self.by_words)
        self.passphrase = secret_box("The eSafeguarding coordinator's passphrase",
                                     "The coordinator types the passphrase here")
        self.words = QPlainTextEdit()
        self.words.setAccessibleName("The 24 words of the school key")
        self.words.setPlaceholderText(WORDS_HINT)
        self.words.setTabChangesFocus(True)
        self.words.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.words_hint = QLabel(WORDS_HINT + " Only the first four letters of each word matter.")
        self.words_hint.setWordWrap(True)
        self.words_hint.setStyleSheet("color: #555;")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.by_passphrase)
        column.addWidget(self.passphrase)
        column.addWidget(self.by_words)
        column.addWidget(self.words)
        column.addWidget(self.words_hint)
        self.by_passphrase.toggled.connect(self._show_choice)
        self.passphrase.returnPressed.connect(self.submitted)
        self._show_choice()

    def _show_choice(self) -> None:
        words = self.by_words.isChecked()
        self.passphrase.setVisible(not words)
        self.words.setVisible(words)
        self.words_hint.setVisible(words)
        (self.words if words else self.passphrase).setFocus()

    def use_words(self, words: bool = True) -> None:
        (self.by_words if words else self.by_passphrase).setChecked(True)

    def is_empty(self) -> bool:
        return not (self.words.toPlainText().strip() if self.by_words.isChecked() else self.passphrase.text())

    def key_source(self, unlock: Unlocker) -> Callable[[], SchoolKey]:
        """A function giving the school key from what was typed (run it in the background)."""
        if self.by_words.isChecked():
            words = self.words.toPlainText()
            return lambda: SchoolKey.from_words(words)
        passphrase = self.passphrase.text()
        return lambda: unlock(passphrase)

    def clear(self) -> None:
        self.passphrase.clear()
        self.words.clear()

    def set_busy(self, busy: bool) -> None:
        for widget in (self.by_passphrase, self.by_words, self.passphrase, self.words):
            widget.setEnabled(not busy)
