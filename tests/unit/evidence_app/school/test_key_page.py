"""The school key's printed page: one A4 page, the 24 words in order, the key id, a vector QR code."""

from __future__ import annotations

import re

import pytest

from evidence_app import SchoolKey
from evidence_app.school.key_page import INSTRUCTIONS, SchoolKeyPage, build_page
from tests.helpers.pdf import needs_poppler, pdf_pages, pdf_text

pytestmark = needs_poppler
KEY = SchoolKey(bytes(range(32)))


def page(**changes: str) -> SchoolKeyPage:
    values = dict(words=KEY.to_words(), key_id=KEY.public.id, made_at="2026-11-23T09:15:02.000Z",
                  school_name="Ysgol Gymraeg Aberystwyth", computer_name="ICT-OFFICE-01")
    values.update(changes)
    return SchoolKeyPage(**values)


def test_one_page_with_every_word_numbered_in_order() -> None:
    pdf = build_page(page())
    assert pdf.startswith(b"%PDF-")
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    words = KEY.to_words().split()
    for number, word in enumerate(words, start=1):
        assert re.search(rf"\b{number}\.\s", text), number
        assert word in text
    # read down each column: the grid's first row is words 1, 9 and 17
    layout = pdf_text(pdf, layout=True)
    first_row = next(line for line in layout.splitlines() if re.match(r"\s*1\.\s", line))
    assert re.findall(r"[a-z]+", first_row) == [words[0], words[8], words[16]]


def test_fingerprint_date_school_and_instructions() -> None:
    """The fingerprint Evidence App shows when a case is made is printed, for comparing by eye."""
    text = " ".join(pdf_text(build_page(page())).split())
    assert KEY.public.fingerprint in text
    assert re.fullmatch(r"[0-9A-F]{4}( [0-9A-F]{4}){3}", KEY.public.fingerprint)
    assert "23 November 2026, 09:15 UTC" in text
    assert "Ysgol Gymraeg Aberystwyth" in text and "ICT-OFFICE-01" in text
    assert "school safe" in text
    for instruction in INSTRUCTIONS:
        assert " ".join(instruction.split()[:6]) in text


def test_the_qr_code_is_vector_not_an_image() -> None:
    pdf = build_page(page())
    assert b"/Subtype /Image" not in pdf and b"/XObject" not in pdf


def test_the_words_typed_back_give_the_same_key() -> None:
    text = pdf_text(build_page(page()), layout=True)
    grid = [line for line in text.splitlines() if re.match(r"\s*\d+\.\s+[a-z]+\s", line)]
    numbered: dict[int, str] = {}
    for line in grid:
        for number, word in re.findall(r"(\d+)\.\s+([a-z]+)", line):
            numbered[int(number)] = word
    assert SchoolKey.from_words(" ".join(numbered[n] for n in range(1, 25))) == KEY


def test_wrong_number_of_words_refused() -> None:
    with pytest.raises(ValueError, match="24 words"):
        build_page(page(words="only three words"))
