"""``export_case`` itself checks where it writes, before it writes anything (issue 17, item 2).

Any caller (the dialog, a script, the self-test) gets the same plain sentence: not enough room, a
FAT32 stick whose largest file is smaller than the evidence file, a stick that cannot be written.
Nothing is left on the stick and nothing is added to the case (not even the form). The sticks are
real tmpfs mounts (root, as CI runs); this kernel has no FAT driver, so FAT32 is how psutil names
the test's disk to the check, and a sparse 4 GiB file in the case folder makes the case that large.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from evidence_app import StorageError
from evidence_app.export.destination import PROBE_PREFIX, DestinationUnfit
from tests.helpers.bundles import export
from tests.helpers.disks import small_disk
from tests.helpers.images import make_png


def _nothing_written(case, before: int, stick: Path, *, keep: tuple[str, ...] = ()) -> None:
    assert len(list(case.events())) == before, "the case grew although the export was refused"
    assert sorted(p.name for p in stick.iterdir()) == sorted(keep), "something was written on the stick"


def test_a_stick_without_room_is_refused_before_the_form_is_kept(case, tmp_path: Path) -> None:
    case.add_capture(make_png(300, 200, seed=1, noise=0.9), kind="page", url="https://site.example/1")
    before = len(list(case.events()))
    with small_disk(tmp_path / "stick", size_kib=2048) as stick:
        with pytest.raises(DestinationUnfit) as refused:
            export(case, stick)
        _nothing_written(case, before, stick)
    said = str(refused.value)
    assert said.startswith(f"There is not enough space in {stick}: it has 2 MB free and the export needs about ")
    assert said.endswith("Use a larger USB stick, or delete other files from it. Nothing was written.")
    assert isinstance(refused.value, StorageError)  # callers that show storage errors show this one too


def test_a_fat32_stick_is_refused_when_the_evidence_file_would_pass_4_gb(case, usb: Path, monkeypatch) -> None:
    """Runs on the Windows leg too: ``usb`` is on the test's own disk, which psutil names FAT32 here."""
    big = Path(case.folder) / "blobs-sparse-for-this-test"
    with open(big, "wb") as handle:  # 4 GiB on paper, nothing on the disk
        handle.truncate(4 * 1024**3)
    real = psutil.disk_partitions

    def as_windows_names_a_fat32_stick(all: bool = False):
        return [SimpleNamespace(mountpoint=p.mountpoint, fstype="FAT32") for p in real(all=all)]

    monkeypatch.setattr(psutil, "disk_partitions", as_windows_names_a_fat32_stick)
    try:
        before = len(list(case.events()))
        with pytest.raises(DestinationUnfit) as refused:
            export(case, usb)
        _nothing_written(case, before, usb)
    finally:
        big.unlink()
    said = str(refused.value)
    assert said.startswith("This USB stick is formatted as FAT32, which holds files up to 4.0 GB, and the "
                           "evidence file will be about 4.")
    assert "Use a stick formatted as exFAT or NTFS" in said and said.endswith("Nothing was written.")


def test_a_read_only_stick_is_refused_in_plain_words(case, tmp_path: Path) -> None:
    before = len(list(case.events()))
    with small_disk(tmp_path / "stick", size_kib=64 * 1024, read_only=True) as stick:
        with pytest.raises(DestinationUnfit) as refused:
            export(case, stick)
        _nothing_written(case, before, stick)
    said = str(refused.value)
    assert said.startswith(f"Nothing can be written to {stick} (Read-only file system): the USB stick may be "
                           "read-only or its write-protect switch on")
    assert "Errno" not in said and said.endswith("Nothing was written.")


def test_a_stick_with_room_takes_the_bundle_and_no_check_file_is_left(case, tmp_path: Path) -> None:
    case.add_capture(make_png(300, 200, seed=2), kind="viewport", url="https://site.example/2")
    with small_disk(tmp_path / "stick", size_kib=64 * 1024) as stick:
        result = export(case, stick)
        assert [p.name for p in stick.iterdir()] == [result.folder.name]
        assert not any(p.name.startswith(PROBE_PREFIX) for p in stick.rglob("*"))


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root writes anywhere; Windows has no mode bits")
def test_a_folder_this_account_may_not_change_is_refused(case, tmp_path: Path) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o500)
    with pytest.raises(DestinationUnfit, match="Nothing can be written to .* \\(Permission denied\\)"):
        export(case, folder)
