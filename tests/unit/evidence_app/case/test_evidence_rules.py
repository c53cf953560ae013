"""Rules a court relies on, each attacked so that the test fails when the rule is broken.

Each test here kills a mutant in ``scripts/mutants.toml`` that the rest of the suite let through:
the attack is made the way a person with the disk (or a crash) would make it, and the test
observes the effect (a refusal naming the part, the order of system calls, the files written),
not only a result.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import sys
from pathlib import Path

import pytest

from evidence_app import Kind, TamperDetected
from evidence_app.vault import crypto
from evidence_app.vault.header import FILE_NAME as HEADER_FILE
from evidence_app.vault.journal import Journal
from tests.helpers.cases import PASSPHRASES
from tests.helpers import journal_file
from tests.helpers.images import make_png
from tests.helpers.writes import files_written

_LENGTH = struct.Struct(">I")


def _records(path: Path) -> list[bytes]:
    """The journal's records as stored: each the length prefix and the sealed bytes."""
    return journal_file.records(path)


def _write_records(path: Path, records: list[bytes]) -> None:
    """The journal with these records, behind its own header pages (its checkpoints)."""
    path.write_bytes(journal_file.split(path.read_bytes())[0] + b"".join(records))


# ---------------------------------------------------------------- blobs are re-checked against the journal


def test_a_capture_replaced_by_a_validly_encrypted_other_picture_is_refused(store, case) -> None:
    """Someone with the key (e.g. a bug, or a later version) rewrites a blob: the journal's hash catches it."""
    genuine = case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/")
    blob_id = next(e for e in case.events() if e.kind == Kind.CAPTURE).data["blob"]
    path = case.folder / "blobs" / f"{blob_id}.blob"
    blobs = case._blobs  # the vault's own writer, so the file decrypts: only the hash can tell
    path.unlink()
    _reseal(blobs, blob_id, make_png(seed=2))
    with pytest.raises(TamperDetected) as caught:
        case.read_capture(genuine.id)
    assert "no longer matches the hash" in str(caught.value)
    with pytest.raises(TamperDetected) as caught:
        case.verify()
    assert blob_id in str(caught.value)


def _reseal(blobs, blob_id: str, data: bytes) -> None:
    from evidence_app.vault.blobs import MAGIC as BLOB_MAGIC
    from evidence_app.vault.durable import write_new_file

    nonce, sealed = crypto.seal_parts(blobs._key, data, blobs._associated(blob_id))
    write_new_file(blobs.path_of(blob_id), BLOB_MAGIC, "test", nonce, sealed)


# ---------------------------------------------------------------- durable before acknowledged


def test_a_capture_is_fsynced_file_folder_and_journal_before_it_is_returned(store, case, monkeypatch) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("needs Linux's /proc to name the files being synced")
    synced: list[str] = []
    real_fsync, real_fdatasync = os.fsync, getattr(os, "fdatasync", os.fsync)

    def name_of(fd: int) -> str:
        return os.readlink(f"/proc/self/fd/{fd}")

    def fsync(fd: int) -> None:
        synced.append(name_of(fd))
        real_fsync(fd)

    def fdatasync(fd: int) -> None:
        synced.append(name_of(fd))
        real_fdatasync(fd)

    from evidence_app.vault import durable

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "fdatasync", fdatasync, raising=False)
    monkeypatch.setattr(durable, "_sync", fdatasync if hasattr(os, "fdatasync") else fsync)
    capture = case.add_capture(make_png(), kind="viewport", url="https://example.org/")
    blob_id = next(e for e in case.events() if e.kind == Kind.CAPTURE and e.data["id"] == capture.id).data["blob"]
    blob_path = str(case.folder / "blobs" / f"{blob_id}.blob")
    journal_path = str(case.folder / "journal.log")
    assert blob_path in synced, synced
    assert str(case.folder / "blobs") in synced, "the blob's folder entry was not made durable"
    assert journal_path in synced, synced
    assert synced.index(blob_path) < len(synced) - 1 - synced[::-1].index(journal_path), \
        "the journal record was synced before the picture it names"


# ---------------------------------------------------------------- the journal's associated data


def test_a_record_moved_to_another_position_does_not_even_decrypt(store, case) -> None:
    for text in ("first", "second", "third"):
        case.add_note(text)
    case.lock()
    path = case.folder / "journal.log"
    records = _records(path)
    records[-2] = records[-3]  # the second note's record again, one place later (where the third was)
    _write_records(path, records)
    with pytest.raises(TamperDetected) as caught:
        store.open(case.id, PASSPHRASES)
    assert "does not decrypt" in str(caught.value)


def test_the_journal_is_bound_to_its_case_id(store, case) -> None:
    case.add_note("bound to this case")
    journal_key = case._keys.journal
    case.lock()
    path = case.folder / "journal.log"
    assert Journal(path, journal_key, case.id).load().events  # the genuine id reads
    with pytest.raises(TamperDetected) as caught:
        Journal(path, journal_key, "EV-20260101-ABCDEF").load()
    assert "does not decrypt" in str(caught.value)


# ---------------------------------------------------------------- each record holds the hash of the one before


