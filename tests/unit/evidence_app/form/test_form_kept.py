"""Pages kept whole on the form: listed with their hashes and notes, never drawn; a flagged one withheld."""

from __future__ import annotations

import pytest

from evidence_app import render_form
from evidence_app.form.data import gather
from tests.helpers.images import make_png
from tests.helpers.kept import make_mhtml, make_page_png, make_pdf
from tests.helpers.pdf import needs_poppler, pdf_text


@needs_poppler
def test_kept_pages_are_listed_with_each_files_hash_and_their_concern_is_a_row(case, monkeypatch) -> None:
    kept = case.keep_page(mhtml=make_mhtml(), pdf=make_pdf(), png=make_page_png(), url="https://example.org/post",
                          title="A post", note="Her post, whole", concern="threatening-behaviour",
                          incomplete="Some pictures were still loading when the page was drawn.")
    monkeypatch.setattr(case, "read_kept", lambda *_a: pytest.fail("the form read a kept page's bytes"))
    rows = {row.reference: row for row in gather(case).rows}
    assert rows[kept.id].where == "https://example.org/post" and rows[kept.id].reason == "Threatening behaviour"
    text = " ".join(pdf_text(render_form(case)).split())
    assert "Pages kept whole (1)" in text and "Her post, whole" in text
    assert [f[0] for f in kept.files] == ["mhtml", "pdf", "png"]
    for fmt, sha, _size in kept.files:
        assert f"{fmt.upper()} {sha}" in text or sha in text.replace(" ", ""), fmt
    assert "Picture incomplete: Some pictures were still loading when the page was drawn." in text


@needs_poppler
def test_a_capture_whose_pictures_were_still_loading_says_so_next_to_it(case) -> None:
    late = case.add_capture(make_png(seed=1), kind="page", url="https://example.org/feed",
                            incomplete="Some pictures were still loading when the page was drawn.")
    whole = case.add_capture(make_png(seed=2), kind="page", url="https://example.org/whole")
    text = " ".join(pdf_text(render_form(case)).split())
    said = text.index("Picture incomplete: Some pictures were still loading when the page was drawn.")
    assert text.index(late.id) < said < text.index(whole.id)  # under its own capture, not the next one
    assert text.count("Picture incomplete:") == 1


@needs_poppler
def test_a_flagged_kept_page_is_listed_as_withheld(case) -> None:
    case.keep_page(mhtml=make_mhtml(), pdf=make_pdf(), url="https://bad.example/post", note="words about it")
    case.flag_csam("https://bad.example/post")
    text = " ".join(pdf_text(render_form(case)).split())
    assert "Withheld for the police: never shown, printed or copied." in text
