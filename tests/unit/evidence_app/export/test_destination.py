"""Before an export: is there room on the stick, and can its file system hold the evidence file?

A real tmpfs of 2 MiB is mounted for the free-space check (root, as in CI). The kernel here has no
FAT driver, so FAT32 is shown to the check as psutil reports it (``vfat`` on Linux, ``FAT32`` on
Windows); the Windows leg runs :func:`inspect` on a real Windows drive.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from evidence_app.export import destination
from evidence_app.export.destination import (
    FAT32_LARGEST,
    Destination,
    check_destination,
    destination_problems,
    estimate_export_bytes,
    inspect,
)
from tests.helpers.bundles import export
from tests.helpers.disks import small_disk as small_tmpfs
from tests.helpers.images import make_png


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 2 MiB file system (a tmpfs; needs root, as CI runs)."""
    with small_tmpfs(tmp_path / "stick") as mount_point:
        yield mount_point


def test_a_stick_too_small_is_named_with_its_free_space_and_the_size_needed(small_disk: Path) -> None:
    found = inspect(small_disk)
    assert found.file_system == "tmpfs" and found.largest_file is None
    assert 1024**2 < found.free_bytes <= 2 * 1024**2
    (problem,) = check_destination(small_disk, 300 * 1024**2)
    assert problem == (f"There is not enough space in {small_disk}: it has 2 MB free and the export needs about "
                       "300 MB. Use a larger USB stick, or delete other files from it.")
    assert check_destination(small_disk, 1024**2) == []


@pytest.mark.parametrize("reported", ["vfat", "FAT32"])  # Linux's name, Windows' name
def test_fat32_refuses_an_evidence_file_of_4_gib_or_more(tmp_path: Path, monkeypatch, reported: str) -> None:
    import psutil

    real = psutil.disk_partitions
    stick = SimpleNamespace(device="/dev/sdb1", mountpoint=str(tmp_path.resolve()), fstype=reported, opts="rw")
    monkeypatch.setattr(psutil, "disk_partitions", lambda all=False: [*real(all=True), stick])
    found = inspect(tmp_path)
    assert (found.file_system_label, found.largest_file) == ("FAT32", FAT32_LARGEST)
    assert destination_problems(found, FAT32_LARGEST) == []
    plenty = Destination(tmp_path, 64 * 1024**3, reported, FAT32_LARGEST)
    (problem,) = destination_problems(plenty, FAT32_LARGEST + 1)
    assert problem.startswith("This USB stick is formatted as FAT32, which holds files up to 4.0 GB, and the "
                              "evidence file will be about 4.0 GB. Use a stick formatted as exFAT or NTFS")
    assert len(destination_problems(Destination(tmp_path, 1024**3, "vfat", FAT32_LARGEST), 5 * 1024**3)) == 2


def test_the_disk_of_a_folder_inside_a_mount_is_that_mounts(small_disk: Path) -> None:
    (small_disk / "deep" / "er").mkdir(parents=True)
    assert inspect(small_disk / "deep" / "er").file_system == "tmpfs"


def test_a_disk_psutil_cannot_describe_is_checked_for_space_only(tmp_path: Path, monkeypatch) -> None:
    def broken(all=False):
        raise OSError("no")
    monkeypatch.setattr("psutil.disk_partitions", broken)
    found = inspect(tmp_path)
    assert found.file_system == "" and found.largest_file is None and found.free_bytes > 0


def test_this_computers_disk_is_described(tmp_path: Path) -> None:
    found = inspect(tmp_path)  # on the Windows leg, a real Windows drive (C: in Wine)
    assert found.free_bytes > 0 and found.file_system != ""


def test_the_estimate_is_above_the_real_evidence_file(case, tmp_path: Path) -> None:
    for n in range(6):
        case.add_capture(make_png(400, 300, seed=n, noise=0.5), kind="viewport", url=f"https://example.org/{n}")
    case.add_note("A note")
    estimate = estimate_export_bytes(case)
    (tmp_path / "usb").mkdir()
    result = export(case, tmp_path / "usb")
    written = sum(p.stat().st_size for p in result.folder.iterdir())
    assert written < estimate < written + written // 2 + destination.MARGIN


def test_the_estimate_counts_the_web_archive_made_from_the_responses(case, tmp_path: Path) -> None:
    """Pages of text that hardly compresses: the responses and their WACZ, both in the bag."""
    import hashlib
    import random

    from evidence_app.web.bodies import BodyRule
    from evidence_app.web.responses import BodyRecord, PageResponses, ResponseRecord

    rng = random.Random(7)
    for n in range(12):  # past the margin, so the margin alone does not cover the WACZ
        body = rng.randbytes(1_000_000).hex().encode()  # text, and at level 1 it hardly compresses
        digest = hashlib.sha256(body).hexdigest()
        response = ResponseRecord("GET", f"https://example.org/{n}.json", 200, {}, {"Content-Type": "text/plain"},
                                  "192.0.2.1", 443, "h2", "text/plain", "XHR", len(body), 1.76e9,
                                  body=BodyRecord(BodyRule.KEEP, digest, len(body)))
        case.record_responses(PageResponses(f"https://example.org/{n}.json", (response,), {digest: body}))
    estimate = estimate_export_bytes(case)
    (tmp_path / "usb").mkdir()
    result = export(case, tmp_path / "usb")
    written = sum(p.stat().st_size for p in result.folder.iterdir())
    assert written < estimate < written + written // 2 + destination.MARGIN
