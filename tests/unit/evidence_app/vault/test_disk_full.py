"""A full disk: a clear error, nothing half-written, nothing already saved lost.

Runs on a real, tiny tmpfs mounted for the test (needs root, as in CI).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from evidence_app import StorageError
from tests.helpers.cases import PASSPHRASES, make_case, make_store
from tests.helpers.disks import small_disk as small_tmpfs
from tests.helpers.images import make_png


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 2 MiB file system (a tmpfs; needs root, as CI runs)."""
    with small_tmpfs(tmp_path / "small-disk") as mount_point:
        yield mount_point


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_gives_a_clear_error_and_loses_nothing(small_disk: Path) -> None:
    store = make_store(small_disk / "cases")
    case = make_case(store)
    kept = case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/")
    filler = _fill(small_disk)
    journal = store.root / case.id / "journal.log"
    journal_before = journal.read_bytes()
    blobs_before = sorted(p.name for p in (store.root / case.id / "blobs").iterdir())

    with pytest.raises(StorageError, match="disk is full") as caught:
        case.add_capture(make_png(400, 300, seed=2, noise=1.0), kind="page")
    assert "Nothing that was already saved was lost" in str(caught.value)
    with pytest.raises(StorageError, match="disk is full"):
        case.add_note("n" * 50_000)
    assert journal.read_bytes() == journal_before
    assert sorted(p.name for p in (store.root / case.id / "blobs").iterdir()) == blobs_before
    assert [c.id for c in case.captures()] == [kept.id]
    case.verify()

    filler.unlink()
    case.add_note("after space was freed")
    case.lock()
    reopened = store.open(case.id, PASSPHRASES)
    assert reopened.read_capture(kept.id) == make_png(seed=1)
    assert [e.data.get("text") for e in reopened.events()][-3] == "after space was freed"
    reopened.verify()
    reopened.lock()


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_full_disk_opens_read_only_says_why_and_leaks_nothing(small_disk: Path) -> None:
    store = make_store(small_disk / "cases")
    case = make_case(store)
    kept = case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/")
    case.lock()
    filler = _fill(small_disk)
    for _ in range(100):  # the journal's last page has room for a few records: use it up
        opened = store.open(case.id, PASSPHRASES)
        if opened.read_only:
            opened.lock()
            break
        try:
            opened.lock()
        except StorageError:
            pass
    journal = store.root / case.id / "journal.log"
    before = journal.read_bytes()
    baseline = _open_fds()
    for _ in range(5):
        opened = store.open(case.id, PASSPHRASES)
        assert opened.read_only and "disk is full" in opened.storage_problem
        assert opened.read_capture(kept.id) == make_png(seed=1)
        with pytest.raises(StorageError, match="disk is full"):
            opened.add_note("not saved")
        opened.lock()
    assert _open_fds() == baseline
    assert journal.read_bytes() == before
    filler.unlink()
    reopened = store.open(case.id, PASSPHRASES)
    assert not reopened.read_only and not reopened.storage_problem
    reopened.add_note("after space was freed")
    reopened.verify()
    reopened.lock()


def test_a_repair_that_finds_the_disk_full_waits_for_the_next_opening(small_disk: Path) -> None:
    import struct

    store = make_store(small_disk / "cases")
    case = make_case(store)
    kept = case.add_capture(make_png(seed=1), kind="viewport")
    case.lock()
    folder = store.root / case.id
    torn = struct.pack(">I", 500) + b"\x01" * 100
    with (folder / "journal.log").open("ab") as journal:
        journal.write(torn)
    (folder / "blobs" / ("cd" * 16 + ".blob")).write_bytes(b"EVBLOB1\nhalf")
    filler = _fill(small_disk)
    opened = store.open(case.id, PASSPHRASES)
    assert opened.read_only and opened.storage_problem
    opened.verify()  # the pending repair is not tampering
    assert (folder / "journal.log").read_bytes().endswith(torn)  # nothing cut without being set aside
    opened.lock()
    filler.unlink()
    reopened = store.open(case.id, PASSPHRASES)
    repaired = {e.data["what"] for e in reopened.events() if e.kind == "repaired"}
    assert repaired >= {"torn journal end set aside", "unacknowledged file set aside"}
    assert reopened.read_capture(kept.id) == make_png(seed=1)
    reopened.verify()
    reopened.lock()
