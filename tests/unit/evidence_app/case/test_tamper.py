"""Tamper evidence: any change to any file of a case is caught, and named."""

from __future__ import annotations

import random
import shutil
import struct
from pathlib import Path

import pytest

from evidence_app import Kind, Status, TamperDetected
from evidence_app.vault.marks import RECORDS_START
from tests.helpers.cases import PASSPHRASES, make_case, make_store
from tests.helpers.images import make_png


def _filled_case(store):
    case = make_case(store)
    case.record_visit("https://example.org/", "Example")
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/", note="first")
    case.add_page_snapshot("<html>page</html>", url="https://example.org/")
    case.add_capture(make_png(seed=2), kind="page", url="https://example.org/b")
    case.add_note("a note")
    case.lock()
    return case


def _open_and_verify(store, case_id: str) -> None:
    opened = store.open(case_id, PASSPHRASES)
    try:
        opened.verify()
    finally:
        opened.lock()


def _expected_where(relative: str) -> str:
    if relative == "journal.log":
        return "journal"
    return relative


def test_a_single_flipped_byte_anywhere_is_detected(store) -> None:
    case = _filled_case(store)
    folder = store.root / case.id
    pristine = store.root.parent / "pristine"
    shutil.copytree(folder, pristine)
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.stat().st_size > 0]
    assert {p.name for p in files} >= {"case.header", "journal.log", "state.json"}
    rng = random.Random(20261123)
    checked = 0
    for path in files:
        relative = path.relative_to(folder).as_posix()  # the core names files with '/' everywhere
        original = path.read_bytes()
        positions = sorted({0, len(original) - 1, *rng.sample(range(len(original)), min(48, len(original)))})
        for position in positions:
            for mask in (0x01, 0x80):
                damaged = bytearray(original)
                damaged[position] ^= mask
                path.write_bytes(bytes(damaged))
                with pytest.raises(TamperDetected) as caught:
                    _open_and_verify(store, case.id)
                assert _expected_where(relative) in caught.value.where, (relative, position, caught.value)
                shutil.rmtree(folder)
                shutil.copytree(pristine, folder)
                checked += 1
    assert checked > 300
    _open_and_verify(store, case.id)


def _records(journal: bytes) -> list[bytes]:
    offset, records = RECORDS_START, []
    while offset < len(journal):
        (size,) = struct.unpack_from(">I", journal, offset)
        records.append(journal[offset: offset + 4 + size])
        offset += 4 + size
    return records


def test_removing_swapping_or_replaying_records_is_detected(store) -> None:
    case = _filled_case(store)
    path = store.root / case.id / "journal.log"
    original = path.read_bytes()
    records = _records(original)
    header = original[:RECORDS_START]  # the magic and the checkpoints
    variants = {
        "last record removed": header + b"".join(records[:-1]),
        "middle record removed": header + b"".join(records[:2] + records[3:]),
        "two records swapped": header + b"".join([records[0], records[2], records[1], *records[3:]]),
        "a record repeated": header + b"".join(records[:3] + [records[2]] + records[3:]),
        "emptied": header,
    }
    for name, content in variants.items():
        path.write_bytes(content)
        with pytest.raises(TamperDetected):
            _open_and_verify(store, case.id)
        path.write_bytes(original)
    _open_and_verify(store, case.id)


def test_records_from_another_case_do_not_fit(store) -> None:
    first, second = _filled_case(store), _filled_case(store)
    theirs = _records((store.root / second.id / "journal.log").read_bytes())
    mine_path = store.root / first.id / "journal.log"
    mine = _records(mine_path.read_bytes())
    mine_path.write_bytes(mine_path.read_bytes()[:RECORDS_START] + b"".join(mine[:3] + [theirs[3]] + mine[4:]))
    with pytest.raises(TamperDetected, match="journal record 3"):
        _open_and_verify(store, first.id)


def test_another_cases_header_is_caught(store) -> None:
    first, second = _filled_case(store), _filled_case(store)
    shutil.copy(store.root / second.id / "case.header", store.root / first.id / "case.header")
    with pytest.raises(TamperDetected) as caught:
        _open_and_verify(store, first.id)
    assert caught.value.where == "case.header" and second.id in str(caught.value)


def test_a_missing_blob_is_named(store) -> None:
    case = _filled_case(store)
    blob = sorted((store.root / case.id / "blobs").iterdir())[-1]
    blob.unlink()
    with pytest.raises(TamperDetected) as caught:
        _open_and_verify(store, case.id)
    assert blob.name in caught.value.where


def test_an_added_file_is_set_aside_and_journaled(store) -> None:
    case = _filled_case(store)
    intruder = store.root / case.id / "blobs" / ("ab" * 16 + ".blob")
    intruder.write_bytes(b"EVBLOB1\n" + b"\x00" * 64)
    opened = store.open(case.id, PASSPHRASES)
    repaired = [e for e in opened.events() if e.kind == Kind.REPAIRED]
    assert repaired and repaired[-1].data["file"] == f"recovered/{intruder.name}"
    assert not intruder.exists()
    assert (store.root / case.id / "recovered" / intruder.name).read_bytes() == b"EVBLOB1\n" + b"\x00" * 64
    opened.verify()
    opened.lock()


