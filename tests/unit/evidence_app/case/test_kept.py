"""Keep this page: the rules of the core (stored encrypted, refused when the case is stopped, quarantined)."""

from __future__ import annotations

import hashlib

import pytest

from evidence_app import Kind, Status
from evidence_app.case.kept import FORMATS, MHTML, PDF, PNG
from evidence_app.errors import CaseConcluded, CaseLocked, CaseSealed, InvalidInput, Quarantined, WrongMachine
from evidence_app.policy.concerns import CSAM
from tests.helpers.cases import OTHER_MACHINE, PASSPHRASES, make_store
from tests.helpers.images import make_png
from tests.helpers.kept import make_mhtml, make_page_png, make_pdf

URL = "https://example.org/post"
LATE = "Some pictures were still loading when the page was drawn."


def blob_files(case) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(p.name for p in (case.folder / "blobs").iterdir())


def keep(case, url: str = URL, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("png", make_page_png())
    return case.keep_page(mhtml=make_mhtml(url=url), pdf=make_pdf(), url=url, title="A post", **kwargs)


def test_a_kept_page_is_three_files_hashed_journaled_and_read_back(case) -> None:
    mhtml, pdf, png = make_mhtml(), make_pdf(), make_page_png()
    kept = case.keep_page(mhtml=mhtml, pdf=pdf, png=png, url=URL, title="A post", note="Her post", concern="")
    assert kept.id == "K0001" and kept.url == URL and kept.note == "Her post" and not kept.quarantined
    assert kept.files == ((MHTML, hashlib.sha256(mhtml).hexdigest(), len(mhtml)),
                          (PDF, hashlib.sha256(pdf).hexdigest(), len(pdf)),
                          (PNG, hashlib.sha256(png).hexdigest(), len(png)))
    assert kept.incomplete == ""
    assert case.read_kept("K0001", MHTML) == mhtml and case.read_kept("K0001", PDF) == pdf
    assert case.read_kept("K0001", PNG) == png
    records = [e for e in case.events() if e.kind == Kind.KEPT]
    assert [(e.data["id"], e.data["format"], e.data["media_type"]) for e in records] == [
        ("K0001", "mhtml", "multipart/related"), ("K0001", "pdf", "application/pdf"), ("K0001", "png", "image/png")]
    assert all("incomplete" not in e.data for e in records)  # nothing said, nothing recorded
    assert keep(case).id == "K0002"
    assert [k.id for k in case.kept_pages()] == ["K0001", "K0002"]
    case.verify()


def test_pictures_still_loading_are_journaled_with_the_pages_picture_and_survive_reopening(store, case) -> None:
    kept = keep(case, incomplete=LATE)
    assert kept.incomplete == LATE
    records = {e.data["format"]: e.data for e in case.events() if e.kind == Kind.KEPT}
    assert records[PNG]["incomplete"] == LATE  # on the picture's record: the MHTML and PDF are not drawings
    assert "incomplete" not in records[MHTML] and "incomplete" not in records[PDF]
    case.lock()
    reopened = store.open(case.id, PASSPHRASES)
    try:
        assert reopened.kept_page(kept.id).incomplete == LATE
        reopened.verify()
    finally:
        reopened.lock()


def test_a_page_kept_without_its_picture_is_two_files_as_before(case) -> None:
    kept = case.keep_page(mhtml=make_mhtml(), pdf=make_pdf(), url=URL)
    assert [f[0] for f in kept.files] == [MHTML, PDF]
    with pytest.raises(InvalidInput, match="no PNG"):
        case.read_kept(kept.id, PNG)
    with pytest.raises(InvalidInput, match="needs the picture"):
        case.keep_page(mhtml=make_mhtml(), pdf=make_pdf(), url=URL, incomplete=LATE)
    assert len(case.kept_pages()) == 1


def test_kept_pages_survive_reopening(store, case) -> None:
    keep(case)
    case.lock()
    reopened = store.open(case.id, PASSPHRASES)
    assert [k.id for k in reopened.kept_pages()] == ["K0001"]
    assert reopened.read_kept("K0001", PDF) == make_pdf()
    assert keep(reopened).id == "K0002"
    reopened.verify()
    reopened.lock()


@pytest.mark.parametrize("mhtml, pdf, sentence", [
    (b"", make_pdf(), "empty"),
    (b"<html>not an archive</html>", make_pdf(), "not MHTML"),
    (make_mhtml(), b"<html>not a pdf", "not a PDF"),
    (make_mhtml(), b"", "empty"),
])
def test_what_is_not_an_archive_or_a_pdf_is_refused_and_nothing_is_stored(case, mhtml, pdf, sentence) -> None:
    before, blobs = len(list(case.events())), blob_files(case)
    with pytest.raises(InvalidInput, match=sentence):
        case.keep_page(mhtml=mhtml, pdf=pdf, url=URL)
    assert len(list(case.events())) == before
    assert blob_files(case) == blobs


def _cut(png: bytes) -> bytes:
    return png[:-20]


def _flipped(png: bytes) -> bytes:
    return png[:40] + bytes([png[40] ^ 1]) + png[41:]


@pytest.mark.parametrize("png, sentence", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "not a whole, readable PNG"),   # the signature, then nothing a PNG holds
    (_cut(make_png(40, 120, seed=7)), "not a whole, readable PNG"),
    (_flipped(make_png(40, 120, seed=7)), "not a whole, readable PNG"),
    (make_png(40, 120, seed=7) + b"tail", "not a whole, readable PNG"),
    (make_pdf(), "not a whole, readable PNG"),
])
def test_a_picture_of_the_page_that_is_not_a_whole_png_is_refused_before_anything_is_stored(case, png,
                                                                                         sentence) -> None:
    """The MHTML and PDF are good: the page is refused whole, not stored without its picture."""
    before, blobs = len(list(case.events())), blob_files(case)
    with pytest.raises(InvalidInput, match=sentence):
        case.keep_page(mhtml=make_mhtml(), pdf=make_pdf(), png=png, url=URL)
    assert len(list(case.events())) == before, "a refused picture left records in the journal"
    assert blob_files(case) == blobs, "a refused picture left files in the vault"
    assert case.kept_pages() == []


