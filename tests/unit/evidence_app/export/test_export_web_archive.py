"""The police bag holds the recorded responses as a WACZ: listed in the manifest, checked by verify, no picture in it."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from evidence_app import verify_bundle
from evidence_app.export.web_archive import WACZ_FILE
from tests.helpers.bundles import export, members, plaintext, repack
from tests.helpers.web_archive import assert_py_wacz_valid, every_layer, warc_records
from tests.helpers.writes import files_written
from tests.unit.evidence_app.web.test_wacz import MARKER, pages_with_a_picture

WACZ = f"data/{WACZ_FILE}"


def _files(result) -> dict[str, bytes]:
    return {info.name.split("/", 1)[1]: data for info, data in members(result) if info.isfile()}


def test_the_bag_holds_a_valid_wacz_listed_in_the_manifest(case, usb: Path, tmp_path: Path) -> None:
    pages = pages_with_a_picture()
    case.record_visit(pages[0].page.page_url, title="A pupil's profile")
    for page in pages:
        case.record_responses(page.page)
    with files_written() as written:
        result = export(case, usb)
    # Nothing written but the bundle's files (and the stick's write check) and the vault: no plaintext WACZ.
    assert not [path for path in written if not (path.is_relative_to(usb) or path.is_relative_to(case.folder))]
    assert {path.name for path in written if path.is_relative_to(usb) and "write-check" not in path.name} == {
        result.evidence_file.name, result.key_file.name, result.sha256_file.name, "README.txt"}
    files = _files(result)
    wacz = files[WACZ]
    manifest = files["manifest-sha256.txt"].decode()
    assert f"{hashlib.sha256(wacz).hexdigest()}  {WACZ}" in manifest.splitlines()
    assert_py_wacz_valid(wacz, tmp_path)
    records = warc_records(wacz)
    assert {headers.get("WARC-Evidence-Record", " ").split(" ")[0] for _, headers, _, _ in records} >= {"R0001", "R0002"}
    listed = [json.loads(line) for line in zipfile.ZipFile(io.BytesIO(wacz)).read("pages/pages.jsonl").splitlines()]
    assert [(page.get("id"), page.get("title")) for page in listed[1:]] == [
        ("R0001", "A pupil's profile"), ("R0002", "Recorded responses R0002")]  # the visit's title, when there is one
    assert verify_bundle(result.folder, result.passphrase).ok


def test_no_picture_bytes_reach_the_bundle_in_any_layer(case, usb: Path) -> None:
    for page in pages_with_a_picture():
        case.record_responses(page.page)
    result = export(case, usb)
    assert MARKER not in plaintext(result)
    for name, data in _files(result).items():
        assert not any(MARKER in layer for layer in every_layer(data)), name


def test_a_changed_wacz_is_caught_and_named(case, usb: Path) -> None:
    case.record_responses(pages_with_a_picture()[1].page)
    result = export(case, usb)

    def flip(items):
        out = []
        for info, data in items:
            if info.name.endswith(WACZ_FILE):
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
            out.append((info, data))
        return out

    repack(result, flip)
    report = verify_bundle(result.folder, result.passphrase)
    assert not report.ok and any(WACZ in problem.file for problem in report.problems), report.text()


def test_a_case_without_recorded_responses_has_no_web_archive(case, usb: Path) -> None:
    assert WACZ not in _files(export(case, usb))


def test_a_responses_record_swapped_for_another_is_caught_against_the_journal(case, usb: Path) -> None:
    """Someone re-makes the bag (manifests and all, as bundles.forge does) with another page's record."""
    from tests.helpers.bundles import forge, reseal, tar_of
    from tests.unit.evidence_app.web.test_responses import make_record

    case.record_responses(make_record())
    result = export(case, usb)
    report = verify_bundle(result.folder, result.passphrase)
    assert report.ok and any("recorded responses against the hash in the journal" in c for c in report.checks)

    def swap(files: dict[str, bytes]) -> None:
        files["data/responses/R0001.json"] = files["data/responses/R0001.json"].replace(b"192.0.2.7", b"192.0.2.8")

    _, forged = forge(result, swap)
    reseal(result, tar_of(forged))
    report = verify_bundle(result.folder, result.passphrase)
    assert not report.ok
    assert any(problem.file == "data/responses/R0001.json" and "journal recorded" in problem.detail
               for problem in report.problems), report.text()
