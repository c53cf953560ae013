"""Verify a police export bundle from the start screen.

A thin face over :func:`evidence_app.verify_bundle`: the pair (or an officer)
choose the export folder and type its passphrase (and, from the printed
form, the key fingerprint and journal head, which make the check strict); the check runs in the
background with a progress bar; the answer is shown as one large word,
INTACT or NOT INTACT, above the report's own text (every check made, and
each problem with the file it is in). A bundle that cannot be read at all
(wrong passphrase, files missing) says so plainly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.background import run_in_background
from ui.errors import describe
from ui.passphrase import secret_box
from ui.progress_relay import ProgressRelay
from ui.start.sign_in import MESSAGE_STYLE, heading

if TYPE_CHECKING:  # the checker (age, tar, bagit) loads when a check starts, not with the start screen
    from evidence_app import BundleReport

INTACT_STYLE = "background: #1b7f2a; color: white; font-size: 11pt; padding: 10px;"
NOT_INTACT_STYLE = "background: #b3261e; color: white; font-size: 11pt; padding: 10px;"
UNREADABLE_STYLE = "background: #7a4a00; color: white; font-size: 11pt; padding: 10px;"
INTACT_TEXT = ("INTACT: every file matches its recorded hash, the journal's chain is whole and the case's "
               "signature is good. Compare the case key fingerprint, journal head and record count below with "
               "the printed form: a bundle re-made with another key, or an older export, also passes every "
               "other check.")
INTACT_EXPECTED_TEXT = ("INTACT: every file matches its recorded hash, the journal's chain is whole, the case's "
                        "signature is good, and the key fingerprint and journal head are the ones you typed "
                        "from the printed form.")
NOT_INTACT_TEXT = "NOT INTACT: do not rely on this bundle. Ask for a new export. The problems are listed below."


def _verdict_html(text: str) -> str:
    """The verdict's first words large, its explanation at reading size."""
    from html import escape

    word, _, rest = text.partition(": ")
    return f'<span style="font-size: 22pt; font-weight: bold;">{escape(word)}</span><br>{escape(rest[:1].upper() + rest[1:])}'


