"""A long review's form: visits summarised by site (the full list stays in the export's journal), quickly."""

from __future__ import annotations

import shutil
import time

import pytest

from evidence_app.form.data import VISIT_LIST_LIMIT, gather
from evidence_app.form.render import render_form
from tests.helpers.pdf import pdf_pages, pdf_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def test_up_to_the_limit_every_visit_is_listed(case) -> None:
    for n in range(VISIT_LIST_LIMIT):
        case.record_visit(f"https://site{n % 7}.example/{n}", title=f"Page {n}")
    data = gather(case)
    assert len(data.visits) == VISIT_LIST_LIMIT and data.visit_summary is None


def test_a_long_review_prints_a_summary_of_sites_not_every_visit(case) -> None:
    total = 3 * VISIT_LIST_LIMIT
    for n in range(total):
        case.record_visit(f"https://site{n % 7}.example/page/{n}", title=f"Page {n}")
    case.record_visit("not a web address at all")
    data = gather(case)
    summary = data.visit_summary
    assert summary is not None and data.visits == ()
    assert summary.total == total + 1 and summary.addresses == total + 1
    assert [s.site for s in summary.sites][:1] == ["site0.example"]
    assert sum(s.visits for s in summary.sites) == total + 1
    started = time.monotonic()
    pdf = render_form(case)
    seconds = time.monotonic() - started
    text = " ".join(pdf_text(pdf).split())
    assert f"summary of visited addresses ({total + 1:,} visits)" in text
    assert "journal/journal.jsonl" in text and "site6.example" in text
    assert "page/1499" not in text  # not listed one by one
    assert pdf_pages(pdf) < 10 and seconds < 20
