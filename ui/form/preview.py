"""The form on screen: made in the background, previewed from memory, printed, a copy saved on request.

:class:`FormPreview` is a widget the case window can put in a dialog or a
tab. ``make(case)`` issues the form (rendered, signed, kept in the vault with
its hash journaled: see :mod:`evidence_app.form.render`) on the thread pool with a
progress bar; the PDF then loads into a :class:`QPdfDocument` from a
:class:`QBuffer`, so it never touches the disk. *Print…* opens the system's
print dialog; the form then goes to the printer as the signed PDF itself
(:mod:`ui.form.printing`: a PDF file gets the exact signed bytes, after the
same warning as a saved copy; a CUPS printer gets the PDF through ``lp``),
or, where neither is possible, page by page from a timer at 300 dpi (the
window stays responsive); *Save a copy…* first warns that a saved copy is
outside the case's encryption. Both file choosers start in the Documents
folder, never the program's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRect, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from evidence_app import Case, Status
from evidence_app.form.render import IssuedForm
from ui.background import run_in_background
from ui.folders import documents_folder
from ui.form.printing import route_for, send_to_cups
from ui.form.worker import FormJob
from ui.screen_fit import fit_to_screen

SAVE_WARNING = ("A saved copy of the form is outside the case's encryption. Anyone who can open the file can "
                "read the names, the notes and the screenshots in it. Save it only where the school's policy "
                "allows (for example an encrypted drive), and delete it when it is no longer needed.")
PRINT_DPI = 300


def load_pdf(document: QPdfDocument, pdf: bytes, owner: QObject) -> QBuffer:
    """Load ``pdf`` into ``document`` from memory; keep the returned buffer as long as the document."""
    buffer = QBuffer(owner)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return buffer


def open_print_dialog(parent: QWidget, printer: QPrinter, title: str, accepted: Callable[[], None]) -> QPrintDialog:
    """The system's print dialog for ``printer``, window-modal and never exec'd; ``accepted`` on OK."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.accepted.connect(accepted)
    dialog.finished.connect(dialog.deleteLater)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()  # QPrintDialog.open() wants a receiver in PySide6: show it window-modal instead
    return dialog


