"""Renames while another program holds a file open: retried briefly, then a plain sentence.

On Windows an antivirus scanner, a backup tool or a second window opening a file (without
FILE_SHARE_DELETE, as Python's ``open`` does) makes ``os.replace`` fail until it lets go. The
Windows leg (scripts/test-windows) runs these with real open handles; the retry loop itself is
also driven on Linux through ``os.replace`` failing as Windows makes it fail.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence_app import StorageError
from evidence_app.vault import durable
from evidence_app.vault.durable import rename, replace_file

windows_only = pytest.mark.skipif(os.name != "nt", reason="POSIX lets a file be replaced or moved while open")


def _hold_open(path: Path, seconds: float) -> threading.Thread:
    handle = open(path, "rb")  # noqa: SIM115 - held by the thread, as another program would
    thread = threading.Thread(target=lambda: (time.sleep(seconds), handle.close()))
    thread.start()
    return thread


def test_a_file_held_open_briefly_is_replaced_once_it_is_let_go(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(b"old")
    holder = _hold_open(path, 0.5)
    replace_file(path, b"new", "the case status")
    holder.join()
    assert path.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


@windows_only
def test_a_file_held_open_for_good_gives_a_sentence_and_keeps_the_old_contents(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(durable, "RENAME_RETRY_SECONDS", 0.5)
    path = tmp_path / "state.json"
    path.write_bytes(b"old")
    with open(path, "rb"):
        started = time.monotonic()
        with pytest.raises(StorageError, match="another program has one of its files open") as caught:
            replace_file(path, b"new", "the case status")
        assert time.monotonic() - started >= 0.5  # it waited before giving up
    assert "Could not save the case status" in str(caught.value)
    assert path.read_bytes() == b"old"


@windows_only
def test_a_folder_whose_file_is_held_open_briefly_is_renamed_once_it_is_let_go(tmp_path: Path) -> None:
    folder = tmp_path / "EV-partial"
    folder.mkdir()
    (folder / "evidence.age").write_bytes(b"x" * 1000)
    holder = _hold_open(folder / "evidence.age", 0.5)
    rename(folder, tmp_path / "EV-final", "the export")
    holder.join()
    assert (tmp_path / "EV-final" / "evidence.age").read_bytes() == b"x" * 1000


def _failing_replace(failures: int, errno_: int = errno.EACCES, winerror: int | None = 5):
    real, calls = os.replace, []

    def replace(source, target):
        calls.append(source)
        if len(calls) <= failures:
            exc = PermissionError(errno_, "Access is denied") if errno_ == errno.EACCES else OSError(errno_, "no")
            if winerror is not None:
                exc.winerror = winerror  # type: ignore[attr-defined]  # as Windows sets it
            raise exc
        real(source, target)
    return replace, calls


def test_the_rename_is_retried_until_the_other_program_lets_go(tmp_path: Path, monkeypatch) -> None:
    replace, calls = _failing_replace(3)
    monkeypatch.setattr(durable.os, "replace", replace)
    path = tmp_path / "settings.json"
    path.write_bytes(b"old")
    replace_file(path, b"new", "the settings")
    assert path.read_bytes() == b"new" and len(calls) == 4


def test_a_rename_that_keeps_failing_says_what_may_be_happening(tmp_path: Path, monkeypatch) -> None:
    replace, calls = _failing_replace(10**6)
    monkeypatch.setattr(durable.os, "replace", replace)
    monkeypatch.setattr(durable, "RENAME_RETRY_SECONDS", 0.3)
    path = tmp_path / "settings.json"
    path.write_bytes(b"old")
    with pytest.raises(StorageError) as caught:
        replace_file(path, b"new", "the settings")
    text = str(caught.value)
    assert "this account may not write to the folder, or another program has one of its files open" in text
    assert "antivirus" in text and len(calls) > 3
    assert path.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


def test_a_sharing_violation_is_named_as_another_program(tmp_path: Path, monkeypatch) -> None:
    replace, _ = _failing_replace(10**6, winerror=32)
    monkeypatch.setattr(durable.os, "replace", replace)
    (tmp_path / "a").write_bytes(b"a")
    with pytest.raises(StorageError, match=r"^Could not save the export: another program has one of its files open"):
        rename(tmp_path / "a", tmp_path / "b", "the export", seconds=0.1)


def test_other_failures_are_not_retried(tmp_path: Path, monkeypatch) -> None:
    replace, calls = _failing_replace(10**6, errno_=errno.ENOSPC, winerror=None)
    monkeypatch.setattr(durable.os, "replace", replace)
    (tmp_path / "a").write_bytes(b"a")
    with pytest.raises(StorageError, match="the disk is full"):
        rename(tmp_path / "a", tmp_path / "b", "the export")
    assert len(calls) == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(failures=st.integers(min_value=0, max_value=12) | st.just(10**6), winerror=st.sampled_from([5, 32, 33]),
       old=st.binary(max_size=64), new=st.binary(max_size=64))
def test_whatever_the_other_program_does_the_file_is_old_or_new_and_nothing_is_left(
        tmp_path_factory, monkeypatch, failures, winerror, old, new) -> None:
    folder = tmp_path_factory.mktemp("held")
    path = folder / "state.json"
    path.write_bytes(old)
    replace, _ = _failing_replace(failures, winerror=winerror)
    with monkeypatch.context() as patch:
        patch.setattr(durable.os, "replace", replace)
        patch.setattr(durable, "RENAME_RETRY_SECONDS", 0.15)
        patch.setattr(durable.time, "sleep", lambda seconds: None)  # the other program lets go at once
        try:
            replace_file(path, new, "the case status")
            assert path.read_bytes() == new
        except StorageError as exc:
            assert "another program has one of its files open" in str(exc)
            assert path.read_bytes() == old
    assert [p.name for p in folder.iterdir()] == ["state.json"]


@pytest.mark.skipif(os.name != "posix", reason="only POSIX syncs a folder")
def test_a_new_file_returns_only_once_its_folder_entry_is_synced_too(tmp_path: Path, monkeypatch) -> None:
    """The folder's sync runs beside the bytes' sync, but a new file is never acknowledged before it ends."""
    real = durable.fsync_dir
    events: list[str] = []

    def slow_folder_sync(folder: Path) -> None:
        events.append(f"folder sync begun on {threading.current_thread().name}")
        time.sleep(0.3)
        real(folder)
        events.append("folder synced")

    monkeypatch.setattr(durable, "fsync_dir", slow_folder_sync)
    durable.write_new_file(tmp_path / "new.bin", b"evidence", "the test file")
    events.append("returned")
    assert events[-2:] == ["folder synced", "returned"]
    assert "alongside" in events[0]  # begun beside the bytes' sync, not after it
    assert (tmp_path / "new.bin").read_bytes() == b"evidence"


@pytest.mark.skipif(os.name != "posix", reason="only POSIX syncs a folder")
def test_a_folder_sync_that_fails_is_a_sentence_not_an_acknowledged_file(tmp_path: Path, monkeypatch) -> None:
    def failing_folder_sync(folder: Path) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(durable, "fsync_dir", failing_folder_sync)
    with pytest.raises(StorageError, match="Could not save the test file: the disk reported an input/output error"):
        durable.write_new_file(tmp_path / "new.bin", b"evidence", "the test file")
