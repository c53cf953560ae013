"""Issue 15, items 1 and 2, as the attacker does them: cut the journal's tail, un-seal a case.

Every attack uses only the public API and plain file edits (copies of the folder, ``truncate``,
``rm``, a folder planted where the app writes). Each ends in detection with a sentence naming what
happened, or, for a whole folder put back from a copy, in the documented limit: the folder alone
cannot tell, and the incident register outside it still says "sealed".
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evidence_app import CaseSealed, Kind, Status, StorageError, TamperDetected
from evidence_app.vault.state import read_state
from tests.helpers import journal_file
from tests.helpers.cases import CHEAP, PASS_A, PASSPHRASES, make_case, make_store
from tests.helpers.images import make_png
from tests.unit.evidence_app.case.test_stop_crash import run_child

COORDINATOR = "Coordinat0r's own pass!"


def _copy(folder: Path, to: Path) -> Path:
    shutil.copytree(folder, to)
    return to


def _put_back(folder: Path, copy: Path) -> None:
    shutil.rmtree(folder)
    shutil.copytree(copy, folder)


# ---------------------------------------------------------------- item 1: cut the tail


def test_a_session_killed_mid_way_then_cut_back_to_the_checkpoint_is_named_on_opening(store) -> None:
    case = make_case(store)
    case.lock()
    lines = run_child(store.root, case.id, "session", "")  # opens, three captures acknowledged, SIGKILL
    assert [line.split()[1] for line in lines if line.startswith("ACK ")] == ["C0001", "C0002", "C0003"]
    folder = store.root / case.id
    # The attacker: cut every record after the status file's checkpoint (the lock before the session).
    removed = journal_file.cut_after(folder / "journal.log", read_state(folder).checkpoint_seq)
    assert removed > 0
    with pytest.raises(TamperDetected, match=r"records were cut from its end") as caught:
        store.open(case.id, PASSPHRASES)
    assert "capture" in str(caught.value) and "journal.log" in caught.value.where
    print(caught.value)


def test_an_opening_with_the_school_key_cut_from_the_journal_is_named(store, tmp_path) -> None:
    school = store.create_school_key(COORDINATOR, kdf=CHEAP)
    case = make_case(store)
    case.lock()
    opened = store.open_with_school_key(case.id, PASS_A, school)
    opened.add_capture(make_png(seed=3), kind="viewport", url="https://example.org/")
    # The disk as a kill -9 leaves it: the case is still open in this window.
    crashed = make_store(tmp_path / "after-kill")
    _copy(store.root, crashed.root)
    opened.lock()
    folder = crashed.root / case.id
    journal_file.cut_after(folder / "journal.log", read_state(folder).checkpoint_seq)
    with pytest.raises(TamperDetected, match=r"records were cut from its end"):
        crashed.open(case.id, PASSPHRASES)


def test_cutting_only_the_last_record_is_journaled_on_opening_with_its_hash(store, tmp_path) -> None:
    case = make_case(store)
    capture = case.add_capture(make_png(seed=4), kind="viewport", url="https://example.org/a")
    crashed = make_store(tmp_path / "after-kill")
    _copy(store.root, crashed.root)  # killed here: no lock, the capture is the last record
    case.lock()
    path = crashed.root / case.id / "journal.log"
    last = len(journal_file.records(path)) - 1
    journal_file.cut_after(path, last - 1)
    # A power cut can leave exactly this (the record's checkpoint reached the disk, the record not),
    # so the case opens, and the journal says which record is gone, with its hash.
    reopened = crashed.open(case.id, PASSPHRASES)
    try:
        repairs = {e.data["what"]: e for e in reopened.events() if e.kind == Kind.REPAIRED}
        gone = repairs["checkpointed journal record missing"]
        assert "unacknowledged file set aside" in repairs  # its blob, which no record names now
        assert (gone.data["record"], gone.data["kind"]) == (last, "capture")
        assert "cut from the journal" in gone.data["reason"]
        assert capture.id not in {c.id for c in reopened.captures()}
        reopened.verify()
    finally:
        reopened.lock()


def test_verify_names_a_cut_made_while_the_case_is_open(store) -> None:
    case = make_case(store)
    case.add_capture(make_png(seed=5), kind="viewport", url="https://example.org/a")
    case.add_capture(make_png(seed=6), kind="viewport", url="https://example.org/b")
    path = store.root / case.id / "journal.log"
    journal_file.cut_after(path, len(journal_file.records(path)) - 3)
    with pytest.raises(TamperDetected, match=r"records were cut from its end"):
        case.verify()


def test_verify_names_checkpoints_put_back_from_an_earlier_copy(store) -> None:
    case = make_case(store)
    path = store.root / case.id / "journal.log"
    earlier = path.read_bytes()[:journal_file.RECORDS_START]
    case.add_capture(make_png(seed=7), kind="viewport", url="https://example.org/a")
    case.add_note("after the copy")
    whole = path.read_bytes()
    path.write_bytes(earlier + whole[journal_file.RECORDS_START:])
    with pytest.raises(TamperDetected, match="checkpoint"):
        case.verify()
    path.write_bytes(whole)
    case.verify()
    case.lock()


# ---------------------------------------------------------------- item 2: un-seal


def _sealed_after_a_copy(store, tmp_path: Path) -> tuple[str, Path, Path]:
    """A case with a capture, copied (a backup), then a new capture and the stop."""
    case = make_case(store)
    case.add_capture(make_png(seed=8), kind="viewport", url="https://example.org/before")
    case.lock()
    folder = store.root / case.id
    backup = _copy(folder, tmp_path / "backup-before-the-stop")
    opened = store.open(case.id, PASSPHRASES)
    opened.add_capture(make_png(seed=9), kind="viewport", url="https://example.org/flagged")
    opened.flag_csam("https://example.org/flagged", note="suspected imagery")
    opened.lock()
    return case.id, folder, backup


def test_unsealing_with_an_old_status_file_a_cut_journal_and_the_blob_deleted_is_caught(store, tmp_path) -> None:
    case_id, folder, backup = _sealed_after_a_copy(store, tmp_path)
    # The attacker: the old state.json back, the journal cut to the length it had, the new blob deleted.
    shutil.copy2(backup / "state.json", folder / "state.json")
    with (folder / "journal.log").open("r+b") as journal:
        journal.truncate((backup / "journal.log").stat().st_size)
    old_blobs = {p.name for p in (backup / "blobs").iterdir()}
    for blob in (folder / "blobs").iterdir():
        if blob.name not in old_blobs:
            blob.unlink()
    with pytest.raises(TamperDetected, match=r"records were cut from its end") as caught:
        store.open(case_id, PASSPHRASES)
    assert caught.value.where == "journal.log"
    print(caught.value)


def test_a_whole_folder_put_back_from_a_copy_is_the_limit_the_register_outside_it_marks(store, tmp_path) -> None:
    """The documented limit: every file of the folder from one earlier copy is a consistent earlier case.

    Nothing inside the folder can tell; the incident register beside the cases (outside the
    folder) still holds the seal, and the coordinator's view compares the two (issue 15, item 2).
    """
    school = store.create_school_key(COORDINATOR, kdf=CHEAP)
    case_id, folder, backup = _sealed_after_a_copy(store, tmp_path)
    _put_back(folder, backup)
    reopened = store.open(case_id, PASSPHRASES)
    try:
        assert reopened.status is Status.OPEN  # the folder alone cannot tell: the limit
        reopened.verify()
    finally:
        reopened.lock()
    events = [e.event for e in store.read_register(school) if e.case_id == case_id]
    assert "sealed" in events  # the mark a rollback of the folder cannot remove


# ---------------------------------------------------------------- item 2: the seal is durable before it is acknowledged


def test_a_folder_planted_at_the_status_files_temporary_name_does_not_stop_the_seal(store, case) -> None:
    planted = case.folder / "state.json.new"
    planted.mkdir()
    (planted / "inside").write_text("planted")
    case.flag_csam("https://example.org/flagged")  # no error: set aside, then the status written
    assert read_state(case.folder).status is Status.SEALED
    aside = [e for e in case.events() if e.kind == Kind.REPAIRED]
    assert aside and aside[-1].data["what"] == "unfinished status file set aside"
    assert (case.folder / aside[-1].data["file"] / "inside").read_text() == "planted"
    assert not planted.exists()
    case.verify()
    case.lock()
    reopened = store.open(case.id, PASSPHRASES)
    assert reopened.status is Status.SEALED
    reopened.lock()


def test_a_status_file_that_cannot_be_written_leaves_the_seal_durable_and_says_so(store, tmp_path) -> None:
    school = store.create_school_key(COORDINATOR, kdf=CHEAP)
    case = make_case(store)
    case.lock()
    folder = store.root / case.id
    backup = _copy(folder, tmp_path / "backup")
    case = store.open(case.id, PASSPHRASES)
    (folder / "state.json.new").mkdir()
    (folder / "recovered").write_bytes(b"")  # and nowhere to set it aside: every try fails
    with pytest.raises(StorageError) as caught:
        case.flag_csam("https://example.org/flagged")
    assert "saved in the case's journal and stays" in str(caught.value)
    assert "a folder is in the way" in str(caught.value)
    assert case.status is Status.SEALED
    with pytest.raises(CaseSealed):
        case.add_note("more")
    with pytest.raises(StorageError):
        case.lock()  # journaled and locked; the status file is still in the way
    assert read_state(folder).status is Status.OPEN  # the status file could not follow ...
    assert "sealed" in [e.event for e in store.read_register(school) if e.case_id == case.id]  # ... the register did
    # The attacker cuts the journal back to the status file's checkpoint: the seal's own checkpoint names it.
    with (folder / "journal.log").open("r+b") as journal:
        journal.truncate((backup / "journal.log").stat().st_size)
    with pytest.raises(TamperDetected, match=r"records were cut from its end"):
        store.open(case.id, PASSPHRASES)


def test_the_status_file_is_brought_up_to_date_at_the_next_opening(store) -> None:
    case = make_case(store)
    (case.folder / "state.json.new").mkdir()
    (case.folder / "recovered").write_bytes(b"")
    with pytest.raises(StorageError):
        case.flag_csam("https://example.org/flagged")
    with pytest.raises(StorageError):
        case.lock()
    assert case.locked
    (case.folder / "recovered").unlink()
    reopened = store.open(case.id, PASSPHRASES)
    try:
        assert reopened.status is Status.SEALED and not reopened.storage_problem
        assert read_state(reopened.folder).status is Status.SEALED
        assert any(e.data.get("what") == "unfinished status file set aside" for e in reopened.events())
        reopened.verify()
    finally:
        reopened.lock()


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_stray_status_file_is_set_aside_and_journaled_on_opening(store, case, kind) -> None:
    case.lock()
    stray = case.folder / "state.json.new"
    if kind == "file":
        stray.write_bytes(b'{"status": "open"}')
    else:
        stray.mkdir()
    reopened = store.open(case.id, PASSPHRASES)
    try:
        repair = [e for e in reopened.events() if e.kind == Kind.REPAIRED][-1]
        assert repair.data["what"] == "unfinished status file set aside"
        assert (reopened.folder / repair.data["file"]).exists() and not stray.exists()
        reopened.verify()
    finally:
        reopened.lock()


# ---------------------------------------------------------------- kill -9 at every step of a capture and its checkpoint


@pytest.mark.slow
def test_a_kill_at_every_call_of_a_capture_and_its_checkpoint_loses_nothing(store) -> None:
    """SIGKILL before each system call of ``add_capture`` (blob, record, mark, fdatasync), and half-way
    through each write: the case reopens twice, verifies, and every acknowledged capture is there."""
    case = make_case(store)
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/")
    case.lock()
    folder = store.root / case.id
    pristine = _copy(folder, store.root.parent / "pristine")
    rounds = 0
    for mode, op in (("kill", "*"), ("half", "write"), ("after", "*")):
        nth = 1
        while True:
            _put_back(folder, pristine)
            lines = run_child(store.root, case.id, "capture", f"{op}:{nth}:{mode}")
            calls = [int(line.split()[1]) for line in lines if line.startswith("CALLS ")]
            if calls and calls[0] < nth:
                break
            acknowledged = {line.split()[1]: line.split()[2] for line in lines if line.startswith("ACK ")}
            for _ in range(2):  # the second opening appends after whatever the first one repaired
                reopened = store.open(case.id, PASSPHRASES)
                try:
                    reopened.verify()
                    stored = {c.id: c.sha256 for c in reopened.captures()}
                    assert all(stored.get(k) == v for k, v in acknowledged.items()), (op, nth, mode, lines)
                finally:
                    reopened.lock()
            rounds += 1
            nth += 1
    print(f"capture: {rounds} kill points")
    assert rounds > 15


def _slot_bytes(path: Path, slot: int) -> tuple[int, int]:
    from evidence_app.vault.marks import SLOT_OFFSETS

    return SLOT_OFFSETS[slot], SLOT_OFFSETS[slot] + 40  # inside the sealed mark


@pytest.mark.parametrize("slot", [0, 1])
def test_a_spoilt_checkpoint_of_a_locked_case_is_tampering(store, case, slot) -> None:
    case.add_note("a note")
    case.lock()
    path = case.folder / "journal.log"
    data = bytearray(path.read_bytes())
    start, end = _slot_bytes(path, slot)
    data[start + 20] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(TamperDetected, match="checkpoint") as caught:
        store.open(case.id, PASSPHRASES)
    assert caught.value.where == "journal.log"


def test_a_spoilt_newest_checkpoint_after_a_kill_is_written_again_and_journaled(store, case, tmp_path) -> None:
    case.add_note("the last record before the kill")
    crashed = make_store(tmp_path / "after-kill")
    _copy(store.root, crashed.root)
    last = case.head
    case.lock()
    path = crashed.root / case.id / "journal.log"
    newest = (len(journal_file.records(path)) - 1) % 2
    data = bytearray(path.read_bytes())
    data[_slot_bytes(path, newest)[0] + 20] ^= 0x01  # as a write torn by the crash would leave it
    path.write_bytes(bytes(data))
    reopened = crashed.open(case.id, PASSPHRASES)
    try:
        repair = [e for e in reopened.events() if e.kind == Kind.REPAIRED][-1]
        assert repair.data["what"] == "spoilt journal checkpoint written again"
        assert [e.hash for e in reopened.events()][repair.data["record"]] == last
        reopened.verify()
    finally:
        reopened.lock()
    again = crashed.open(case.id, PASSPHRASES)  # written again: the next opening finds nothing to repair
    again.lock()


def test_an_old_journal_put_back_under_the_sealed_status_file_is_caught(store, tmp_path) -> None:
    case_id, folder, backup = _sealed_after_a_copy(store, tmp_path)
    shutil.copy2(backup / "journal.log", folder / "journal.log")  # the status file still says sealed
    with pytest.raises(TamperDetected, match="records were removed"):
        store.open(case_id, PASSPHRASES)


def test_an_old_status_file_alone_does_not_unseal(store, tmp_path) -> None:
    case_id, folder, backup = _sealed_after_a_copy(store, tmp_path)
    shutil.copy2(backup / "state.json", folder / "state.json")
    reopened = store.open(case_id, PASSPHRASES)
    try:
        assert reopened.status is Status.SEALED  # the journal is the authority
        assert read_state(folder).status is Status.SEALED  # and the status file is put right at once
        with pytest.raises(CaseSealed):
            reopened.add_capture(make_png(seed=10), kind="viewport", url="https://example.org/")
    finally:
        reopened.lock()
