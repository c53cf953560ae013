"""Print benchmark: a 12-page signed form from the print dialog to the printer's input, time and size.

Three ways of printing the same form, each to a PDF file (the one printer a
test machine has; what a real queue receives is the same data):

* "signed PDF" (what the application does for a PDF file, and hands ``lp``
  for a CUPS printer): the issued form's own bytes;
* "page pictures" (the fallback, e.g. a Windows printer): each page rendered
  at 300 dpi by QtPdf and drawn into the page's rectangle of a
  high-resolution QPrinter;
* "before" (``--with-before``): each page rendered at 300 dpi, then enlarged
  in memory to the printer's 1200 dpi before drawing (what the issue measured:
  12 pages, 105 MB, 40-45 s).

The floor is writing the signed bytes to disk and fsync (nothing can be faster).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bench_print [--captures 8] [--with-before]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QRect, QSize, Qt  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402
from PySide6.QtPdf import QPdfDocument  # noqa: E402
from PySide6.QtPrintSupport import QPrinter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from evidence_app.form.render import issue_form  # noqa: E402
from tests.helpers.cases import make_store  # noqa: E402
from tests.unit.evidence_app.form.test_form_cases import big_case  # noqa: E402
from ui.form.preview import FormPreview  # noqa: E402


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def print_with(preview: FormPreview, printer: QPrinter) -> float:
    loop = QEventLoop()
    preview.printed.connect(lambda *_: loop.quit())
    started = time.perf_counter()
    preview.print_to(printer)
    if preview.print_job is not None or not Path(printer.outputFileName()).exists():
        loop.exec()
    elapsed = time.perf_counter() - started
    preview.printed.disconnect()
    return elapsed


def pictures(document: QPdfDocument, printer: QPrinter, *, enlarge: bool) -> float:
    """Page pictures at 300 dpi; ``enlarge``: scaled in memory to the printer's resolution first (before)."""
    started = time.perf_counter()
    painter = QPainter(printer)
    for page in range(document.pageCount()):
        if page:
            printer.newPage()
        area = painter.viewport()
        points = document.pagePointSize(page)
        image = document.render(page, QSize(int(points.width() / 72 * 300), int(points.height() / 72 * 300)))
        target = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
        if enlarge:
            painter.drawImage(area.x(), area.y(), image.scaled(target, Qt.AspectRatioMode.KeepAspectRatio,
                                                               Qt.TransformationMode.SmoothTransformation))
        else:
            painter.drawImage(QRect(area.x(), area.y(), target.width(), target.height()), image)
    painter.end()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=8, help="screenshots in the case (8 make 12 pages)")
    parser.add_argument("--with-before", action="store_true", help="also time the old way (40 s or more)")
    args = parser.parse_args()
    from ui import bindings

    bindings.install()  # as the application does: PySide6 6.12.0 drops references to None and True
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        case = big_case(make_store(folder / "cases"), args.captures)
        try:
            issued = issue_form(case)
        finally:
            case.lock()
        preview = FormPreview()
        preview.show_pdf(issued)
        pages = preview.document.pageCount()

        started = time.perf_counter()
        floor = folder / "floor.pdf"
        with open(floor, "wb") as out:
            out.write(issued.pdf)
            out.flush()
            os.fsync(out.fileno())
        floor_s = time.perf_counter() - started

        signed = folder / "signed.pdf"
        signed_s = print_with(preview, pdf_printer(signed))
        drawn = folder / "pictures.pdf"
        drawn_s = pictures(preview.document, pdf_printer(drawn), enlarge=False)
        rows = [("signed PDF (file / lp)", signed_s, signed.stat().st_size),
                ("page pictures, 300 dpi", drawn_s, drawn.stat().st_size)]
        if args.with_before:
            before = folder / "before.pdf"
            before_s = pictures(preview.document, pdf_printer(before), enlarge=True)
            rows.append(("before: enlarged to 1200 dpi", before_s, before.stat().st_size))
        print(f"form: {pages} pages, {len(issued.pdf) / 1e6:.2f} MB signed "
              f"(floor: write + fsync {floor_s * 1000:.1f} ms)")
        for name, seconds, size in rows:
            print(f"{name:30s} {seconds:8.3f} s  {size / 1e6:8.2f} MB   time / floor = {seconds / floor_s:8.1f}")
        preview.deleteLater()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
