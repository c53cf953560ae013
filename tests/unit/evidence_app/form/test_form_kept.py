"""Pages kept whole on the form: listed with their hashes and notes, never drawn; a flagged one withheld."""

from __future__ import annotations

import pytest

from evidence_app import render_form
from evidence_app.form.data import gather
from tests.helpers.kept import make_mhtml, make_pdf
from tests.helpers.pdf import needs_poppler, pdf_text


@needs_poppler
def test_kept_pages_are_listed_with_each_files_hash_and_their_concern_is_a_row(case, monkeypatch) -> None:
    kept = case.keep_page(mhtml=make_mhtml(), pdf=make_pdf(), url="https://example.org/post", title="A post",
                          note="Her post, whole", concern="threatening-behaviour")
    monkeypatch.setattr(case, "read_kept", lambda *_a: pytest.fail("the form read a kept page's bytes"))
    rows = {row.reference: row for row in gather(case).rows}
    assert rows[kept.id].where == "https://example.org/post" and rows[kept.id].reason == "Threatening behaviour"
    text = " ".join(pdf_text(render_form(case)).split())
    assert "Pages kept whole (1)" in text and "Her post, whole" in text
    for _fmt, sha, _size in kept.files:
        assert sha[:40] in text.replace(" ", "") or sha in text


@needs_poppler
def test_a_flagged_kept_page_is_listed_as_withheld(case) -> None:
    case.keep_page(mhtml=make_mhtml(), pdf=make_pdf(), url="https://bad.example/post", note="words about it")
    case.flag_csam("https://bad.example/post")
    text = " ".join(pdf_text(render_form(case)).split())
    assert "Withheld for the police: never shown, printed or copied." in text