class PrintJob(QObject):
    """Paint each page of ``document`` on ``printer``, one page per event-loop turn."""

    progress = Signal(int, int)
    finished = Signal(bool)

    def __init__(self, document: QPdfDocument, printer: QPrinter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.printer = printer
        self.page = 0
        self.painter: QPainter | None = None
        self.pages = document.pageCount()
        self.cancelled = False

    def start(self) -> None:
        self.painter = QPainter()
        if self.pages == 0 or not self.painter.begin(self.printer):
            self.painter = None
            self.finished.emit(False)
            return
        QTimer.singleShot(0, self._next)

    def cancel(self) -> None:
        self.cancelled = True

    @Slot()
    def _next(self) -> None:
        painter = self.painter
        assert painter is not None
        if self.cancelled:
            self.printer.abort()
            painter.end()
            self.finished.emit(False)
            return
        if self.page > 0:
            self.printer.newPage()
        area = painter.viewport()
        points = self.document.pagePointSize(self.page)
        dpi = min(self.printer.resolution(), PRINT_DPI)
        image = self.document.render(self.page, QSize(int(points.width() / 72 * dpi),
                                                      int(points.height() / 72 * dpi)))
        target = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
        # Drawn into the page's rectangle: the device scales it (never enlarged in memory to 1200 dpi).
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(QRect(area.x() + (area.width() - target.width()) // 2, area.y(),
                                target.width(), target.height()), image)
        self.page += 1
        self.progress.emit(self.page, self.pages)
        if self.page < self.pages:
            QTimer.singleShot(0, self._next)
        else:
            painter.end()
            self.painter = None
            self.finished.emit(True)


class FormPreview(QWidget):
    """Make, show, print and save the case's form."""

    ready = Signal(object)      # IssuedForm
    failed = Signal(object)     # the exception
    printed = Signal(bool)
    saved = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.issued: IssuedForm | None = None
        self.job: FormJob | None = None
        self.print_job: PrintJob | None = None
        self._buffer: QBuffer | None = None
        self._printer: QPrinter | None = None
        self._save_box: QMessageBox | None = None
        self._save_path: Path | None = None
        self.file_dialog: QFileDialog | None = None
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName("The form, as it will print")
        self.status = QLabel("The form has not been made yet.")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress making the form")
        self.progress.hide()
        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip("Print the form through this computer's print dialog.")
        self.save_button = QPushButton("Save a &copy…")
        self.save_button.setToolTip("Save the signed PDF outside the case (you will be warned first).")
        for button in (self.print_button, self.save_button):
            button.setEnabled(False)
        self.print_button.clicked.connect(self.ask_print)
        self.save_button.clicked.connect(lambda *_: self.ask_save())
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    # ------------------------------------------------------------------ making

    def make(self, case: Case) -> FormJob:
        """Start making the form in the background; ``ready`` or ``failed`` follows."""
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        note = " Screenshots are not printed: the case is sealed." if case.status is Status.SEALED else ""
        self.status.setText("Making the form: reading each screenshot, checking its hash and laying out the "
                            "pages. The window stays usable meanwhile." + note)
        job = FormJob(case)
        queued = Qt.ConnectionType.QueuedConnection
        job.signals.progress.connect(self._on_progress, queued)
        job.signals.done.connect(self._on_done, queued)
        job.signals.failed.connect(self._on_failed, queued)
        self.job = job
        return job.start()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    @Slot(object)
    def _on_done(self, issued: IssuedForm) -> None:
        self.job = None
        self.show_pdf(issued)
        self.ready.emit(issued)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        from ui.errors import describe

        self.job = None
        self.progress.hide()
        self.status.setText(f"The form could not be made. {describe(exc)}")
        self.failed.emit(exc)

    def show_pdf(self, issued: IssuedForm) -> None:
        """Show an issued form (from memory) and allow printing and saving it."""
        self.issued = issued
        self.document.close()
        self._buffer = load_pdf(self.document, issued.pdf, self)
        self.progress.hide()
        self.status.setText(
            f"Form {issued.form_id}: {self.document.pageCount()} pages, signed with the case key and kept in the "
            f"case (journal record {issued.record}). SHA-256 {issued.sha256}")
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)

    # ------------------------------------------------------------------ printing

    def ask_print(self) -> QPrintDialog:
        """The system's print dialog (window-modal, not exec'd); printing starts when it is accepted."""
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self._printer.setDocName(f"Incident form {self.issued.form_id if self.issued else ''}".strip())
        if not QPrinterInfo.availablePrinters() and self.issued is not None:
            # No printer here: the dialog can only print to a file. Offer one in Documents, not the home folder.
            self._printer.setOutputFileName(str(Path(documents_folder()) / f"incident-form-{self.issued.form_id}.pdf"))
        return open_print_dialog(self, self._printer, "Print the form", self._print_accepted)

    @Slot()
    def _print_accepted(self) -> None:
        printer = self._printer
        if printer is None:
            return
        route = route_for(printer)
        if route.how == "file":  # printing to a PDF file is saving a copy: the same warning first
            self.ask_save(Path(route.target))
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> PrintJob | None:
        """Print on ``printer`` (a real queue, or a PDF file); ``printed`` follows.

        A PDF file gets the signed form's exact bytes, a CUPS queue the PDF itself; only where
        neither works are pages drawn as pictures (the returned :class:`PrintJob`).
        """
        route = route_for(printer)
        if route.how == "file":
            self._printed_to_file(Path(route.target))
            return None
        if route.how == "cups" and self.issued is not None:
            pdf, copies, title = self.issued.pdf, printer.copyCount(), printer.docName() or "Incident form"
            self.progress.setRange(0, 0)
            self.progress.show()
            self.status.setText(f"Sending the signed form to {route.target}…")
            run_in_background(self, lambda: send_to_cups(pdf, route.target, copies=copies, title=title),
                              lambda _answer: self._on_printed(True), self._print_failed)
            return None
        job = PrintJob(self.document, printer, self)
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_printed)
        self.print_job = job
        self.progress.show()
        self.status.setText("Printing the form…")
        job.start()
        return job

    def _print_failed(self, exc: BaseException) -> None:
        from ui.errors import describe

        self.progress.hide()
        self.status.setText(f"The form was not printed. {describe(exc)}")
        self.printed.emit(False)

    def _printed_to_file(self, path: Path) -> None:
        ok = self.save_copy(path)
        if ok:
            self.status.setText(f"The signed form was printed to the file {path}. It is outside the case's "
                                "encryption. Print it on paper, and both reviewers sign and date it.")
        self.print_job = None
        self.progress.hide()
        self.printed.emit(ok)

    @Slot(bool)
    def _on_printed(self, ok: bool) -> None:
        self.progress.hide()
        self.print_job = None
        self.status.setText("The form was sent to the printer. Both reviewers sign and date it."
                            if ok else "The form was not printed.")
        self.printed.emit(ok)

    # ------------------------------------------------------------------ saving a copy

    def ask_save(self, path: Path | None = None) -> QMessageBox:
        """Warn first; only if the pair go on, ask where to save (or save to ``path``, chosen already)."""
        self._save_path = path
        box = QMessageBox(QMessageBox.Icon.Warning, "Save a copy outside the case", SAVE_WARNING,
                          QMessageBox.StandardButton.Cancel, self)
        box.addButton("Save a copy…" if path is None else "Print to the file", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(self._save_answered)
        box.finished.connect(box.deleteLater)
        box.open()
        self._save_box = box
        return box

    @Slot(QAbstractButton)
    def _save_answered(self, button: QAbstractButton) -> None:
        box = self._save_box
        if box is None or box.buttonRole(button) != QMessageBox.ButtonRole.AcceptRole:
            if self._save_path is not None:
                self.status.setText("The form was not printed to a file.")
            return
        if self._save_path is not None:
            path, self._save_path = self._save_path, None
            self._printed_to_file(path)
            return
        self._choose_file()

    def _choose_file(self) -> QFileDialog:
        dialog = QFileDialog(self, "Save a copy of the form")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("PDF documents (*.pdf)")
        dialog.setDefaultSuffix("pdf")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setDirectory(documents_folder())
        if self.issued is not None:
            dialog.selectFile(f"incident-form-{self.issued.form_id}.pdf")
        dialog.fileSelected.connect(self._file_chosen)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.file_dialog = dialog
        return dialog

    @Slot(str)
    def _file_chosen(self, path: str) -> None:
        self.save_copy(Path(path))

    def save_copy(self, path: Path) -> bool:
        """Write the issued form's exact bytes to ``path`` (after the warning has been accepted)."""
        from ui.errors import show_error

        if self.issued is None:
            return False
        try:
            path.write_bytes(self.issued.pdf)
        except OSError as exc:
            show_error(self, exc, "The copy was not saved")
            return False
        self.status.setText(f"A copy was saved to {path}. It is outside the case's encryption.")
        self.saved.emit(str(path))
        return True


class FormDialog(QDialog):
    """A window around :class:`FormPreview` that starts making the form as it opens."""

    def __init__(self, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Incident form: case {case.id}")
        fit_to_screen(self, 820, 900)
        self.preview = FormPreview(self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addWidget(close)
        self.preview.make(case)


def open_form(case: Case, parent: QWidget | None = None) -> FormDialog:
    """Open the form window (non-blocking) and start making the form."""
    dialog = FormDialog(case, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
