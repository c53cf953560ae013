"""Export for the police: who it is for, the passphrase, where to write it; then the bundle's hash.

A thin face over ``Case.export`` (see :mod:`evidence_app.export.writer`). The
pair give the officer's name, force and reference; take the six generated
words (shown large, to be read to the officer over the phone) or type a
passphrase of their own twice; and choose the folder (the USB stick). For a
sealed case a box, off by default, includes the withheld captures when the
police have asked for them. The export runs in the background with a
progress bar and a Cancel button; the core removes any partial bundle, so a
cancel leaves nothing behind. At the end the dialog shows where the bundle
is, its SHA-256 and the passphrase again, and offers to make the form again.

An export that is making progress counts as activity for the idle lock, so a
long export is not cut short by it; if the case locks anyway, the export is
cancelled and the dialog closes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from evidence_app import Case, ExportCancelled, ExportResult, Recipient, Status, export_case
from evidence_app.export.destination import check_destination, estimate_export_bytes
from evidence_app.policy.passphrase_words import generate_passphrase
from ui.background import run_in_background
from ui.case_window.idle import IdleWatcher
from ui.errors import describe
from ui.passphrase import OK_STYLE, PROBLEM_STYLE, secret_box
from ui.progress_relay import ProgressRelay
from ui.start.sign_in import MESSAGE_STYLE, heading

MIN_OWN_PASSPHRASE = 12
PHONE_RULE = "Read it to the officer by phone; never send it with the USB stick."
WITHHELD_WARNING = ("Leave this off unless the police have asked for them. The withheld captures were taken of "
                    "suspected child abuse imagery: they go into the encrypted bundle without being shown, "
                    "and the custody record says that the police asked.")
CANCELLED = "The export was cancelled. Nothing was left in the folder."
FORM_PAGE, RUNNING_PAGE, DONE_PAGE = 0, 1, 2
PASSPHRASE_STYLE = ("font-size: 20pt; font-weight: bold; padding: 8px; background: #fff8d6; "
                    "border: 1px solid #c9b458; border-radius: 4px;")


def mono_label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    label.setAccessibleName(name)
    return label


class ExportDialog(QDialog):
    """Export ``case`` for the police; :attr:`exported` carries the :class:`ExportResult`."""

    exported = Signal(object)
    form_requested = Signal()

    def __init__(self, case: Case, parent: QWidget | None = None, *, tsa_url: str = "",
                 key_cost: int | None = None, idle: IdleWatcher | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.tsa_url = tsa_url
        self.key_cost = key_cost
        self.idle = idle
        self.running = False
        self._close_when_done = False
        self.result_: ExportResult | None = None
        self._cancel = threading.Event()
        self._progress = ProgressRelay(self)  # if the dialog goes first, reporting raises and the job stops
        self._progress.changed.connect(self._on_progress)
        self.chooser: QFileDialog | None = None
        self.setWindowTitle(f"Export case {case.id} for the police")
        self.setAccessibleName("Export for the police")
        self.setMinimumWidth(700)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._form_page())
        self.pages.addWidget(self._running_page())
        self.pages.addWidget(self._done_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self._update_own()

    # ------------------------------------------------------------------ the pages

    def _form_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(heading("Export for the police"))
        intro = QLabel("This writes one encrypted folder for the officer, with the form, the screenshots, the "
                       "journal and the chain of custody, signed with the case's key. The officer can check it "
                       "with standard tools, without Evidence App.")
        intro.setWordWrap(True)
        column.addWidget(intro)

        officer = QGroupBox("Who it is for")
        form = QFormLayout(officer)
        self.officer_name = QLineEdit()
        self.officer_name.setPlaceholderText("e.g. DC Sioned Evans")
        self.officer_force = QLineEdit()
        self.officer_force.setPlaceholderText("e.g. Dyfed-Powys Police")
        self.officer_reference = QLineEdit()
        self.officer_reference.setPlaceholderText("The police's crime or incident reference")
        for box, label in ((self.officer_name, "Officer's &name"), (self.officer_force, "&Force"),
                           (self.officer_reference, "&Reference number")):
            box.setAccessibleName(label.replace("&", ""))
            box.setMaxLength(500)
            form.addRow(label, box)
        column.addWidget(officer)

        secret = QGroupBox("The passphrase for the officer")
        inner = QVBoxLayout(secret)
        self.use_words = QRadioButton("Use these six &words (recommended)")
        self.use_own = QRadioButton("Type our &own passphrase instead")
        self.use_words.setChecked(True)
        choice = QButtonGroup(self)
        choice.addButton(self.use_words)
        choice.addButton(self.use_own)
        self.words = QLabel(generate_passphrase())
        self.words.setStyleSheet(PASSPHRASE_STYLE)
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.words.setAccessibleName("The passphrase for the officer")
        self.new_words = QPushButton("New &words")
        self.new_words.setAccessibleName("Make new words")
        self.new_words.clicked.connect(self.regenerate)
        words_row = QHBoxLayout()
        words_row.addWidget(self.words, 1)
        words_row.addWidget(self.new_words)
        self.own_first = secret_box("Our own passphrase", f"At least {MIN_OWN_PASSPHRASE} characters")
        self.own_again = secret_box("Our own passphrase again", "Type it again")
        self.own_feedback = QLabel()
        self.own_feedback.setWordWrap(True)
        self.own_feedback.setAccessibleName("Our own passphrase: check")
        own = QFormLayout()
        own.addRow("Passphrase", self.own_first)
        own.addRow("Again", self.own_again)
        own.addRow(self.own_feedback)
        self.own_box = QWidget()
        self.own_box.setLayout(own)
        rule = QLabel(PHONE_RULE)
        rule.setStyleSheet("font-weight: bold; color: #7a4a00;")
        rule.setWordWrap(True)
        rule.setAccessibleName("How to give the passphrase")
        inner.addWidget(self.use_words)
        inner.addLayout(words_row)
        inner.addWidget(self.use_own)
        inner.addWidget(self.own_box)
        inner.addWidget(rule)
        self.use_words.toggled.connect(self._update_own)
        self.own_first.textChanged.connect(self._update_own)
        self.own_again.textChanged.connect(self._update_own)
        column.addWidget(secret)

        where = QGroupBox("Where to write it")
        row = QHBoxLayout(where)
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("The USB stick for the officer, or a folder")
        self.folder.setAccessibleName("Export folder")
        browse = QPushButton("&Choose…")
        browse.setAccessibleName("Choose the export folder")
        browse.clicked.connect(self.choose_folder)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        column.addWidget(where)

        self.withheld = QCheckBox("The police asked for the &withheld captures")
        self.withheld.setAccessibleName("The police asked for the withheld captures")
        self.withheld_warning = QLabel(WITHHELD_WARNING)
        self.withheld_warning.setWordWrap(True)
        self.withheld_warning.setStyleSheet("color: #a31515;")
        sealed = self.case.status is Status.SEALED
        self.withheld.setVisible(sealed)
        self.withheld_warning.setVisible(sealed)
        column.addWidget(self.withheld)
        column.addWidget(self.withheld_warning)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setAccessibleName("Export message")
        self.message.hide()
        column.addWidget(self.message)
        self.export_button = QPushButton("&Export")
        self.export_button.setAccessibleName("Export the case")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        close = QPushButton("Cancel")
        close.setAccessibleName("Close without exporting")
        close.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.export_button)
        column.addLayout(buttons)
        return page

    def _running_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(heading("Exporting…"))
        self.running_text = QLabel("Reading each file from the case, checking its hash and writing it "
                                   "encrypted. The window stays usable meanwhile.")
        self.running_text.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName("Export progress")
        self.progress.setFormat("%p%")
        self.cancel_button = QPushButton("Cancel the export")
        self.cancel_button.setAccessibleName("Cancel the export")
        self.cancel_button.clicked.connect(self.cancel)
        column.addWidget(self.running_text)
        column.addWidget(self.progress)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        column.addLayout(row)
        column.addStretch(1)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(heading("The bundle is ready"))
        form = QFormLayout()
        self.done_folder = mono_label(name="Where the bundle is")
        self.done_sha256 = mono_label(name="SHA-256 of the encrypted evidence file")
        self.done_passphrase = QLabel()
        self.done_passphrase.setStyleSheet(PASSPHRASE_STYLE)
        self.done_passphrase.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_passphrase.setAccessibleName("The passphrase for the officer, again")
        form.addRow("Folder", self.done_folder)
        self.done_fingerprint = mono_label(name="Fingerprint of the case key that signs the bundle")
        self.done_head = mono_label(name="Journal head of the bundle, and its record count")
        form.addRow("SHA-256", self.done_sha256)
        form.addRow("Key fingerprint", self.done_fingerprint)
        form.addRow("Journal head", self.done_head)
        form.addRow("Passphrase", self.done_passphrase)
        column.addLayout(form)
        self.done_text = QLabel()
        self.done_text.setWordWrap(True)
        self.done_text.setAccessibleName("What to do next")
        column.addWidget(self.done_text)
        self.form_button = QPushButton("Make the &form again…")
        self.form_button.setAccessibleName("Make the form again")
        self.form_button.setToolTip("Make, preview and print the incident form again, now with this export.")
        self.form_button.clicked.connect(self._form_clicked)
        done = QPushButton("&Done")
        done.setAccessibleName("Done")
        done.setDefault(True)
        done.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.form_button)
        row.addWidget(done)
        column.addLayout(row)
        column.addStretch(1)
        return page

    # ------------------------------------------------------------------ choices

    @Slot()
    def regenerate(self) -> None:
        self.words.setText(generate_passphrase())

    @Slot()
    def _update_own(self) -> None:
        own = self.use_own.isChecked()
        self.own_box.setVisible(own)
        self.words.setEnabled(not own)
        self.new_words.setEnabled(not own)
        first, again = self.own_first.text(), self.own_again.text()
        if not first:
            self.own_feedback.setStyleSheet("")
            self.own_feedback.setText(f"At least {MIN_OWN_PASSPHRASE} characters, typed twice.")
            return
        problems = self._own_problems()
        self.own_feedback.setStyleSheet(PROBLEM_STYLE if problems else OK_STYLE)
        self.own_feedback.setText("\n".join(f"✗ {p}" for p in problems) if problems else
                                  "✓ Long enough, and both entries match" if again else "… Type it again to confirm")

    def _own_problems(self) -> list[str]:
        first, again = self.own_first.text(), self.own_again.text()
        problems = []
        if len(first) < MIN_OWN_PASSPHRASE:
            problems.append(f"It has {len(first)} characters; it needs at least {MIN_OWN_PASSPHRASE}.")
        if again and again != first:
            problems.append("The two entries differ.")
        return problems

    def passphrase(self) -> str:
        return self.own_first.text() if self.use_own.isChecked() else self.words.text()

    @Slot()
    def choose_folder(self) -> QFileDialog:
        chooser = QFileDialog(self, "Choose where to write the bundle (the USB stick)")
        chooser.setFileMode(QFileDialog.FileMode.Directory)
        chooser.setOption(QFileDialog.Option.ShowDirsOnly, True)
        chooser.fileSelected.connect(self.folder.setText)
        chooser.finished.connect(chooser.deleteLater)
        chooser.open()
        self.chooser = chooser
        return chooser

    def problems(self) -> list[str]:
        """What stops the export, in plain words (empty when it can start)."""
        found = []
        missing = [what for box, what in ((self.officer_name, "the officer's name"), (self.officer_force, "the force"),
                                          (self.officer_reference, "the reference number"))
                   if not box.text().strip()]
        if missing:
            found.append("Please give " + ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "")
                         + missing[-1] + ".")
        if self.use_own.isChecked():
            if len(self.own_first.text()) < MIN_OWN_PASSPHRASE:
                found.append(f"Our own passphrase needs at least {MIN_OWN_PASSPHRASE} characters, or use the "
                             "six words.")
            elif self.own_first.text() != self.own_again.text():
                found.append("The two entries of our own passphrase differ: type it again in both boxes.")
        folder = self.folder.text().strip()
        if not folder:
            found.append("Choose where to write the bundle.")
        elif not Path(folder).is_dir():
            found.append(f"The folder {folder} does not exist. Plug in the USB stick, or choose another folder.")
        else:  # room on the stick, and a file system that holds the evidence file (FAT32: under 4 GB)
            found.extend(check_destination(Path(folder), estimate_export_bytes(self.case)))
        return found

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # ------------------------------------------------------------------ exporting

    @Slot()
    def start(self) -> None:
        """Check the answers and start the export in the background."""
        if self.running:
            return
        problems = self.problems()
        if problems:
            self.show_message("\n".join(problems))
            return
        if self.case.locked:
            self.show_message("The case is locked. Unlock it, then export again.")
            return
        self.show_message("")
        recipient = Recipient(self.officer_name.text().strip(), self.officer_force.text().strip(),
                              self.officer_reference.text().strip())
        options: dict[str, Any] = {
            "recipient": recipient, "include_quarantined": self.withheld.isVisible() and self.withheld.isChecked(),
            "progress": self._progress.report, "cancel": self._cancel.is_set, "tsa_url": self.tsa_url or None}
        if self.key_cost is not None:
            options["key_cost"] = self.key_cost
        case, dest, secret = self.case, Path(self.folder.text().strip()), self.passphrase()
        work: Callable[[], ExportResult] = lambda: export_case(case, dest, passphrase=secret, **options)  # noqa: E731
        self._cancel.clear()
        self._progress.reset()
        self.running = True
        self.progress.setValue(0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel the export")
        self.pages.setCurrentIndex(RUNNING_PAGE)
        run_in_background(self, work, self._done, self._failed)

    @Slot()
    def cancel(self) -> None:
        """Ask the export to stop; the core removes what it wrote."""
        if not self.running:
            return
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")

    @Slot(int)
    def _on_progress(self, permille: int) -> None:
        self.progress.setValue(permille)
        if self.idle is not None and self.idle.active:
            self.idle.start()  # the export is working: not idle

    def _done(self, result: ExportResult) -> None:
        self.running = False
        if self._close_when_done:
            super().reject()
            return
        self.result_ = result
        self.done_folder.setText(str(result.folder))
        self.done_sha256.setText(result.evidence_sha256)
        self.done_fingerprint.setText(result.key_fingerprint)
        self.done_head.setText(f"{result.journal_head} ({result.journal_records} records)")
        self.done_passphrase.setText(result.passphrase)
        withheld = ""
        if self.case.status is Status.SEALED:
            withheld = (" The withheld captures are included, as the police asked." if result.quarantined_included
                        else " The withheld captures are not included.")
        self.done_text.setText(
            f"The folder {result.folder.name} (four files) is in {result.folder.parent}. If that is not the "
            f"officer's USB stick, copy the whole folder onto it.{withheld} {PHONE_RULE} Write the SHA-256 on the "
            "printed form, or keep a note of it with the form: it identifies exactly what the officer received. "
            "The officer checks the bundle against the key fingerprint and journal head printed on the form "
            "(evidence-app verify --expect-fingerprint … --expect-head …); a bundle re-made with another key, or "
            "an older export, differs there. The export is also recorded in the case's journal.")
        self.pages.setCurrentIndex(DONE_PAGE)
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        if self._close_when_done:
            super().reject()
            return
        self.pages.setCurrentIndex(FORM_PAGE)
        self.show_message(CANCELLED if isinstance(exc, ExportCancelled) else
                          f"The bundle was not written. {describe(exc)}")

    @Slot()
    def _form_clicked(self) -> None:
        self.form_requested.emit()

    # ------------------------------------------------------------------ closing

    @Slot()
    def case_locked(self) -> None:
        """The case locked (idle or by hand): stop any export, and close without showing the passphrase."""
        self.done_passphrase.clear()
        if self.running:
            self._close_when_done = True
            self.cancel()
        else:
            super().reject()

    def reject(self) -> None:
        if self.running:  # Esc or the window's close while exporting means cancel, then wait for it
            self.cancel()
            return
        self.done_passphrase.clear()
        super().reject()

    def accept(self) -> None:
        self.done_passphrase.clear()
        super().accept()


def open_export(case: Case, parent: QWidget | None = None, *, tsa_url: str = "",
                key_cost: int | None = None, idle: IdleWatcher | None = None) -> ExportDialog:
    """Open the export dialog (non-blocking)."""
    dialog = ExportDialog(case, parent, tsa_url=tsa_url, key_cost=key_cost, idle=idle)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
