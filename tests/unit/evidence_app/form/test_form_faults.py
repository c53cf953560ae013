"""A form is made even when a capture kept before captures were checked is not a drawable PNG."""

from __future__ import annotations

import shutil

import pytest

from evidence_app.form.render import render_form
from tests.helpers.images import make_png
from tests.helpers.pdf import pdf_text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_a_capture_that_is_not_a_drawable_png_is_listed_not_drawn(case, monkeypatch) -> None:
    import evidence_app.case.open_case as open_case

    good = case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/good")
    monkeypatch.setattr(open_case, "check_png", lambda data: None)  # as before captures were checked
    bad = case.add_capture(b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, kind="viewport", url="https://example.org/bad")
    monkeypatch.undo()
    text = " ".join(pdf_text(render_form(case)).split())
    assert good.id in text and bad.id in text
    assert "its bytes are not an image this form can draw" in text
