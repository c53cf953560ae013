"""Files and devices on the form: listed in the table's "web site address / device" column, bytes never read."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from evidence_app import render_form
from evidence_app.form.data import gather
from tests.helpers.evidence_files import email_with_attachments, jpeg_with_exif
from tests.helpers.pdf import needs_poppler, pdf_text

pytestmark = needs_poppler  # pdftotext and pdftoppm (poppler-utils; not on the Windows leg)


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_devices_and_their_files_are_rows_of_the_table(case, tmp_path: Path, monkeypatch) -> None:
    device = case.add_device("Pupil's phone, a black iPhone", "Both investigators, the pupil and a parent")
    photo = case.add_item(_file(tmp_path, "IMG_2041.jpg", jpeg_with_exif()), device=device.id,
                          note="The group chat, photographed")
    case.add_item(_file(tmp_path, "from parent.eml", email_with_attachments()), concern="threatening-behaviour")
    for name in ("view_item", "read_item", "item_chunks"):
        monkeypatch.setattr(case, name, lambda *_a, _n=name: pytest.fail(f"the form read a file's bytes ({_n})"))
    rows = {row.reference: row for row in gather(case).rows}
    assert rows["D0001"].where == "Device: Pupil's phone, a black iPhone"
    assert "Present: Both investigators, the pupil and a parent" in rows["D0001"].detail
    assert "I0001 IMG_2041.jpg" in rows["D0001"].detail
    assert rows["I0001"].where == "Device: Pupil's phone, a black iPhone · IMG_2041.jpg"
    assert photo.sha256 in rows["I0001"].detail and "GPS position" in rows["I0001"].detail
    assert rows["I0002"].reason == "Threatening behaviour"
    assert rows["I0003"].where == "File brought in · screenshot.jpg (attached to I0002)"
    text = " ".join(pdf_text(render_form(case)).split())
    assert "Device: Pupil's phone, a black iPhone" in text and "IMG_2041.jpg" in text


def test_a_flagged_file_is_withheld_from_the_form(case, tmp_path: Path) -> None:
    case.add_item(_file(tmp_path, "photo.jpg", jpeg_with_exif()), note="keep this off paper")
    message = case.add_item(_file(tmp_path, "secret-name.eml", email_with_attachments()))
    case.describe_item(message.id, note="words about it", concern="csam")
    rows = {row.reference: row for row in gather(case).rows}
    assert rows["I0002"].where == "File brought in · file I0002 (withheld: flagged content)"
    assert rows["I0002"].detail == f"SHA-256 {message.sha256}"
    text = " ".join(pdf_text(render_form(case)).split())
    assert "secret-name.eml" not in text and "screenshot.jpg" not in text
    assert "withheld: flagged content" in text


def test_the_form_renders_to_a_picture(case, tmp_path: Path) -> None:
    """docs/form-devices.png is made from this (pdftoppm); here it must at least render."""
    device = case.add_device("Pupil's phone, a black iPhone", "Both investigators, the pupil and a parent")
    case.add_item(_file(tmp_path, "IMG_2041.jpg", jpeg_with_exif()), device=device.id, note="The group chat")
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(render_form(case))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    assert list(tmp_path.glob("page*.png"))
