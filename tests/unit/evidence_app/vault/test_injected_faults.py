"""Injected disk faults and hand-built power-loss states: the vault reopens, or says why in plain words.

* EIO and ENOSPC on the k-th system call of a capture, alone and two in a row
  (the fdatasync and the truncate that should undo the refused record): the
  capture is refused with a :class:`StorageError`, the next one is acknowledged,
  ``verify`` passes in the same session and the case reopens with both.
* SIGKILL at every system call of the repair made when a case opens: every file
  set aside is named by a REPAIRED record, at the latest after the next opening.
* A journal whose end reads as zeros (its length reached the disk, its bytes did
  not): set aside, journaled, opened.
"""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import pytest

from evidence_app import Kind, StorageError, TamperDetected
from evidence_app.vault.marks import RECORDS_START
from tests.helpers.cases import PASSPHRASES, make_case
from tests.helpers.images import make_png
from tests.unit.evidence_app.case.test_stop_crash import fault_reached, run_child


def _acks(lines: list[str]) -> dict[str, str]:
    return {line.split()[1]: line.split()[2] for line in lines if line.startswith("ACK ")}


def _reopen_and_check(store, case_id: str, acknowledged: dict[str, str]) -> list:
    case = store.open(case_id, PASSPHRASES)
    try:
        case.verify()
        stored = {c.id: c.sha256 for c in case.captures()}
        for capture_id, digest in acknowledged.items():
            assert stored.get(capture_id) == digest, f"acknowledged {capture_id} is gone"
        return list(case.events())
    finally:
        case.lock()


def _prepared(store) -> tuple[str, Path, Path]:
    case = make_case(store)
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/")
    case.lock()
    folder = store.root / case.id
    pristine = store.root.parent / "pristine"
    shutil.copytree(folder, pristine)
    return case.id, folder, pristine


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["eio", "enospc"])
def test_one_or_two_failed_calls_in_a_capture_lose_nothing_and_leave_a_case_that_opens(store, mode) -> None:
    case_id, folder, pristine = _prepared(store)
    rounds = refused = 0
    for width in (1, 2):
        nth = 1
        while True:
            shutil.rmtree(folder)
            shutil.copytree(pristine, folder)
            faults = ",".join(f"*:{nth + i}:{mode}" for i in range(width))
            lines = run_child(store.root, case_id, "capture", faults)
            if not fault_reached(lines, nth):
                break
            assert "DONE" in lines, lines
            assert any(line.startswith(("ACK C0002", "REFUSED StorageError")) for line in lines), lines
            assert "ACK" in lines[-5] or any(line.startswith("ACK C0003") or line.startswith("ACK C0002")
                                             for line in lines)
            assert "VERIFY ok" in lines, (faults, lines)
            refused += any(line.startswith("REFUSED") for line in lines)
            events = _reopen_and_check(store, case_id, _acks(lines))
            assert len([e for e in events if e.kind == Kind.CAPTURE]) >= 2
            rounds += 1
            nth += 1
    print(f"{mode}: {rounds} rounds, {refused} captures refused")
    assert refused >= 4


@pytest.mark.skipif(not hasattr(os, "fdatasync"), reason="no fdatasync here (Windows): the durable layer uses fsync")
def test_a_failed_fdatasync_then_a_failed_truncate_never_reuse_a_record_number(store) -> None:
    case_id, folder, _ = _prepared(store)
    # The blob's fdatasync is the 1st, the journal record's the 2nd; then the cleanup's truncate.
    lines = run_child(store.root, case_id, "capture", "fdatasync:2:eio,ftruncate:1:eio")
    assert "REFUSED StorageError" in lines and "VERIFY ok" in lines, lines
    assert [line.split()[1] for line in lines if line.startswith("ACK ")] == ["C0002"]
    events = _reopen_and_check(store, case_id, _acks(lines))
    assert [e.seq for e in events] == list(range(len(events)))


def _set_aside_named(store, case_id: str) -> None:
    """Every file set aside (recovered/, journal.torn-*) is named by a REPAIRED record."""
    case = store.open(case_id, PASSPHRASES)
    try:
        case.verify()
        named = {e.data["file"] for e in case.events() if e.kind == Kind.REPAIRED}
    finally:
        case.lock()
    folder = store.root / case_id
    found = {p.name for p in folder.glob("journal.torn-*")}
    found |= {f"recovered/{p.name}" for p in (folder / "recovered").glob("*")}
    assert found and found <= named, (found, named)


def _damage_for_repair(folder: Path) -> None:
    (folder / "blobs" / ("ab" * 16 + ".blob")).write_bytes(b"EVBLOB1\nhalf-written")
    with (folder / "journal.log").open("ab") as journal:
        journal.write(struct.pack(">I", 200) + os.urandom(60))


@pytest.mark.slow
def test_a_kill_at_any_instant_of_the_repair_at_opening_is_journaled_later(store) -> None:
    case_id, folder, pristine = _prepared(store)
    _damage_for_repair(pristine)
    rounds = 0
    for mode, op in (("kill", "*"), ("after", "*")):
        nth = 1
        while True:
            shutil.rmtree(folder)
            shutil.copytree(pristine, folder)
            lines = run_child(store.root, case_id, "open", f"{op}:{nth}:{mode}")
            if not fault_reached(lines, nth):
                break
            _set_aside_named(store, case_id)
            rounds += 1
            nth += 1
    print(f"repair: {rounds} kill points")
    assert rounds > 10