def test_the_child_abuse_concern_keeps_nothing_and_seals_the_case(case) -> None:
    blobs = blob_files(case)
    with pytest.raises(CaseSealed, match="not kept"):
        keep(case, concern=CSAM)
    assert case.status is Status.SEALED
    assert [e for e in case.events() if e.kind == Kind.KEPT] == []
    assert blob_files(case) == blobs
    assert [e.kind for e in case.events()][-2:] == [Kind.FLAGGED, Kind.SEALED]


def test_no_page_is_kept_after_the_stop_or_when_locked(case) -> None:
    case.flag_csam("https://example.org/other")
    with pytest.raises(CaseSealed):
        keep(case)
    case.lock()
    with pytest.raises(CaseLocked):
        keep(case)


def test_no_page_is_kept_in_a_concluded_case(case) -> None:
    from evidence_app import Conclusion

    case.conclude(Conclusion(substance="no", subject="pupil"))
    with pytest.raises(CaseConcluded):
        keep(case)


def test_a_second_store_on_another_computer_cannot_keep_a_page(store, case) -> None:
    case.lock()
    elsewhere = make_store(store.root, OTHER_MACHINE).open(case.id, PASSPHRASES)
    try:
        with pytest.raises(WrongMachine, match="read-only"):
            keep(elsewhere)
        assert [e for e in elsewhere.events() if e.kind == Kind.KEPT] == []
    finally:
        elsewhere.lock()


def test_a_page_on_the_blocklist_is_not_kept_and_stops_the_case(case) -> None:
    from evidence_app import Blocklist

    case.use_blocklist(Blocklist.from_text("example.org\n"))
    with pytest.raises(CaseSealed, match="blocklist"):
        keep(case)
    assert [e for e in case.events() if e.kind == Kind.KEPT] == []
    assert case.status is Status.SEALED


def test_the_stop_on_the_pages_address_quarantines_the_kept_page(case) -> None:
    other = keep(case, url="https://example.org/elsewhere")
    caught = keep(case, url=URL)
    case.flag_csam("HTTPS://EXAMPLE.ORG:443/post#top", note="suspected")
    pages = {k.id: k.quarantined for k in case.kept_pages()}
    assert pages == {other.id: False, caught.id: True}
    assert [f[0] for f in case.kept_page(caught.id).files] == list(FORMATS)
    for fmt in FORMATS:  # the picture of the whole page with the others
        with pytest.raises(Quarantined):
            case.read_kept(caught.id, fmt)
        with pytest.raises(Quarantined):
            case.read_blob_of(case.kept_event(caught.id, fmt))
    assert case.read_kept(other.id, MHTML)
    quarantine = [e for e in case.events() if e.kind == Kind.QUARANTINED][0]
    assert caught.id in quarantine.data["captures"] and caught.sha256 in quarantine.data["sha256"]


def test_a_kept_page_named_in_the_stop_is_quarantined(case) -> None:
    kept = keep(case)
    case.flag_csam("", captures=(kept.id,))
    assert case.kept_page(kept.id).quarantined


def test_a_flipped_byte_in_a_kept_file_is_tamper(case) -> None:
    from evidence_app.errors import TamperDetected

    kept = keep(case)
    blob = case.folder / "blobs" / f"{case.kept_event(kept.id, PDF).data['blob']}.blob"
    data = bytearray(blob.read_bytes())
    data[-5] ^= 1
    blob.write_bytes(bytes(data))
    with pytest.raises(TamperDetected):
        case.read_kept(kept.id, PDF)


def test_a_flipped_byte_in_the_pages_picture_is_tamper(case) -> None:
    from evidence_app.errors import TamperDetected

    kept = keep(case)
    blob = case.folder / "blobs" / f"{case.kept_event(kept.id, PNG).data['blob']}.blob"
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 1
    blob.write_bytes(bytes(data))
    with pytest.raises(TamperDetected):
        case.read_kept(kept.id, PNG)
    assert case.read_kept(kept.id, MHTML)  # the other files of the page are still whole


def test_a_notice_longer_than_a_sentence_is_refused_and_nothing_is_kept(case) -> None:
    with pytest.raises(InvalidInput, match="too long"):
        keep(case, incomplete="x" * 1_001)
    assert case.kept_pages() == []
