"""Reading PDFs in tests with Debian's poppler-utils (``pdftotext``, ``pdfinfo``)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
                                   reason="poppler-utils (pdftotext, pdfinfo) is not installed")


def _with_file(pdf: bytes | Path, tool: list[str]) -> str:
    if isinstance(pdf, Path):
        return subprocess.run([*tool, str(pdf), "-"] if tool[0] == "pdftotext" else [*tool, str(pdf)],
                              check=True, capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return _with_file(Path(handle.name), tool)


def pdf_text(pdf: bytes | Path, *, layout: bool = False) -> str:
    return _with_file(pdf, ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else [])])


def pdf_pages(pdf: bytes | Path) -> int:
    info = _with_file(pdf, ["pdfinfo"])
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