def test_verify_catches_a_set_aside_file_no_repair_names(store, case) -> None:
    case.verify()
    (store.root / case.id / "journal.torn-20260101T000000000Z").write_bytes(b"x")
    with pytest.raises(TamperDetected, match="no repair record"):
        case.verify()


def _power_cut_copy(store, tmp_path: Path) -> tuple[str, Path, int]:
    """A case copied while open (records after its checkpoint), as a power cut would leave it."""
    case = make_case(store)
    kept = case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    case.add_capture(make_png(seed=2), kind="viewport", url="https://example.org/b")
    journal = (store.root / case.id / "journal.log").read_bytes()
    snapshot = tmp_path / "snapshot"
    shutil.copytree(store.root / case.id, snapshot)
    case.lock()
    shutil.rmtree(store.root / case.id)
    shutil.copytree(snapshot, store.root / case.id)
    offset, last = RECORDS_START, RECORDS_START
    while offset < len(journal):
        last = offset
        offset += 4 + struct.unpack_from(">I", journal, offset)[0]
    assert kept.id == "C0001"
    return case.id, store.root / case.id / "journal.log", last


@pytest.mark.parametrize("zeros", [1, 4, 5, 8, 100, 4096, 70_000])
def test_a_zero_filled_journal_end_is_set_aside_and_journaled(store, tmp_path, zeros) -> None:
    case_id, journal, _ = _power_cut_copy(store, tmp_path)
    with journal.open("ab") as handle:
        handle.write(b"\0" * zeros)
    events = _reopen_and_check(store, case_id, {})
    repaired = [e for e in events if e.kind == Kind.REPAIRED]
    assert repaired and repaired[0].data["bytes"] == zeros
    assert {c for c in (e.data.get("id") for e in events if e.kind == Kind.CAPTURE)} == {"C0001", "C0002"}


@pytest.mark.parametrize("cut", [0, 1, 4, 20, 60])
def test_a_last_record_partly_zeroed_with_zeros_after_it_is_a_torn_tail(store, tmp_path, cut) -> None:
    case_id, journal, last = _power_cut_copy(store, tmp_path)
    raw = bytearray(journal.read_bytes())
    for i in range(last + cut, len(raw)):
        raw[i] = 0
    journal.write_bytes(bytes(raw) + b"\0" * 4096)
    events = _reopen_and_check(store, case_id, {})
    assert [e.data.get("id") for e in events if e.kind == Kind.CAPTURE] == ["C0001"]
    assert any(e.kind == Kind.REPAIRED for e in events)


def test_zeros_inside_the_checkpoint_are_still_tampering(store) -> None:
    case = make_case(store)
    case.add_capture(make_png(seed=1), kind="viewport")
    case.lock()
    journal = store.root / case.id / "journal.log"
    raw = journal.read_bytes()
    journal.write_bytes(raw[:-30] + b"\0" * 30)
    with pytest.raises(TamperDetected):
        store.open(case.id, PASSPHRASES)


def test_a_flipped_byte_before_a_zero_filled_end_is_still_tampering(store, tmp_path) -> None:
    case_id, journal, last = _power_cut_copy(store, tmp_path)
    raw = bytearray(journal.read_bytes())
    raw[last - 10] ^= 0x01  # inside the record before the last (after the checkpoint, not at the end)
    journal.write_bytes(bytes(raw) + b"\0" * 64)
    with pytest.raises(TamperDetected):
        store.open(case_id, PASSPHRASES)


def test_a_refused_capture_does_not_make_verify_report_tampering(store, case, monkeypatch) -> None:
    from evidence_app.vault import durable

    case.add_capture(make_png(seed=1), kind="viewport")
    calls = {"n": 0}
    real = durable._sync

    def failing(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the journal record's, after the blob's
            raise OSError(5, "Input/output error")
        real(fd)

    monkeypatch.setattr(durable, "_sync", failing)
    with pytest.raises(StorageError):
        case.add_capture(make_png(seed=2), kind="viewport")
    monkeypatch.setattr(durable, "_sync", real)
    case.verify()
    assert len(list((store.root / case.id / "blobs").iterdir())) == 2  # the key and the first capture


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["open", "stop"])
def test_an_io_error_at_any_call_of_an_opening_or_a_stop_is_a_plain_error_and_loses_nothing(store, scenario) -> None:
    case_id, folder, pristine = _prepared(store)
    if scenario == "open":
        _damage_for_repair(pristine)
    rounds = refused = 0
    nth = 1
    while True:
        shutil.rmtree(folder)
        shutil.copytree(pristine, folder)
        lines = run_child(store.root, case_id, scenario, f"*:{nth}:eio")  # a traceback fails run_child
        if not fault_reached(lines, nth):
            break
        assert "DONE" in lines, lines
        refused += any(line.startswith(("REFUSED", "LOCK-REFUSED")) for line in lines)
        case = store.open(case_id, PASSPHRASES)
        try:
            case.verify()
            if "RETURNED" in lines:
                assert case.status.value == "sealed"
        finally:
            case.lock()
        if scenario == "open":
            _set_aside_named(store, case_id)
        rounds += 1
        nth += 1
    print(f"{scenario}: EIO at each of {rounds} calls, {refused} refusals")
    assert rounds > 5