def test_rolling_the_status_back_does_not_unseal(store) -> None:
    case = make_case(store)
    case.lock()
    state_path = store.root / case.id / "state.json"
    open_state = state_path.read_bytes()
    reopened = store.open(case.id, PASSPHRASES)
    reopened.flag_csam("https://example.invalid/")
    reopened.lock()
    state_path.write_bytes(open_state)
    again = store.open(case.id, PASSPHRASES)
    assert again.status is Status.SEALED
    again.lock()


def test_a_forged_status_is_caught(store) -> None:
    case = make_case(store)
    case.flag_csam("https://example.invalid/")
    case.lock()
    state_path = store.root / case.id / "state.json"
    state_path.write_text(state_path.read_text().replace('"sealed"', '"open"'))
    assert store.list()[0].status is Status.OPEN  # what the file claims, for listing only
    with pytest.raises(TamperDetected, match="state.json"):
        store.open(case.id, PASSPHRASES)


def test_a_damaged_header_shows_as_damage_not_as_a_wrong_passphrase(store) -> None:
    case = make_case(store)
    case.lock()
    header = store.root / case.id / "case.header"
    header.write_text(header.read_text().replace('"created": "2', '"created": "1'))
    with pytest.raises(TamperDetected, match="case.header"):
        store.open(case.id, PASSPHRASES)
    assert store.list()[0].status is Status.UNREADABLE


def test_a_torn_last_record_after_the_checkpoint_is_set_aside_and_reported(store, tmp_path) -> None:
    case = make_case(store)
    case.add_note("kept before the checkpoint")
    case.lock()
    opened = store.open(case.id, PASSPHRASES)
    opened.add_note("written after the checkpoint")
    # The disk as a power cut would leave it: copied while the case is still open.
    crashed = make_store(tmp_path / "after-power-cut")
    shutil.copytree(store.root, crashed.root)
    opened.lock()
    path = crashed.root / case.id / "journal.log"
    whole = path.read_bytes()
    last = _records(whole)[-1]
    pristine = crashed.root.parent / "pristine"
    shutil.copytree(crashed.root / case.id, pristine)
    for cut in (1, 3, 4, 20, len(last) - 1):
        path.write_bytes(whole[: len(whole) - len(last) + cut])
        recovered = crashed.open(case.id, PASSPHRASES)
        kinds = [e.kind for e in recovered.events()]
        repairs = [e for e in recovered.events() if e.kind == Kind.REPAIRED]
        repair = next(e for e in repairs if "bytes" in e.data)
        # The record's checkpoint reached the disk with it: the opening also names the record that is gone.
        assert repairs[-1].data["what"] == "checkpointed journal record missing"
        assert repairs[-1].data["kind"] == "note" and "lost power" in repairs[-1].data["reason"]
        assert repair.data["bytes"] == cut
        assert (crashed.root / case.id / repair.data["file"]).read_bytes() == last[:cut]
        assert "written after the checkpoint" not in [e.data.get("text") for e in recovered.events()]
        assert kinds[-2:] == [Kind.REPAIRED, Kind.OPENED]
        recovered.verify()
        recovered.lock()
        shutil.rmtree(crashed.root / case.id)
        shutil.copytree(pristine, crashed.root / case.id)


def test_a_journal_cut_inside_the_checkpoint_is_tampering(store) -> None:
    case = make_case(store)
    case.add_note("one")
    case.add_note("two")
    case.lock()
    path = store.root / case.id / "journal.log"
    whole = path.read_bytes()
    path.write_bytes(whole[:-10])
    with pytest.raises(TamperDetected):
        store.open(case.id, PASSPHRASES)


def test_unreadable_case_folders_still_list(store) -> None:
    case = make_case(store)
    case.lock()
    (store.root / case.id / "case.header").write_bytes(b"garbage")
    (store.root / case.id / "state.json").unlink()
    listed = store.list()
    assert listed[0].id == case.id and listed[0].status is Status.UNREADABLE


def test_verify_names_the_first_bad_file_in_an_open_case(case, store) -> None:
    capture = case.add_capture(make_png(seed=9), kind="viewport")
    blob_id = [e for e in case.events() if e.kind == Kind.CAPTURE][0].data["blob"]
    blob_file = Path(store.root / case.id / "blobs" / f"{blob_id}.blob")
    data = bytearray(blob_file.read_bytes())
    data[-1] ^= 0xFF
    blob_file.write_bytes(bytes(data))
    with pytest.raises(TamperDetected) as caught:
        case.verify()
    assert caught.value.where == f"blobs/{blob_file.name}"
    with pytest.raises(TamperDetected):
        case.read_capture(capture.id)
