"""Files and devices in the police bundle: whole, with their metadata and hashes; a flagged one withheld."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from evidence_app import verify_bundle
from tests.helpers.bundles import export, forge, members, repack
from tests.helpers.evidence_files import email_with_attachments, jpeg_with_exif, sparse_file, tool_hash


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _bag(result) -> dict[str, bytes]:
    return {info.name.split("/", 1)[1]: data for info, data in members(result)}


def test_each_file_is_in_the_bag_whole_with_its_metadata_and_hashes(case, tmp_path: Path, usb: Path) -> None:
    device = case.add_device("Pupil's phone", "Both investigators, the pupil and a parent")
    photo_path = _file(tmp_path, "IMG_2041.JPG", jpeg_with_exif())
    photo = case.add_item(photo_path, device=device.id, note="The group chat")
    case.add_item(_file(tmp_path, "from parent.eml", email_with_attachments()))
    result = export(case, usb)
    bag = _bag(result)
    assert bag["data/items/I0001.jpg"] == photo_path.read_bytes()
    described = json.loads(bag["data/items/I0001.json"])
    tools = {tool: tool_hash(f"{tool}sum", photo_path) for tool in ("sha256", "md5", "sha1")}
    assert {k: described[k] for k in ("sha256", "md5", "sha1")} == tools
    assert (described["original_name"], described["note"], described["device"]["present"]) == (
        "IMG_2041.JPG", "The group chat", "Both investigators, the pupil and a parent")
    assert described["metadata"]["camera"] == "Canon EOS 200D" and described["personal_data"]
    assert json.loads(bag["data/items/I0003.json"])["attached_to"] == "I0002"
    assert json.loads(bag["data/items/devices.json"])["devices"][0]["items"] == ["I0001"]
    assert "items/withheld.json" not in " ".join(bag)
    report = verify_bundle(result.folder, result.passphrase)
    assert report.ok, report.text()
    assert f"I0001 IMG_2041.JPG: data/items/I0001.jpg, SHA-256 {photo.sha256}" in report.text()
    assert "each capture, each file brought in and the form" in report.text()


def test_a_flagged_file_is_withheld_from_the_export(case, tmp_path: Path, usb: Path) -> None:
    case.add_item(_file(tmp_path, "notes.txt", b"what the pupil said"))
    message = case.add_item(_file(tmp_path, "m.eml", email_with_attachments()))
    case.describe_item(message.id, note="", concern="csam")
    result = export(case, usb)
    bag = _bag(result)
    assert [p for p in bag if p.startswith("data/items/I")] == ["data/items/I0001.txt", "data/items/I0001.json"]
    withheld = json.loads(bag["data/items/withheld.json"])["items"]
    assert [(w["id"], w["sha256"]) for w in withheld] == [(i.id, i.sha256) for i in case.items() if i.quarantined]
    assert all(jpeg_with_exif() not in data for data in bag.values())
    report = verify_bundle(result.folder, result.passphrase)
    assert report.ok and "I0002: withheld from this export (flagged content)" in report.text()
    second = usb / "second"  # two exports in the same second would share a folder name
    second.mkdir()
    asked = export(case, second, include_quarantined=True)
    assert _bag(asked)["data/items/I0003.jpg"] == jpeg_with_exif()


def test_a_file_swapped_in_a_re_made_bag_is_named(case, tmp_path: Path, usb: Path) -> None:
    case.add_item(_file(tmp_path, "notes.txt", b"what the pupil said"))
    result = export(case, usb)

    def swap(payload: dict[str, bytes]) -> None:
        payload["data/items/I0001.txt"] = b"what the pupil did NOT say"

    _, forged = forge(result, swap)
    repack(result, lambda items: forged)
    report = verify_bundle(result.folder, result.passphrase)
    assert not report.ok
    assert any(p.file == "data/items/I0001.txt" and "when it was brought in" in p.detail for p in report.problems)


def test_a_file_larger_than_memory_would_like_streams_into_the_bag(case, tmp_path: Path, usb: Path) -> None:
    big = sparse_file(tmp_path / "clip.mp4", 80 * 1024 * 1024)
    item = case.add_item(big)
    result = export(case, usb)
    digest = hashlib.sha256(_bag(result)["data/items/I0001.mp4"]).hexdigest()
    assert digest == item.sha256 == tool_hash("sha256sum", big)
    assert verify_bundle(result.folder, result.passphrase).ok
