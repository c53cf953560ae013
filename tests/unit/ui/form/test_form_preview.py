"""The form preview: made off the window's thread, shown from memory, printed to a PDF printer, saved on request."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from evidence_app import Kind
from evidence_app.form.signature import check_form
from tests.helpers.cases import make_store
from tests.unit.evidence_app.form.test_form_cases import big_case, small_case
from ui.form import SAVE_WARNING, FormPreview, open_form


@pytest.fixture
def small(tmp_path: Path):  # type: ignore[no-untyped-def]
    case = small_case(make_store(tmp_path / "cases"))
    yield case
    case.lock()


def _made(qtbot: QtBot, case, timeout: int = 30_000) -> FormPreview:  # type: ignore[no-untyped-def]
    preview = FormPreview()
    qtbot.addWidget(preview)
    preview.show()
    with qtbot.waitSignal(preview.ready, timeout=timeout):
        preview.make(case)
    return preview


def test_the_form_is_made_kept_and_shown_from_memory(qtbot: QtBot, small) -> None:  # type: ignore[no-untyped-def]
    preview = _made(qtbot, small)
    issued = preview.issued
    assert issued is not None
    assert preview.document.status() == QPdfDocument.Status.Ready
    assert preview.document.pageCount() >= 3
    assert preview.print_button.isEnabled() and preview.save_button.isEnabled()
    assert issued.sha256 in preview.status.text()
    last = list(small.events())[-1]
    assert last.kind == Kind.FORM and last.data["sha256"] == issued.sha256
    assert check_form(issued.pdf, small.signing_key.certificate_der).ok


def test_the_window_keeps_running_while_hundreds_of_captures_are_laid_out(qtbot: QtBot, tmp_path: Path) -> None:
    case = big_case(make_store(tmp_path / "cases"), 120, width=320, height=200)
    try:
        preview = FormPreview()
        qtbot.addWidget(preview)
        beats: list[float] = []
        timer = QTimer()
        timer.setInterval(20)
        timer.timeout.connect(lambda: beats.append(time.perf_counter()))
        timer.start()
        values: list[int] = []
        preview.progress.valueChanged.connect(values.append)
        with qtbot.waitSignal(preview.ready, timeout=60_000):
            preview.make(case)
        timer.stop()
        gaps = [b - a for a, b in zip(beats, beats[1:])]
        assert len(beats) > 10
        assert max(gaps) < 0.5, f"the window froze for {max(gaps):.2f} s"
        assert values and values == sorted(values) and max(values) > 100
    finally:
        case.lock()


def test_printing_through_qprinter_pdf_output(qtbot: QtBot, small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    preview = _made(qtbot, small)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(target))
    printer.setResolution(150)
    with qtbot.waitSignal(preview.printed, timeout=30_000) as printed:
        preview.print_to(printer)
    assert printed.args == [True]
    assert target.stat().st_size > 10_000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
        assert f"Pages:           {preview.document.pageCount()}" in info


def test_the_print_dialog_is_the_systems_and_does_not_block(qtbot: QtBot, small) -> None:  # type: ignore[no-untyped-def]
    preview = _made(qtbot, small)
    dialog = preview.ask_print()
    assert dialog.isVisible()
    dialog.reject()


def test_saving_a_copy_warns_first_and_writes_the_kept_bytes(qtbot: QtBot, small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    preview = _made(qtbot, small)
    box = preview.ask_save()
    assert box.text() == SAVE_WARNING and "outside the case's encryption" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert preview.file_dialog is None
    box = preview.ask_save()
    next(b for b in box.buttons() if b.text() == "Save a copy…").click()
    assert preview.file_dialog is not None and preview.file_dialog.isVisible()
    preview.file_dialog.reject()
    target = tmp_path / "copy.pdf"
    with qtbot.waitSignal(preview.saved):
        preview.save_copy(target)
    assert target.read_bytes() == preview.issued.pdf


def test_a_failure_is_said_plainly(qtbot: QtBot, tmp_path: Path) -> None:
    case = small_case(make_store(tmp_path / "cases"))
    case.lock()
    preview = FormPreview()
    qtbot.addWidget(preview)
    with qtbot.waitSignal(preview.failed, timeout=10_000):
        preview.make(case)
    assert "locked" in preview.status.text()
    assert not preview.print_button.isEnabled()


def test_open_form_makes_the_form_as_the_window_opens(qtbot: QtBot, small) -> None:  # type: ignore[no-untyped-def]
    dialog = open_form(small)
    with qtbot.waitSignal(dialog.preview.ready, timeout=30_000):
        pass
    assert small.id in dialog.windowTitle()
    dialog.close()
