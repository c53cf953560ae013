"""Kept pages in the police bundle: every file whole, described, checked by verify; a flagged one withheld."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_app import verify_bundle
from tests.helpers.bundles import export, forge, members, reseal, tar_of
from tests.helpers.kept import make_mhtml, make_page_png, make_pdf

LATE = "Some pictures were still loading when the page was drawn."


def _bag(result) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    return {info.name.split("/", 1)[1]: data for info, data in members(result)}


def test_a_kept_page_is_in_the_bag_as_mhtml_pdf_and_png_and_verifies(case, usb: Path) -> None:
    mhtml, pdf, png = make_mhtml(text="Kept for the police"), make_pdf(), make_page_png()
    kept = case.keep_page(mhtml=mhtml, pdf=pdf, png=png, url="https://example.org/post", title="A post",
                          note="Her post", incomplete=LATE)
    result = export(case, usb)
    bag = _bag(result)
    assert bag["data/kept/K0001.mhtml"] == mhtml and bag["data/kept/K0001.pdf"] == pdf
    assert bag["data/kept/K0001.png"] == png
    described = json.loads(bag["data/kept/K0001.json"])
    assert (described["url"], described["note"], described["files"]["mhtml"]["sha256"],
            described["files"]["pdf"]["size"]) == ("https://example.org/post", "Her post", kept.sha256, len(pdf))
    assert described["files"]["png"] == {"file": "K0001.png", "sha256": kept.file("png")[1], "size": len(png),
                                         "media_type": "image/png", "incomplete": LATE,
                                         "journal_record": case.kept_event("K0001", "png").seq}
    assert "incomplete" not in described["files"]["mhtml"] and "incomplete" not in described["files"]["pdf"]
    assert "Pages kept whole:     1" in bag["data/summary.txt"].decode()
    report = verify_bundle(result.folder, result.passphrase)
    assert report.ok, report.text()
    assert "each page kept whole (web archive, PDF and its picture) against the hashes in the journal" in report.text()


@pytest.mark.parametrize("name, forged", [("data/kept/K0001.pdf", make_pdf("forged")),
                                          ("data/kept/K0001.png", make_page_png(seed=99))])
def test_a_kept_file_swapped_in_a_rebuilt_bag_is_named_by_verify(case, usb: Path, name: str, forged: bytes) -> None:
    """A forger swaps the PDF (or the page's picture) and rebuilds every manifest, but the journal still
    names the kept file's hash."""
    case.keep_page(mhtml=make_mhtml(), pdf=make_pdf(), png=make_page_png(), url="https://example.org/post")
    result = export(case, usb)
    _, remade = forge(result, lambda payload: payload.__setitem__(name, forged))
    reseal(result, tar_of(remade))
    report = verify_bundle(result.folder, result.passphrase)
    assert not report.ok
    assert any(p.file == name and "when the page was kept" in p.detail for p in report.problems), report.text()


def test_a_kept_page_of_flagged_content_is_withheld(case, usb: Path) -> None:
    case.keep_page(mhtml=make_mhtml(url="https://example.org/ok"), pdf=make_pdf(), url="https://example.org/ok")
    flagged = case.keep_page(mhtml=make_mhtml(text="flagged", url="https://example.org/bad"), pdf=make_pdf(),
                             png=make_page_png(), url="https://example.org/bad")
    case.flag_csam("https://example.org/bad")
    result = export(case, usb)
    bag = _bag(result)
    assert sorted(p for p in bag if p.startswith("data/kept/")) == [
        "data/kept/K0001.json", "data/kept/K0001.mhtml", "data/kept/K0001.pdf", "data/kept/withheld.json"]
    withheld = json.loads(bag["data/kept/withheld.json"])["pages"]
    assert [(w["id"], w["files"][0]["sha256"]) for w in withheld] == [(flagged.id, flagged.sha256)]
    assert [f["format"] for f in withheld[0]["files"]] == ["mhtml", "pdf", "png"]  # listed by hash, never in the bag
    assert verify_bundle(result.folder, result.passphrase).ok
    police = usb / "police"
    police.mkdir()
    asked = export(case, police, include_quarantined=True)
    assert "data/kept/K0002.mhtml" in _bag(asked) and "data/kept/K0002.png" in _bag(asked)
    assert verify_bundle(asked.folder, asked.passphrase).ok


def test_a_captures_notice_of_pictures_still_loading_is_in_its_json_and_only_there(case, usb: Path) -> None:
    from tests.helpers.images import make_png

    late = case.add_capture(make_png(seed=1), kind="page", url="https://example.org/feed", incomplete=LATE)
    whole = case.add_capture(make_png(seed=2), kind="page", url="https://example.org/whole")
    result = export(case, usb)
    bag = _bag(result)
    assert json.loads(bag[f"data/captures/{late.id}.json"])["incomplete"] == LATE
    assert "incomplete" not in json.loads(bag[f"data/captures/{whole.id}.json"])
    assert verify_bundle(result.folder, result.passphrase).ok
