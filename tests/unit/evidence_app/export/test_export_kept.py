"""Kept pages in the police bundle: both files whole, described, checked by verify; a flagged one withheld."""

from __future__ import annotations

import json
from pathlib import Path

from evidence_app import verify_bundle
from tests.helpers.bundles import export, forge, members, reseal, tar_of
from tests.helpers.kept import make_mhtml, make_pdf


def _bag(result) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    return {info.name.split("/", 1)[1]: data for info, data in members(result)}


def test_a_kept_page_is_in_the_bag_as_mhtml_and_pdf_and_verifies(case, usb: Path) -> None:
    mhtml, pdf = make_mhtml(text="Kept for the police"), make_pdf()
    kept = case.keep_page(mhtml=mhtml, pdf=pdf, url="https://example.org/post", title="A post", note="Her post")
    result = export(case, usb)
    bag = _bag(result)
    assert bag["data/kept/K0001.mhtml"] == mhtml and bag["data/kept/K0001.pdf"] == pdf
    described = json.loads(bag["data/kept/K0001.json"])
    assert (described["url"], described["note"], described["files"]["mhtml"]["sha256"],
            described["files"]["pdf"]["size"]) == ("https://example.org/post", "Her post", kept.sha256, len(pdf))
    assert "Pages kept whole:     1" in bag["data/summary.txt"].decode()
    report = verify_bundle(result.folder, result.passphrase)
    assert report.ok, report.text()
    assert "each page kept whole (web archive and PDF) against the hashes in the journal" in report.text()


def test_a_kept_page_swapped_in_a_rebuilt_bag_is_named_by_verify(case, usb: Path) -> None:
    """A forger swaps the PDF and rebuilds every manifest, but the journal still names the kept page's hash."""
    case.keep_page(mhtml=make_mhtml(), pdf=make_pdf(), url="https://example.org/post")
    result = export(case, usb)
    _, remade = forge(result, lambda payload: payload.__setitem__("data/kept/K0001.pdf", make_pdf("forged")))
    reseal(result, tar_of(remade))
    report = verify_bundle(result.folder, result.passphrase)
    assert not report.ok
    assert any(p.file == "data/kept/K0001.pdf" and "when the page was kept" in p.detail for p in report.problems), \
        report.text()


def test_a_kept_page_of_flagged_content_is_withheld(case, usb: Path) -> None:
    case.keep_page(mhtml=make_mhtml(url="https://example.org/ok"), pdf=make_pdf(), url="https://example.org/ok")
    flagged = case.keep_page(mhtml=make_mhtml(text="flagged", url="https://example.org/bad"), pdf=make_pdf(),
                             url="https://example.org/bad")
    case.flag_csam("https://example.org/bad")
    result = export(case, usb)
    bag = _bag(result)
    assert sorted(p for p in bag if p.startswith("data/kept/")) == [
        "data/kept/K0001.json", "data/kept/K0001.mhtml", "data/kept/K0001.pdf", "data/kept/withheld.json"]
    withheld = json.loads(bag["data/kept/withheld.json"])["pages"]
    assert [(w["id"], w["files"][0]["sha256"]) for w in withheld] == [(flagged.id, flagged.sha256)]
    assert verify_bundle(result.folder, result.passphrase).ok
    police = usb / "police"
    police.mkdir()
    asked = export(case, police, include_quarantined=True)
    assert "data/kept/K0002.mhtml" in _bag(asked) and verify_bundle(asked.folder, asked.passphrase).ok
