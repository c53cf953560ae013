"""The incident register: every case on this computer in the policy's reporting-log form.

Reading it needs the school key (the coordinator's passphrase, or the 24
words from the safe); the key is unlocked and the register decrypted in the
background, and the key is not kept once the rows are read. The rows show
the policy's columns (``evidence_app.school.register.COLUMNS``). They can be saved
as a PDF (:mod:`evidence_app.school.register_pdf`) or as CSV, after a warning that
the saved file is outside the encryption (CSV especially: any program opens
it). The register is checked against every case on this computer as it is read
(:mod:`evidence_app.case.register_check`): above the rows, in red, each forged,
cut or reordered entry, each case that says "open" where the register says
"sealed", each case whose entries are missing and each case the school key cannot
open is named in a sentence; forged entries are marked in their row.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evidence_app import CaseStore, RegisterEntry, TamperDetected
from evidence_app.case.register_check import RegisterCheck
from evidence_app.school import register as register_module
from evidence_app.vault.durable import storage_error
from ui.background import run_in_background
from ui.errors import describe, show_error
from ui.school.secret import SchoolSecretBox
from ui.start.sign_in import MESSAGE_STYLE, busy_bar, heading

INTRO = ("The register lists every investigation on this computer as the school's eSafeguarding incident log: "
         "when each case was opened, concluded, sealed, exported, or deleted, and by whom. It holds no pupil's "
         "name. Reading it needs the school key.")
CSV_WARNING = ("A CSV file is not encrypted. Anyone who can open the file (any spreadsheet program) can read the "
               "staff names, dates and case numbers in it. Save it only where the school's policy allows, for "
               "example an encrypted drive, and delete it when it is no longer needed.")
PDF_WARNING = ("The saved PDF is outside Evidence App's encryption: anyone who can open the file can read the staff "
               "names, dates and case numbers in it. Save it only where the school's policy allows, or print it "
               "and do not keep the file.")
UNLOCK_PAGE, TABLE_PAGE = 0, 1


def tamper_text(exc: TamperDetected) -> str:
    return (f"The incident register cannot be trusted: it has been altered or damaged ({exc.where}: {exc.detail}). "
            "Nothing is shown from it. Tell the eSafeguarding coordinator; the cases themselves are checked "
            "separately when they are opened.")


class RegisterDialog(QDialog):
    """Unlock, read and show the register; save it as PDF or CSV."""

    saved = Signal(str)

    def __init__(self, store: CaseStore, parent: QWidget | None = None, *, school_name: str = "") -> None:
        super().__init__(parent)
        self.store = store
        self.school_name = school_name
        self.busy = False
        self.entries: list[RegisterEntry] = []
        self.key_id = ""
        self.warning: QMessageBox | None = None
        self.warnings: dict[str, QMessageBox] = {}
        self.file_dialog: QFileDialog | None = None
        self._pending = ""  # "csv" or "pdf", between the warning and the file dialog
        self.setWindowTitle("Incident register")
        self.setAccessibleName("Incident register")
        self.resize(1100, 640)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._unlock_page())
        self.pages.addWidget(self._table_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    def _unlock_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(heading("Incident register"))
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        column.addWidget(intro)
        self.secret = SchoolSecretBox()
        self.secret.submitted.connect(self.read)
        column.addWidget(self.secret)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setAccessibleName("Register message")
        column.addWidget(self.message)
        self.progress = busy_bar("Reading the register")
        column.addWidget(self.progress)
        column.addStretch(1)
        self.read_button = QPushButton("&Read the register")
        self.read_button.setAccessibleName("Read the register")
        self.read_button.setDefault(True)
        self.read_button.clicked.connect(self.read)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.read_button)
        column.addLayout(row)
        return page

    def _table_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(heading("Incident register"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("About the register")
        column.addWidget(self.summary)
        self.checks = QLabel()
        self.checks.setWordWrap(True)
        self.checks.setAccessibleName("Register checks")
        self.checks.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.checks)
        self.table = QTableWidget(0, len(register_module.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(register_module.COLUMNS))
        self.table.setAccessibleName("Register entries")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for index in range(len(register_module.COLUMNS)):  # date, time and case fit; the words share the rest
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.ResizeToContents if index < 3 else
                                        QHeaderView.ResizeMode.Stretch)
        column.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Register status")
        column.addWidget(self.status)
        self.pdf_button = QPushButton("Export as &PDF…")
        self.pdf_button.setAccessibleName("Export the register as PDF")
        self.pdf_button.clicked.connect(self.ask_pdf)
        self.csv_button = QPushButton("Export as &CSV…")
        self.csv_button.setAccessibleName("Export the register as CSV")
        self.csv_button.clicked.connect(self.ask_csv)
        close = QPushButton("Close")
        close.setAccessibleName("Close the register")
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.pdf_button)
        row.addWidget(self.csv_button)
        row.addStretch(1)
        row.addWidget(close)
        column.addLayout(row)
        return page

    # ------------------------------------------------------------------ reading

    @Slot()
    def read(self) -> None:
        if self.busy:
            return
        if self.secret.is_empty():
            self.message.setText("Type the coordinator's passphrase, or the 24 words.")
            return
        store = self.store
        key_of = self.secret.key_source(store.unlock_school_key)

        def work() -> tuple[str, RegisterCheck]:
            key = key_of()
            return key.public.id, store.check_register(key)

        self._set_busy(True)
        run_in_background(self, work, self._read, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.secret.set_busy(busy)
        self.read_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.message.setText("Unlocking the school key and reading the register…" if busy else "")

    def _read(self, result: tuple[str, RegisterCheck]) -> None:
        self._set_busy(False)
        self.secret.clear()
        self.key_id, check = result
        self.entries = list(check.entries)
        self.show_entries(self.entries)
        self.show_check(check)
        self.pages.setCurrentIndex(TABLE_PAGE)

    def show_check(self, check: RegisterCheck) -> None:
        """What comparing the register with the cases found, each in a sentence (red), or that all is well."""
        if check.ok:
            self.checks.setStyleSheet("")
            self.checks.setText(f"Checked against every case on this computer: each entry is signed by its own "
                                f"case, none is missing, and every case here opens with this school key "
                                f"(fingerprint {check.school_key}).")
            return
        self.checks.setStyleSheet(MESSAGE_STYLE)
        found = [*check.problems, *check.unopenable]
        self.checks.setText(f"{len(found)} problem{'' if len(found) == 1 else 's'} found when the register was "
                            "checked against the cases on this computer (school key fingerprint "
                            f"{check.school_key}). Tell the eSafeguarding coordinator:\n"
                            + "\n".join(f"• {sentence}" for sentence in found))

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.secret.clear()
        self.message.setText(tamper_text(exc) if isinstance(exc, TamperDetected) else describe(exc))

    def show_entries(self, entries: list[RegisterEntry]) -> None:
        rows = register_module.rows(entries)
        self.table.setRowCount(0)
        for entry, values in zip(entries, rows):
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if entry.trust == register_module.FORGED:
                    item.setForeground(QColor("#a31515"))
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        cases = len({e.case_id for e in entries})
        self.summary.setText(
            f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} for {cases} case{'' if cases == 1 else 's'}, "
            f"oldest first, checked against the register's hash chain and each case's signature. "
            "Times are UTC." if entries else "The register is empty: no case has been made since the school key was set up.")
        self.pdf_button.setEnabled(True)
        self.csv_button.setEnabled(bool(entries))

    # ------------------------------------------------------------------ saving

    @Slot()
    def ask_csv(self) -> QMessageBox:
        return self._warn("csv", "Export as CSV: not encrypted", CSV_WARNING, "Save as CSV…")

    @Slot()
    def ask_pdf(self) -> QMessageBox:
        return self._warn("pdf", "Export as PDF", PDF_WARNING, "Save as PDF…")

    def _warn(self, kind: str, title: str, text: str, go: str) -> QMessageBox:
        """The warning before saving outside the encryption (one box per kind, reused; never exec'd)."""
        box = self.warnings.get(kind)
        if box is None:
            box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, self)
            box.addButton(go, QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.setAccessibleName(title)
            box.buttonClicked.connect(self._warning_answered)
            self.warnings[kind] = box
        self._pending = kind
        self.warning = box
        box.open()
        return box

    @Slot(QAbstractButton)
    def _warning_answered(self, button: QAbstractButton) -> None:
        box = self.warning
        if box is not None and box.buttonRole(button) == QMessageBox.ButtonRole.AcceptRole:
            self.choose_file(self._pending)

    def choose_file(self, kind: str) -> QFileDialog:
        dialog = QFileDialog(self, f"Save the register as {kind.upper()}")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("CSV files (*.csv)" if kind == "csv" else "PDF documents (*.pdf)")
        dialog.setDefaultSuffix(kind)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.selectFile(f"incident-register.{kind}")
        dialog.fileSelected.connect(self._csv_chosen if kind == "csv" else self._pdf_chosen)
        dialog.finished.connect(dialog.deleteLater)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    @Slot(str)
    def _csv_chosen(self, path: str) -> None:
        self.save_csv(Path(path))

    @Slot(str)
    def _pdf_chosen(self, path: str) -> None:
        self.save_pdf(Path(path))

    def save_csv(self, path: Path) -> None:
        """Write the register as CSV to ``path`` (after the warning was accepted)."""
        self._write(path, register_module.to_csv(self.entries), "CSV")

    def save_pdf(self, path: Path) -> None:
        """Write the register as PDF to ``path`` (after the warning was accepted)."""
        from evidence_app.school.register_pdf import RegisterDocument, build_register_pdf

        pdf = build_register_pdf(self.entries, RegisterDocument(school_name=self.school_name, key_id=self.key_id))
        self._write(path, pdf, "PDF")

    def _write(self, path: Path, data: bytes, what: str) -> None:
        try:
            path.write_bytes(data)
        except OSError as exc:
            show_error(self, storage_error(exc, f"the register's {what} file"), f"The {what} was not saved")
            return
        self.status.setText(f"The register was saved as {what} to {path}. That file is not encrypted.")
        self.saved.emit(str(path))

    def reject(self) -> None:
        if self.busy:
            return
        self.secret.clear()
        self.entries = []
        self.table.setRowCount(0)
        self.checks.clear()
        super().reject()


def open_register(store: CaseStore, parent: QWidget | None = None, *, school_name: str = "") -> RegisterDialog:
    dialog = RegisterDialog(store, parent, school_name=school_name)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
