"""The incident register as PDF: the policy's columns, every entry, landscape, "Page x of y"."""

from __future__ import annotations

import re

from evidence_app import Conclusion
from evidence_app.school.register import COLUMNS, RegisterEntry
from evidence_app.school.register_pdf import RegisterDocument, build_register_pdf
from tests.helpers.cases import CHEAP, make_case
from tests.helpers.pdf import needs_poppler, pdf_pages, pdf_text

pytestmark = needs_poppler
COORDINATOR = "Coordinat0r's own pass!"


def entry(seq: int, case_id: str = "EV-20261123-ABCDEF") -> RegisterEntry:
    return RegisterEntry(seq=seq, time="2026-11-23T09:15:02.000Z", case_id=case_id, event="created",
                         incident="Year 9: On-line gambling", action=f"Entry number {seq}",
                         by="Alice Hughes and Bartosz Nowak", reported_by="Class teacher")


def test_real_register_rows_in_the_pdf(store) -> None:
    school = store.create_school_key(COORDINATOR, kdf=CHEAP)
    first = make_case(store, reported_by="Mr Ifan Rhys")
    first.conclude(Conclusion(substance="no", subject="pupil"))
    first.lock()
    second = make_case(store)
    second.lock()
    entries = store.read_register(school)
    text = " ".join(pdf_text(build_register_pdf(entries, RegisterDocument(school_name="Hill Primary",
                                                                           key_id=school.public.id))).split())
    for column in COLUMNS:
        assert " ".join(column.split()[:2]) in text
    assert text.count(first.id) == 2 and text.count(second.id) == 1
    assert "Mr Ifan Rhys" in text and "Hill Primary" in text and school.public.fingerprint in text
    assert "Page 1 of 1" in text


def test_many_entries_run_over_pages_with_the_heading_repeated_and_page_x_of_y() -> None:
    pdf = build_register_pdf([entry(n) for n in range(120)])
    pages = pdf_pages(pdf)
    assert pages > 2
    for number, one in enumerate(pdf_text(pdf).split("\f")[:pages], start=1):
        assert f"Page {number} of {pages}" in one
        assert "Incident" in one and "Date" in one  # the heading row on every page
    text = " ".join(pdf_text(pdf).split())
    assert all(f"Entry number {n}" in text for n in range(120))


def test_landscape_and_empty_register() -> None:
    pdf = build_register_pdf([])
    assert "No entries yet." in pdf_text(pdf)
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert box is not None and float(box.group(1)) > float(box.group(2))
