"""Setting up the school key: offered on the start screen, made once by the eSafeguarding coordinator.

The start screen offers it (:class:`ui.school.key_offer.SchoolKeyOffer`)
while this computer has no school key. :class:`SchoolKeySetupDialog` asks the coordinator's passphrase
twice (the school's rules checked live), makes the key in the background
(``CaseStore.create_school_key``), then shows the one printable page
(:mod:`evidence_app.school.key_page`, made in memory, previewed with QtPdf,
printed with QPrinter). The words exist only in that page: once the
coordinator confirms it is printed and in the safe, the dialog forgets it.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from evidence_app import CaseStore, KdfParams
from evidence_app.school.key_page import SchoolKeyPage, build_page
from evidence_app.vault.school_key import fingerprint
from evidence_app.vault.timestamps import utc_now
from ui.background import run_in_background
from ui.errors import describe
from ui.form.preview import PrintJob, load_pdf, open_print_dialog
from ui.passphrase import NewPassphrase
from ui.start.sign_in import MESSAGE_STYLE, busy_bar, heading

SETUP_TEXT = ("Choose a passphrase that only you, the eSafeguarding coordinator, know. You will need it to read "
              "the incident register and to help open a case when an investigator is not available. Next, one "
              "page is printed with 24 words that can replace the passphrase: it goes in the school safe.")
PRINT_TEXT = ("Print this page now, sign it, and put it in a sealed envelope in the school safe. The 24 words are "
              "shown this once only: Evidence App does not keep them, and they are not saved anywhere.")
CLOSE_WARNING = ("The page with the 24 words has not been confirmed as printed. If you close now, the words can "
                 "never be shown again; the school key still works with your passphrase.")
CHOOSE_PAGE, PRINT_PAGE = 0, 1


class SchoolKeySetupDialog(QDialog):
    """Make the school key and show its page once; :attr:`created` carries the key's id."""

    created = Signal(str)
    printed = Signal(bool)

    def __init__(self, store: CaseStore, parent: QWidget | None = None, *, kdf: KdfParams | None = None,
                 school_name: str = "", computer_name: str = "") -> None:
        super().__init__(parent)
        self.store = store
        self.kdf = kdf
        self.school_name = school_name
        self.computer_name = computer_name or store.machine.name
        self.busy = False
        self.key_id = ""
        self.page_pdf: bytes | None = None
        self.confirmed = False
        self.print_job: PrintJob | None = None
        self.close_question: QMessageBox | None = None
        self._printer: QPrinter | None = None
        self._buffer: QBuffer | None = None
        self.setWindowTitle("Set up the school key")
        self.setAccessibleName("Set up the school key")
        self.resize(700, 420)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._choose_page())
        self.pages.addWidget(self._print_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    def _choose_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(heading("Set up the school key"))
        text = QLabel(SETUP_TEXT)
        text.setWordWrap(True)
        column.addWidget(text)
        self.passphrase = NewPassphrase("The eSafeguarding coordinator", lambda: "", self)
        form = QFormLayout()
        self.passphrase.add_rows(form)
        column.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setAccessibleName("School key message")
        column.addWidget(self.message)
        self.progress = busy_bar("Making the school key")
        column.addWidget(self.progress)
        column.addStretch(1)
        self.create_button = QPushButton("&Make the school key")
        self.create_button.setAccessibleName("Make the school key")
        self.create_button.setDefault(True)
        self.create_button.setEnabled(False)
        self.create_button.clicked.connect(self.create)
        self.cancel_button = QPushButton("Not now")
        self.cancel_button.setAccessibleName("Not now")
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.create_button)
        column.addLayout(row)
        self.passphrase.when_changed(self._update)
        self.passphrase.again.returnPressed.connect(self.create)
        return page

    def _print_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(heading("Print the school key's page"))
        text = QLabel(PRINT_TEXT)
        text.setWordWrap(True)
        text.setStyleSheet("font-weight: bold;")
        column.addWidget(text)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.SinglePage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.view.setAccessibleName("The school key's page, as it will print")
        column.addWidget(self.view, 1)
        self.print_status = QLabel()
        self.print_status.setWordWrap(True)
        self.print_status.setAccessibleName("Printing")
        column.addWidget(self.print_status)
        self.print_button = QPushButton("&Print…")
        self.print_button.setAccessibleName("Print the page")
        self.print_button.clicked.connect(self.ask_print)
        self.done_button = QPushButton("I have printed it and put it in the &safe")
        self.done_button.setAccessibleName("I have printed it and put it in the safe")
        self.done_button.clicked.connect(self.confirm)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.print_button)
        row.addWidget(self.done_button)
        column.addLayout(row)
        return page

    # ------------------------------------------------------------------ making the key

    @Slot()
    def _update(self) -> None:
        ok = not self.passphrase.problems() and self.passphrase.matches() and bool(self.passphrase.passphrase())
        self.create_button.setEnabled(ok and not self.busy)

    @Slot()
    def create(self) -> None:
        if self.busy or not self.create_button.isEnabled():
            return
        store, kdf, secret = self.store, self.kdf, self.passphrase.passphrase()
        school, computer = self.school_name, self.computer_name

        def work() -> tuple[str, bytes]:
            key = store.create_school_key(secret, kdf=kdf)
            page = SchoolKeyPage(words=key.to_words(), key_id=key.public.id, made_at=utc_now(),
                                 school_name=school, computer_name=computer)
            return key.public.id, build_page(page)

        self._set_busy(True)
        run_in_background(self, work, self._created, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for box in (self.passphrase.first, self.passphrase.again):
            box.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.message.setText("Making the school key…" if busy else "")
        self._update()

    def _created(self, made: tuple[str, bytes]) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        self.key_id, self.page_pdf = made
        self._buffer = load_pdf(self.document, self.page_pdf, self)
        self.print_status.setText(f"The school key (fingerprint {fingerprint(self.key_id)}) is made and kept on this "
                                  "computer, locked with your passphrase.")
        self.pages.setCurrentIndex(PRINT_PAGE)
        self.resize(max(self.width(), 760), max(self.height(), 720))  # room for the page
        self.print_button.setFocus()
        self.created.emit(self.key_id)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.message.setText(describe(exc))

    # ------------------------------------------------------------------ printing

    @Slot()
    def ask_print(self) -> QPrintDialog:
        """The system's print dialog (window-modal, never exec'd)."""
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self._printer.setDocName("School key")
        return open_print_dialog(self, self._printer, "Print the school key's page", self._print_accepted)

    @Slot()
    def _print_accepted(self) -> None:
        if self._printer is not None:
            self.print_to(self._printer)

    def print_to(self, printer: QPrinter) -> PrintJob:
        job = PrintJob(self.document, printer, self)
        job.finished.connect(self._on_printed)
        self.print_job = job
        self.print_status.setText("Printing…")
        job.start()
        return job

    @Slot(bool)
    def _on_printed(self, ok: bool) -> None:
        self.print_job = None
        self.print_status.setText("The page was sent to the printer. Check that it printed clearly, sign it and "
                                  "put it in the safe." if ok else "The page was not printed. Try again.")
        self.printed.emit(ok)

    # ------------------------------------------------------------------ closing: the words are forgotten

    @Slot()
    def confirm(self) -> None:
        self.confirmed = True
        self._forget()
        super().accept()

    def _forget(self) -> None:
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.setData(b"")
            self._buffer = None
        self.page_pdf = None

    def reject(self) -> None:
        if self.busy or self.print_job is not None:
            return
        if self.pages.currentIndex() == PRINT_PAGE and not self.confirmed:
            self.ask_before_closing()
            return
        self.passphrase.clear()
        super().reject()

    def ask_before_closing(self) -> QMessageBox:
        """Ask before the words are lost (one box, made once and reused; never exec'd)."""
        box = self.close_question
        if box is None:
            box = QMessageBox(QMessageBox.Icon.Warning, "Close without the page?", CLOSE_WARNING,
                              QMessageBox.StandardButton.NoButton, self)
            box.addButton("Go back to the page", QMessageBox.ButtonRole.RejectRole)
            box.addButton("Close: the words are lost", QMessageBox.ButtonRole.DestructiveRole)
            box.setAccessibleName("Close without the page?")
            box.buttonClicked.connect(self._close_answered)
            self.close_question = box
        box.open()
        return box

    @Slot(QAbstractButton)
    def _close_answered(self, button: QAbstractButton) -> None:
        box = self.close_question
        if box is not None and box.buttonRole(button) == QMessageBox.ButtonRole.DestructiveRole:
            QTimer.singleShot(0, self._close_without_page)  # after the box has finished its own click

    @Slot()
    def _close_without_page(self) -> None:
        self._forget()
        self.confirmed = True  # nothing left to lose
        super().reject()


def open_school_key_setup(store: CaseStore, parent: QWidget | None = None, **options: object) -> SchoolKeySetupDialog:
    dialog = SchoolKeySetupDialog(store, parent, **options)  # type: ignore[arg-type]
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
