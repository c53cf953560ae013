"""Printing the form: a PDF file gets the signed bytes (after the save warning); a CUPS queue gets the PDF."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from evidence_app.form.signature import check_form
from tests.helpers.cases import make_store
from tests.unit.evidence_app.form.test_form_cases import small_case
from ui.form import FormPreview
from ui.form.printing import PrintingError, route_for, send_to_cups


@pytest.fixture
def case(tmp_path: Path):  # type: ignore[no-untyped-def]
    made = small_case(make_store(tmp_path / "cases"))
    yield made
    made.lock()


@pytest.fixture
def preview(qtbot: QtBot, case):  # type: ignore[no-untyped-def]
    made = FormPreview()
    qtbot.addWidget(made)
    with qtbot.waitSignal(made.ready, timeout=30_000):
        made.make(case)
    return made


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_printing_to_a_file_writes_the_signed_form_itself(qtbot: QtBot, case, preview, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "printed.pdf"
    with qtbot.waitSignal(preview.printed, timeout=5000) as printed:
        assert preview.print_to(pdf_printer(target)) is None  # no page pictures
    assert printed.args == [True]
    assert target.read_bytes() == preview.issued.pdf
    assert check_form(target.read_bytes(), case.signing_key.certificate_der).ok  # vector, and still signed


def test_the_print_dialogs_file_choice_warns_like_a_saved_copy(qtbot: QtBot, preview, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "from-the-dialog.pdf"
    preview._printer = pdf_printer(target)
    preview._print_accepted()  # what the print dialog's Print does
    box = preview._save_box
    assert box is not None and "outside the case's encryption" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert not target.exists()
    preview._print_accepted()
    with qtbot.waitSignal(preview.printed, timeout=5000):
        next(b for b in preview._save_box.buttons() if b.text() == "Print to the file").click()
    assert target.read_bytes() == preview.issued.pdf


def fake_lp(folder: Path, exit_code: int = 0) -> Path:
    """An ``lp`` that keeps what it was given (a real program on PATH, as CUPS's is)."""
    script = folder / "lp"
    script.write_text(f"#!/bin/sh\necho \"$@\" > '{folder}/args'\ncat > '{folder}/stdin'\n"
                      f"echo 'request id is Office-7 (1 file(s))'\nexit {exit_code}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_a_cups_printer_gets_the_signed_pdf_through_lp(preview, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fake_lp(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    answer = send_to_cups(preview.issued.pdf, "Office", copies=2, title="Incident form F1")
    assert answer.startswith("request id is Office-7")
    assert (tmp_path / "stdin").read_bytes() == preview.issued.pdf  # from memory, never a file on disk
    assert (tmp_path / "args").read_text().split() == ["-d", "Office", "-n", "2", "-t", "Incident", "form", "F1",
                                                       "--", "-"]


def test_without_a_file_or_cups_pages_are_drawn(qtbot: QtBot) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
    assert route_for(printer).how in ("pages", "cups")
    assert route_for(pdf_printer(Path("/tmp/x.pdf"))).how == "file"


def test_lp_refusing_is_said_plainly(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fake_lp(tmp_path, exit_code=1)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(PrintingError, match="refused the form"):
        send_to_cups(b"%PDF-1.7 ...", "Office")
    assert (tmp_path / "stdin").read_bytes() == b"%PDF-1.7 ..."


def test_without_a_printer_the_dialog_offers_a_file_in_documents(qtbot: QtBot, preview) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtPrintSupport import QPrinterInfo

    from ui.folders import documents_folder

    dialog = preview.ask_print()
    try:
        if QPrinterInfo.availablePrinters():
            assert preview._printer.outputFileName() == ""  # a real printer stays the choice
        else:
            assert preview._printer.outputFileName() == str(
                Path(documents_folder()) / f"incident-form-{preview.issued.form_id}.pdf")
    finally:
        dialog.reject()
