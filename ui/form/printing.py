"""Sending the signed form to a printer as it is: vector pages, the signature intact, in seconds.

A form is a PDF; a printer understands PDF. So the form is never turned into
page pictures when there is a better way:

* **Print to a file (PDF)**: the file is the issued form's exact bytes (signed,
  vector). It is outside the case's encryption, so the caller warns first,
  exactly as "Save a copy" does.
* **A printer, where CUPS is there** (Linux, macOS): the PDF goes to ``lp`` on
  its standard input (never through a file on disk), with the printer's name,
  the number of copies and the job's title.
* **Otherwise** (Windows' printers): page pictures at 300 dpi drawn into each
  page's rectangle (the printer scales them; they are never enlarged in memory
  to the printer's own resolution).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass

from PySide6.QtPrintSupport import QPrinter

from evidence_app.errors import EvidenceError

LP_TIMEOUT_S = 60


class PrintingError(EvidenceError):
    """The printing system refused the form."""


@dataclass(frozen=True)
class PrintRoute:
    """How a form reaches ``printer``: ``file`` (the signed bytes), ``cups`` (``lp``) or ``pages`` (pictures)."""

    how: str
    target: str = ""   # the file's path, or the printer's name


def route_for(printer: QPrinter) -> PrintRoute:
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        return PrintRoute("file", printer.outputFileName())
    if sys.platform != "win32" and shutil.which("lp") and printer.printerName():
        return PrintRoute("cups", printer.printerName())
    return PrintRoute("pages", printer.printerName())


def send_to_cups(pdf: bytes, printer: str, *, copies: int = 1, title: str = "Incident form") -> str:
    """Queue ``pdf`` on ``printer`` through ``lp`` (from memory); returns lp's answer (the job id)."""
    command = ["lp", "-d", printer, "-n", str(max(1, copies)), "-t", title, "--", "-"]
    try:
        result = subprocess.run(command, input=pdf, capture_output=True, timeout=LP_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PrintingError(f"The printing system did not answer ({exc.__class__.__name__}). "
                            "Check the printer and try again.") from exc
    if result.returncode != 0:
        why = result.stderr.decode("utf-8", "replace").strip() or f"lp exited with {result.returncode}"
        raise PrintingError(f"The printer {printer} refused the form: {why}")
    return result.stdout.decode("utf-8", "replace").strip()