class BundleCheckDialog(QDialog):
    """Choose a bundle, type its passphrase, see whether it is intact."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy = False
        self.report: BundleReport | None = None
        self.chooser: QFileDialog | None = None
        self._progress = ProgressRelay(self)  # if the dialog goes first, reporting raises and the job stops
        self._progress.changed.connect(self._on_progress)
        self.setWindowTitle("Verify a bundle")
        self.setAccessibleName("Verify a bundle")
        self.resize(760, 620)
        intro = QLabel("Check a police export: the folder with the .evidence.age, .key.age and .sha256 files, and "
                       "the passphrase that was given separately. Nothing is written anywhere.")
        intro.setWordWrap(True)
        self.folder = QLineEdit()
        self.folder.setAccessibleName("Bundle folder")
        self.folder.setPlaceholderText("The export folder, e.g. on the USB stick")
        browse = QPushButton("&Choose…")
        browse.setAccessibleName("Choose the bundle folder")
        browse.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.passphrase = secret_box("The bundle's passphrase", "The passphrase given with the bundle")
        self.passphrase.returnPressed.connect(self.start)
        self.expect_fingerprint = QLineEdit()
        self.expect_fingerprint.setAccessibleName("Key fingerprint from the printed form (optional)")
        self.expect_fingerprint.setPlaceholderText("Optional: the 64 digits printed on the form, spaces allowed")
        self.expect_head = QLineEdit()
        self.expect_head.setAccessibleName("Journal head from the printed form (optional)")
        self.expect_head.setPlaceholderText("Optional: the journal head printed on the form")
        form = QFormLayout()
        folder_label = QLabel("F&older")
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        form.addRow("&Passphrase", self.passphrase)
        form.addRow("Key &fingerprint", self.expect_fingerprint)
        form.addRow("Journal &head", self.expect_head)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName("Checking progress")
        self.progress.hide()
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName("Verdict")
        self.verdict.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setAccessibleName("Problem checking the bundle")
        self.message.hide()
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName("The full report")
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.details.hide()
        self.check_button = QPushButton("&Check the bundle")
        self.check_button.setAccessibleName("Check the bundle")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.start)
        close = QPushButton("Close")
        close.setAccessibleName("Close")
        close.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Verify a bundle"))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.verdict)
        layout.addWidget(self.details, 1)
        layout.addStretch(0)
        layout.addLayout(buttons)
        # Typing order: the folder, then its passphrase; "Choose…" (Alt+C) comes after the buttons.
        order = [self.folder, self.passphrase, self.expect_fingerprint, self.expect_head, self.check_button,
                 close, browse]
        for first, second in zip(order, order[1:]):
            self.setTabOrder(first, second)

    @Slot()
    def choose_folder(self) -> QFileDialog:
        chooser = QFileDialog(self, "Choose the export folder to check")
        chooser.setFileMode(QFileDialog.FileMode.Directory)
        chooser.setOption(QFileDialog.Option.ShowDirsOnly, True)
        chooser.fileSelected.connect(self.folder.setText)
        chooser.finished.connect(chooser.deleteLater)
        chooser.open()
        self.chooser = chooser
        return chooser

    @Slot()
    def start(self) -> None:
        if self.busy:
            return
        folder, passphrase = self.folder.text().strip(), self.passphrase.text()
        if not folder or not Path(folder).is_dir():
            self._show_problem("Choose the export folder first." if not folder else f"There is no folder {folder}.")
            return
        if not passphrase:
            self._show_problem("Type the bundle's passphrase.")
            return
        expected = []
        for box, what in ((self.expect_fingerprint, "key fingerprint"), (self.expect_head, "journal head")):
            digits = "".join(box.text().split()).replace(":", "")
            if digits and (len(digits) != 64 or any(c not in "0123456789abcdefABCDEF" for c in digits)):
                self._show_problem(f"The {what} is the 64 hexadecimal digits printed on the form (or leave it empty).")
                return
            expected.append(digits or None)
        fingerprint, head = expected
        self.busy = True
        self.check_button.setEnabled(False)
        self.verdict.hide()
        self.details.hide()
        self.message.hide()
        self.progress.setValue(0)
        self.progress.show()
        self._progress.reset()
        report = self._progress.report
        from evidence_app import verify_bundle

        run_in_background(self, lambda: verify_bundle(folder, passphrase=passphrase, progress=report,
                                                      expect_fingerprint=fingerprint, expect_head=head),
                          self._checked, self._failed)

    @Slot(int)
    def _on_progress(self, permille: int) -> None:
        self.progress.setValue(permille)

    def _finish(self) -> None:
        self.busy = False
        self.check_button.setEnabled(True)
        self.progress.hide()

    def _checked(self, report: BundleReport) -> None:
        self._finish()
        self.report = report
        intact = INTACT_EXPECTED_TEXT if all(report.expectations) else INTACT_TEXT
        self.verdict.setText(_verdict_html(intact if report.ok else NOT_INTACT_TEXT))
        self.verdict.setStyleSheet(INTACT_STYLE if report.ok else NOT_INTACT_STYLE)
        self.verdict.setAccessibleDescription("intact" if report.ok else "not intact")
        self.verdict.show()
        self.details.setPlainText(report.text())
        self.details.show()

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.report = None
        self.verdict.setText(_verdict_html("COULD NOT BE READ: " + describe(exc)))
        self.verdict.setStyleSheet(UNREADABLE_STYLE)
        self.verdict.setAccessibleDescription("could not be read")
        self.verdict.show()

    def _show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def reject(self) -> None:
        if self.busy:
            return
        self.passphrase.clear()
        super().reject()


def start_bundle_check(parent: QWidget | None) -> BundleCheckDialog:
    """Open the bundle check (never blocks)."""
    dialog = BundleCheckDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
