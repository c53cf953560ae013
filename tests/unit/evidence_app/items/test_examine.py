"""The readers of what a file says about itself, fed hostile bytes: always a result, never a crash."""

from __future__ import annotations

import io
import json
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from evidence_app.items.examine import examine
from evidence_app.items.kinds import is_visual, sniff
from evidence_app.vault.events import canonical_json
from tests.helpers.evidence_files import OUTLOOK_SAMPLE, email_with_attachments, jpeg_with_exif

KINDS = ("image/jpeg", "image/png", "message/rfc822", "application/vnd.ms-outlook", "application/pdf")
SAMPLES = (jpeg_with_exif(), email_with_attachments(), OUTLOOK_SAMPLE.read_bytes(),
           b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def _journal_ready(found: object) -> None:
    canonical_json({"metadata": found})  # what the journal would store: JSON, finite, no bad text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096), kind=st.sampled_from(KINDS))
def test_random_bytes_give_a_result_or_a_sentence(data: bytes, kind: str) -> None:
    found = examine(data, kind)
    _journal_ready(found.to_json())
    assert not found.problem or found.problem.endswith("Its bytes were kept unchanged.")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=st.sampled_from(SAMPLES), kind=st.sampled_from(KINDS), cut=st.integers(min_value=0),
       flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8))
def test_real_files_cut_and_damaged_give_a_result_or_a_sentence(sample: bytes, kind: str, cut: int,
                                                               flips: list[tuple[int, int]]) -> None:
    data = bytearray(sample[: cut % (len(sample) + 1)])
    for where, value in flips:
        if data:
            data[where % len(data)] = value
    _journal_ready(examine(bytes(data), kind).to_json())


def test_a_picture_claiming_to_be_enormous_is_described_without_decoding_it() -> None:
    out = io.BytesIO()
    Image.new("1", (1, 1)).save(out, "PNG")
    raw = bytearray(out.getvalue())
    raw[16:24] = (100_000).to_bytes(4, "big") * 2  # width and height in IHDR: 10 billion pixels
    found = examine(bytes(raw), "image/png")
    assert found.metadata.get("width") == 100_000 or "could not be read" in found.problem


def test_an_email_with_a_huge_header_is_clipped() -> None:
    data = b"Subject: " + b"A" * 5_000_000 + b"\r\nFrom: x@example.org\r\n\r\nbody"
    found = examine(data, "message/rfc822")
    assert len(found.metadata["subject"]) < 11_000 and found.metadata["from"] == "x@example.org"


def test_an_email_made_of_thousands_of_attachments_keeps_two_hundred() -> None:
    parts = "".join(f"--b\r\nContent-Disposition: attachment; filename=f{i}.txt\r\n\r\nx\r\n" for i in range(5000))
    data = ("Content-Type: multipart/mixed; boundary=b\r\n\r\n" + parts + "--b--\r\n").encode()
    found = examine(data, "message/rfc822")
    assert len(found.attachments) == 200


def test_a_zip_bomb_attached_stays_compressed() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros", b"\0" * 50_000_000)
    bomb = out.getvalue()
    assert sniff(bomb, "x.zip") == "application/zip"
    found = examine(bomb, "application/zip")
    assert found.metadata == {} and found.attachments == ()


def test_a_deeply_nested_email_ends_in_a_result() -> None:
    data = b"Subject: inner\r\n\r\nhello"
    for _ in range(300):
        data = b"Content-Type: message/rfc822\r\n\r\n" + data
    json.dumps(examine(data, "message/rfc822").to_json())


def test_kinds_come_from_bytes_first_and_names_second() -> None:
    assert sniff(jpeg_with_exif(), "letter.pdf") == "image/jpeg"
    assert is_visual("application/octet-stream", "clip.MOV")
    assert is_visual("video/mp4", "notes.txt")
    assert not is_visual("application/pdf", "letter.pdf")
    assert sniff(b"\0\0\0\x18ftypisom", "x") == "video/mp4"
