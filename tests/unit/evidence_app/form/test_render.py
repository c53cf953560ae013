"""The incident form as a PDF: every field of the policy's record, read back with poppler's tools.

Each kind of case is rendered once per module (the forms are read, never
changed). ``pdftotext`` and ``pdfimages`` are Debian's poppler-utils: an
outside reader, not our own code.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from evidence_app import Case, Kind
from evidence_app.form.layout import qr_value
from evidence_app.vault.timestamps import parse_utc
from evidence_app.form.render import issue_form, render_form
from evidence_app.form.signature import check_form
from evidence_app.policy.sanctions import Conclusion
from evidence_app.typesetting.qr import qr_drawing
from tests.helpers.cases import make_store
from tests.unit.evidence_app.form.test_form_cases import (
    ARABIC,
    POLISH,
    WELSH,
    big_case,
    police_case,
    sealed_case,
    small_case,
)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdfimages") is None,
                                reason="poppler-utils (pdftotext, pdfimages) is not installed")

POLICY_FIELDS = (
    "Record of reviewing devices / internet sites", "(responding to incidents of misuse)",
    "Group", "Date", "Reason for investigation",
    "First reviewing person", "Second reviewing person", "Name", "Position", "Signature",
    "Name and location of the", "computer used for review",
    "Web site address / device and reason for concern", "Web site address / device", "Reason for concern",
    "Conclusion and action proposed or taken",
)
BIDI_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))


@dataclass(frozen=True)
class Rendered:
    case_id: str
    head: str
    fingerprint: str
    pdf: bytes
    path: Path
    seconds: float
    progress: tuple[tuple[int, int], ...]
    captures: tuple

    def text(self, page: int | None = None) -> str:
        pages = ["-f", str(page), "-l", str(page)] if page else []
        found = subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(self.path), "-"],
                               capture_output=True, check=True).stdout.decode("utf-8")
        return unicodedata.normalize("NFKC", found).translate(BIDI_MARKS)

    def pages(self) -> int:
        info = subprocess.run(["pdfinfo", str(self.path)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]

    def images(self) -> list[str]:
        listing = subprocess.run(["pdfimages", "-list", str(self.path)], capture_output=True, text=True,
                                 check=True).stdout.splitlines()
        return [line for line in listing[2:] if line.strip()]


def _render(case: Case, folder: Path, name: str) -> Rendered:
    calls: list[tuple[int, int]] = []
    started = time.perf_counter()
    pdf = render_form(case, progress=lambda done, total: calls.append((done, total)))
    seconds = time.perf_counter() - started
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    return Rendered(case.id, case.head, case.signing_key.fingerprint, pdf, path, seconds, tuple(calls),
                    tuple(case.captures()))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("forms")


def _made(folder: Path, name: str, build) -> Iterator[tuple[Case, Rendered]]:  # type: ignore[no-untyped-def]
    case = build(make_store(folder / f"{name}-cases"))
    try:
        yield case, _render(case, folder, name)
    finally:
        case.lock()


@pytest.fixture(scope="module")
def small(folder: Path) -> Iterator[tuple[Case, Rendered]]:
    yield from _made(folder, "small", small_case)


@pytest.fixture(scope="module")
def big(folder: Path) -> Iterator[tuple[Case, Rendered]]:
    yield from _made(folder, "big", lambda store: big_case(store, 200, width=400, height=250))


@pytest.fixture(scope="module")
def sealed(folder: Path) -> Iterator[tuple[Case, Rendered]]:
    yield from _made(folder, "sealed", sealed_case)


@pytest.fixture(scope="module")
def police(folder: Path) -> Iterator[tuple[Case, Rendered]]:
    yield from _made(folder, "police", police_case)


def _flat(text: str) -> str:
    return re.sub(r"[\s\-]+", "", text)


# ------------------------------------------------------------------ the small case


def test_every_field_of_the_policy_form_is_on_page_one(small: tuple[Case, Rendered]) -> None:
    case, form = small
    page_one = form.text(1)
    for field in POLICY_FIELDS[:-1]:
        assert field in page_one, field
    assert "Conclusion and action proposed or taken" in form.text()
    details = case.details
    for value in (details.group, details.reason, details.subject, details.computer_name, details.computer_location,
                  *(p.name for p in details.investigators), *(p.position for p in details.investigators)):
        assert value in page_one, value
    opened = parse_utc(next(case.events()).time)
    assert f"Date {opened:%d %B %Y}" in " ".join(page_one.split()), "the Date field is not the day the review opened"


def test_every_page_has_the_case_id_its_number_and_the_journal_head(small: tuple[Case, Rendered]) -> None:
    _, form = small
    total = form.pages()
    assert total >= 3
    for page in range(1, total + 1):
        text = form.text(page)
        assert form.case_id in text
        assert f"Page {page} of {total}" in text
        assert form.head in text.replace("\n", "")


def test_page_one_has_the_key_fingerprint_and_a_vector_qr_of_case_and_head(small: tuple[Case, Rendered]) -> None:
    from evidence_app.form.data import gather

    case, form = small
    assert form.fingerprint in form.text(1)
    value = qr_value(gather(case))
    assert value == f"evidence-app:case={form.case_id};head={form.head}"
    widget = qr_drawing(value, 80).contents[0]
    assert widget.value == value
    assert [line for line in form.images() if line.split()[0] == "1"] == []  # drawn as shapes, not an image


def test_the_table_of_concern_lists_marked_captures_and_noted_addresses(small: tuple[Case, Rendered]) -> None:
    _, form = small
    text = form.text()
    table = text[text.index("Web site address / device and reason for concern"):]
    for expected in ("https://social.example/profile/9b-pupil", "Threatening behaviour",
                     "https://social.example/post/1234", "Noted by the reviewers",
                     "https://chat.example/room/77", "Named in the reviewers' notes"):
        assert expected in table, expected


def test_the_appendix_prints_each_capture_with_address_time_hash_and_note(small: tuple[Case, Rendered]) -> None:
    _, form = small
    text = form.text()
    appendix = text[text.index("Appendix A: screenshots"):]
    for capture in form.captures:
        assert capture.sha256 in appendix
        assert capture.id in appendix
        assert capture.url in appendix
    assert "Threatening post about another pupil" in appendix
    assert re.search(r"\d\d Nov \d{4} \d\d:\d\d:\d\d UTC|\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d UTC", appendix)
    assert len(form.images()) == len(form.captures)  # one picture each, nothing else


def test_the_visited_address_log_lists_every_visit(small: tuple[Case, Rendered]) -> None:
    case, form = small
    text = form.text()
    log = text[text.index("log of visited addresses"):]
    visits = [e for e in case.events() if e.kind == Kind.VISIT]
    assert len(visits) == 3
    for visit in visits:
        assert visit.data["url"] in log
        assert visit.data["title"] in log


def test_a_draft_form_leaves_room_to_write_the_conclusion(small: tuple[Case, Rendered]) -> None:
    _, form = small
    assert "Not yet concluded" in form.text()


def test_pictures_are_the_stored_pixels_unchanged(small: tuple[Case, Rendered]) -> None:
    case, form = small
    listing = form.images()
    sizes = sorted((int(line.split()[3]), int(line.split()[4])) for line in listing)
    assert sizes == [(320, 200), (640, 400), (640, 400)]
    assert all(" rgb " in f" {line} " for line in listing)


# ------------------------------------------------------------------ the signature


def test_pyhanko_reports_the_signature_intact_and_trusted(small: tuple[Case, Rendered]) -> None:
    case, form = small
    check = check_form(form.pdf, case.signing_key.certificate_der)
    assert check.ok, check.summary
    assert form.case_id in check.signer


@pytest.mark.parametrize("where", ["start", "middle", "title"])
def test_one_changed_byte_makes_the_signature_invalid(small: tuple[Case, Rendered], where: str) -> None:
    case, form = small
    data = bytearray(form.pdf)
    signed_range = _byte_range(form.pdf)
    index = {"start": 20, "middle": signed_range[1] // 2,
             "title": form.pdf.index(b"Record of reviewing")}[where]
    assert index < signed_range[1]
    data[index] ^= 0x01
    check = check_form(bytes(data), case.signing_key.certificate_der)
    assert not check.ok
    assert not check.intact


def _byte_range(pdf: bytes) -> tuple[int, ...]:
    found = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert found is not None
    return tuple(int(x) for x in found.groups())


def test_another_cases_certificate_is_not_trusted(small: tuple[Case, Rendered], police: tuple[Case, Rendered]) -> None:
    _, form = small
    other, _ = police
    check = check_form(form.pdf, other.signing_key.certificate_der)
    assert check.intact and not check.trusted and not check.ok


def test_the_signature_covers_the_whole_file(small: tuple[Case, Rendered]) -> None:
    _, form = small
    start, first, second, rest = _byte_range(form.pdf)
    assert start == 0 and second + rest == len(form.pdf)


# ------------------------------------------------------------------ 200 captures, every script


def test_two_hundred_captures_in_under_ten_seconds_with_progress(big: tuple[Case, Rendered]) -> None:
    _, form = big
    assert form.seconds < 10, f"{form.seconds:.1f} s"
    assert len(form.captures) == 200
    assert len(form.images()) == 200
    dones = [d for d, _ in form.progress]
    totals = {t for _, t in form.progress}
    assert len(totals) == 1 and dones == sorted(dones) and dones[0] == 0 and dones[-1] == totals.pop()
    assert len(form.progress) > 200


def test_long_unicode_names_and_notes_come_out_as_text(big: tuple[Case, Rendered]) -> None:
    case, form = big
    text = form.text()
    flat = _flat(text)
    assert WELSH in flat  # long words are cut across lines, never dropped
    assert POLISH in text
    assert ARABIC in text, "Arabic reads back in logical order (poppler undoes the visual order)"
    for name in ("THUMBS UP SIGN", "GRINNING FACE"):
        assert f"[{name}]" in text  # emoji the font lacks are spelled out
    for person in case.details.investigators:
        assert _flat(person.name.split(" ")[0]) in flat
    for capture in form.captures:
        assert capture.sha256 in text


def test_wrapped_text_stays_inside_the_page(big: tuple[Case, Rendered]) -> None:
    _, form = big
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "6", str(form.path), "-"],
                           capture_output=True, text=True, check=True).stdout
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))  # type: ignore[union-attr]
    assert right_edges and max(right_edges) <= page_width - 40


# ------------------------------------------------------------------ sealed


def test_a_sealed_form_has_no_image_at_all(sealed: tuple[Case, Rendered]) -> None:
    _, form = sealed
    assert form.images() == []


def test_a_sealed_form_lists_captures_by_time_address_and_hash_only(sealed: tuple[Case, Rendered]) -> None:
    case, form = sealed
    text = form.text()
    assert "SEALED" in text
    assert "quarantined captures (1)" in text
    for capture in form.captures:
        assert capture.sha256 in text and capture.url in text
    assert "Suspected child sexual abuse images" in text


def test_rendering_a_sealed_case_never_decrypts_a_capture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = sealed_case(make_store(tmp_path))
    read: list[str] = []
    monkeypatch.setattr(case, "read_capture", lambda capture_id: read.append(capture_id) or b"")
    try:
        assert render_form(case).startswith(b"%PDF-")
        assert read == []
    finally:
        case.lock()


# ------------------------------------------------------------------ concluded with a police referral


def test_a_police_referral_is_printed_with_the_policy_labels(police: tuple[Case, Rendered]) -> None:
    _, form = police
    text = form.text()
    conclusion = text[text.index("Conclusion and action proposed or taken"):]
    for expected in ("Yes, the concern has substance", "Member of staff", "Refer to Police",
                     "Refer to Local Authority / HR", "Suspension", "referred to the police",
                     "Reported to the police on the day", "Deliberately accessing or trying to access material",
                     "Criminally racist material"):
        assert expected in _squash(text if expected == "Criminally racist material" else conclusion), expected
    assert "Case concluded" in form.text(1)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# ------------------------------------------------------------------ keeping the form


def test_issue_form_keeps_the_pdf_in_the_vault_and_journals_its_hash(tmp_path: Path) -> None:
    case = small_case(make_store(tmp_path))
    try:
        head_before = case.head
        issued = issue_form(case)
        event = list(case.events())[-1]
        assert event.kind == Kind.FORM and event.seq == issued.record
        assert event.data["sha256"] == issued.sha256 == hashlib.sha256(issued.pdf).hexdigest()
        assert case.read_blob_of(event) == issued.pdf
        assert head_before.encode() in issued.pdf or head_before in _head_in(issued.pdf, tmp_path)
        case.verify()
    finally:
        case.lock()


def _head_in(pdf: bytes, folder: Path) -> str:
    path = folder / "issued.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_concluded_case_can_still_print_its_form(tmp_path: Path) -> None:
    case = small_case(make_store(tmp_path))
    try:
        case.conclude(Conclusion(substance="no", subject="pupil", summary="A misunderstanding."))
        issued = issue_form(case)
        assert check_form(issued.pdf, case.signing_key.certificate_der).ok
    finally:
        case.lock()


def test_pictures_beyond_the_budget_are_listed_not_printed(case, tmp_path) -> None:
    import subprocess

    from evidence_app.form.render import render_form
    from tests.helpers.images import random_png

    captures = [case.add_capture(random_png(200, 150), kind="viewport", url=f"https://example.org/{n}")
                for n in range(5)]
    pdf = render_form(case, picture_budget=2 * captures[0].size + 10)
    (tmp_path / "form.pdf").write_bytes(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(tmp_path / "form.pdf")], capture_output=True, text=True)
    rows = [line for line in listing.stdout.splitlines()[2:] if line.strip()]
    assert len([r for r in rows if " image " in r]) == 2
    text = subprocess.run(["pdftotext", str(tmp_path / "form.pdf"), "-"], capture_output=True, text=True).stdout
    assert text.count("Picture not printed") == 3
    for capture in captures:
        assert capture.sha256 in text.replace("\n", "")


def test_page_ones_signature_box_states_the_journal_head_beside_its_label(small: tuple[Case, Rendered]) -> None:
    """The box says which journal the form was made from; the footer's copy alone is not enough."""
    _, form = small
    page_one = form.text(1)
    label = page_one.index("Journal head when this form was made")
    box = page_one[label:].replace("\n", " ")
    footer = box.rfind(f"Journal head {form.head}")
    assert form.head in box[: footer if footer > 0 else len(box)], "the box's head is missing"