def test_a_record_spliced_in_from_a_copy_of_the_case_is_found(store, case, tmp_path) -> None:
    """A copy of the case took a different note at the same place; its record decrypts here too."""
    case.add_note("shared history")
    case.lock()
    copy_root = tmp_path / "copy"
    shutil.copytree(store.root, copy_root)
    from tests.helpers.cases import make_store

    copy_store = make_store(copy_root)
    other = copy_store.open(case.id, PASSPHRASES)
    other.add_note("the copy's note: the pupil was not involved")
    other.lock()
    mine = store.open(case.id, PASSPHRASES)
    mine.add_note("the genuine note: the pupil was involved")
    mine.add_note("a later note")
    mine.lock()
    genuine, copied = _records(case.folder / "journal.log"), _records(copy_root / case.id / "journal.log")
    position = len(_records(copy_root / case.id / "journal.log")) - 2  # the copy's note, before its LOCKED
    genuine[position] = copied[position]
    _write_records(case.folder / "journal.log", genuine)
    with pytest.raises(TamperDetected) as caught:
        store.open(case.id, PASSPHRASES)
    assert "hash of the record before it" in str(caught.value)


# ---------------------------------------------------------------- the header's MAC, not only its checksum


def test_a_header_field_changed_with_its_checksum_recomputed_is_found_by_the_mac(store, case) -> None:
    case.lock()
    path = case.folder / HEADER_FILE
    body = json.loads(path.read_bytes())
    body.pop("checksum")
    body["created"] = "2020-01-01T00:00:00.000Z"  # back-date the case
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii")
    body["checksum"] = crypto.sha256_hex(canonical)
    path.write_bytes(json.dumps(body, sort_keys=True, indent=1).encode("ascii") + b"\n")
    with pytest.raises(TamperDetected) as caught:
        store.open(case.id, PASSPHRASES)
    assert "a field was changed" in str(caught.value)


# ---------------------------------------------------------------- no plaintext file, even for a moment


def test_no_file_outside_the_vault_is_opened_for_writing_while_a_capture_is_stored(store, case) -> None:
    """Python's audit hook sees every open: a plaintext temporary file unlinked at once is still seen."""
    with files_written() as written:
        case.add_capture(make_png(seed=7), kind="viewport", url="https://example.org/page")
        case.add_note("what the page showed")
        case.lock()
    folder = case.folder.absolute()
    allowed = (folder / "blobs", folder / "journal.log", folder / "state.json", folder / "state.json.new",
               folder / ".lock")
    strays = [p for p in written if not any(p == a or a in p.parents for a in allowed)]
    assert written, "the audit hook saw no write at all"
    assert strays == []


# ---------------------------------------------------------------- crash leftovers are set aside, never deleted


def test_a_blob_without_its_journal_record_is_moved_to_recovered_and_journaled(store, case) -> None:
    case.add_capture(make_png(seed=3), kind="viewport", url="https://example.org/")
    case.lock()
    orphan = case.folder / "blobs" / ("ab" * 16 + ".blob")
    orphan.write_bytes(b"EVBLOB1\n left by a crash before its record")
    reopened = store.open(case.id, PASSPHRASES)
    try:
        moved = case.folder / "recovered" / orphan.name
        assert moved.exists() and moved.read_bytes() == b"EVBLOB1\n left by a crash before its record"
        assert not orphan.exists()
        repairs = [e for e in reopened.events() if e.kind == Kind.REPAIRED]
        assert [r.data["file"] for r in repairs] == [f"recovered/{orphan.name}"]
        reopened.verify()
    finally:
        reopened.lock()



def test_a_leftover_blob_held_open_by_another_program_is_set_aside_once_it_lets_go(store, case) -> None:
    """An antivirus scanning the file a crash left: on Windows the move waits for it (issue 17, item 3)."""
    import threading
    import time

    case.lock()
    orphan = case.folder / "blobs" / ("cd" * 16 + ".blob")
    orphan.write_bytes(b"EVBLOB1\n scanned by an antivirus")
    handle = open(orphan, "rb")  # noqa: SIM115 - let go by the thread, as the other program would
    letting_go = threading.Thread(target=lambda: (time.sleep(0.5), handle.close()))
    letting_go.start()
    reopened = store.open(case.id, PASSPHRASES)
    letting_go.join()
    try:
        assert (case.folder / "recovered" / orphan.name).read_bytes() == b"EVBLOB1\n scanned by an antivirus"
        assert [e.data["file"] for e in reopened.events() if e.kind == Kind.REPAIRED] == [f"recovered/{orphan.name}"]
    finally:
        reopened.lock()

# ---------------------------------------------------------------- deletion destroys the keys first


def test_deleting_a_case_destroys_its_keys_before_any_file_goes(store, case, monkeypatch) -> None:
    from evidence_app.case import store as store_module

    case_id, folder = case.id, case.folder
    original_header = (folder / HEADER_FILE).read_bytes()
    case.lock()
    seen: list[str] = []
    real_rmtree, real_replace = shutil.rmtree, os.replace

    def header_state(where: Path) -> str:
        path = where / HEADER_FILE
        return "gone" if not path.exists() else ("intact" if path.read_bytes() == original_header else "shredded")

    def rmtree(path, *args, **kwargs):
        seen.append(f"rmtree {header_state(Path(path))}")
        return real_rmtree(path, *args, **kwargs)

    def replace(src, dst, *args, **kwargs):
        if Path(src) == folder:
            seen.append(f"move {header_state(Path(src))}")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(store_module.shutil, "rmtree", rmtree)
    monkeypatch.setattr(store_module.os, "replace", replace)
    store.delete(case_id, PASSPHRASES, before_due=True)
    assert seen and all(step.endswith("shredded") for step in seen), seen
    assert not folder.exists()
