"""Files brought into a case: hashed once, kept unchanged, journaled, and under the stop's rules."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from evidence_app import Kind
from evidence_app.errors import Cancelled, CaseSealed, InvalidInput, Quarantined, TamperDetected
from evidence_app.vault.streams import CHUNK
from tests.helpers.cases import OTHER_MACHINE, PASSPHRASES, make_store
from tests.helpers.images import make_png
from tests.helpers.evidence_files import OUTLOOK_SAMPLE, email_with_attachments, jpeg_with_exif, tool_hash


def _file(tmp_path: Path, name: str, data: bytes, mtime: int = 1_700_000_000) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def test_a_file_is_kept_unchanged_with_the_hashes_the_police_tools_give(case, tmp_path: Path) -> None:
    data = os.urandom(3 * CHUNK + 123)
    path = _file(tmp_path, "chat export.txt", data)
    item = case.add_item(path, note="Sent to the pupil on Monday", concern="threatening-behaviour")
    assert (item.sha256, item.md5, item.sha1) == (
        tool_hash("sha256sum", path), tool_hash("md5sum", path), tool_hash("sha1sum", path))
    assert (item.name, item.size, item.modified) == ("chat export.txt", len(data), "2023-11-14T22:13:20Z")
    assert item.by == ("Alice Hughes", "Bartosz Nowak") and item.added_at.endswith("Z")
    assert (item.note, item.concern, item.visual, item.quarantined) == (
        "Sent to the pupil on Monday", "threatening-behaviour", False, False)
    assert case.read_item(item.id) == data
    assert b"".join(case.item_chunks(item.id)) == data


def test_the_item_is_journaled_and_survives_reopening(store, case, tmp_path: Path) -> None:
    item = case.add_item(_file(tmp_path, "a.txt", b"hello"))
    events = [e for e in case.events() if e.kind == Kind.ITEM]
    assert [e.data["id"] for e in events] == [item.id]
    case.lock()
    case.unlock(PASSPHRASES)
    assert case.items() == [item]
    assert case.read_item(item.id) == b"hello"
    case.verify()


def test_the_original_file_is_not_touched(case, tmp_path: Path) -> None:
    path = _file(tmp_path, "a.txt", b"hello")
    before = path.stat()
    case.add_item(path)
    after = path.stat()
    assert (path.read_bytes(), after.st_mtime_ns, after.st_size) == (b"hello", before.st_mtime_ns, before.st_size)


def test_a_picture_is_not_given_back_until_the_pair_choose_to_view_it(case, tmp_path: Path) -> None:
    data = jpeg_with_exif()
    item = case.add_item(_file(tmp_path, "photo.jpg", data))
    assert item.visual
    with pytest.raises(InvalidInput, match="shown only when you choose View"):
        case.read_item(item.id)
    assert not any(e.kind == Kind.ITEM_VIEWED for e in case.events())
    assert case.view_item(item.id) == data
    viewed = [e for e in case.events() if e.kind == Kind.ITEM_VIEWED]
    assert [(e.data["item"], e.by) for e in viewed] == [(item.id, ("Alice Hughes", "Bartosz Nowak"))]


def test_a_picture_renamed_to_look_like_text_is_still_a_picture(case, tmp_path: Path) -> None:
    item = case.add_item(_file(tmp_path, "notes.txt", jpeg_with_exif()))
    assert item.visual and item.media_type == "image/jpeg"


def test_exif_is_read_and_gps_flagged_as_personal_data(case, tmp_path: Path) -> None:
    item = case.add_item(_file(tmp_path, "photo.jpg", jpeg_with_exif()))
    assert item.metadata["camera"] == "Canon EOS 200D"
    assert item.metadata["taken"] == "2026:03:04 09:15:00"
    assert item.metadata["gps"] == {"latitude": 51.5, "longitude": -0.125}
    assert item.personal_data == ("GPS position (where the picture was taken)",)


def test_an_email_gives_its_headers_and_its_attachments_become_items(case, tmp_path: Path) -> None:
    message = case.add_item(_file(tmp_path, "from parent.eml", email_with_attachments()))
    meta = message.metadata
    assert meta["from"] == "A Parent <parent@example.org>" and meta["message_id"] == "<abc123@example.org>"
    assert meta["subject"] == "Screenshot of what was sent to my son"
    assert [r.split()[1] for r in meta["received"]] == ["mx.example.org", "[10.0.0.5]"]
    assert meta["attachments"] == ["screenshot.jpg", "letter.pdf"]
    children = [i for i in case.items() if i.parent == message.id]
    assert [(c.name, c.visual) for c in children] == [("screenshot.jpg", True), ("letter.pdf", False)]
    assert children[0].metadata["camera"] == "Canon EOS 200D"
    assert children[0].sha256 == hashlib.sha256(jpeg_with_exif()).hexdigest()


def test_an_outlook_message_gives_its_headers(case, tmp_path: Path) -> None:
    item = case.add_item(_file(tmp_path, "message.msg", OUTLOOK_SAMPLE.read_bytes()))
    assert item.media_type == "application/vnd.ms-outlook"
    assert item.metadata["subject"] == "MSG Test File"
    assert "time2talk@online-convert.com" in item.metadata["to"]
    assert "problem" not in item.metadata


def test_a_damaged_file_is_kept_with_a_plain_sentence(case, tmp_path: Path) -> None:
    truncated = jpeg_with_exif()[:40]
    item = case.add_item(_file(tmp_path, "cut.jpg", truncated))
    assert "could not be read" in item.metadata["problem"]
    assert case.view_item(item.id) == truncated


def test_the_child_abuse_concern_at_import_quarantines_the_file_and_seals_the_case(case, tmp_path: Path) -> None:
    with pytest.raises(CaseSealed, match="quarantined"):
        case.add_item(_file(tmp_path, "photo.jpg", jpeg_with_exif()), concern="csam")
    [item] = case.items()
    assert item.quarantined
    with pytest.raises(Quarantined):
        case.view_item(item.id)
    with pytest.raises(CaseSealed):
        case.add_item(_file(tmp_path, "b.txt", b"more"))
    assert [e.kind for e in case.events()][-3:] == [Kind.FLAGGED, Kind.QUARANTINED, Kind.SEALED]


def test_describing_an_email_as_child_abuse_quarantines_it_and_its_attachments(case, tmp_path: Path) -> None:
    capture_free = case.add_capture(make_png(), kind="screen", url="")
    message = case.add_item(_file(tmp_path, "m.eml", email_with_attachments()))
    case.describe_item(message.id, note="seen by the parent", concern="csam")
    assert {i.id: i.quarantined for i in case.items()} == {"I0001": True, "I0002": True, "I0003": True}
    assert not case.captures()[0].quarantined, "a stop on an item must not take a capture with no address"
    assert capture_free.id == "C0001"
    case.lock()
    case.unlock(PASSPHRASES)
    assert all(i.quarantined for i in case.items())


def test_the_stop_while_an_item_is_open_quarantines_it(case, tmp_path: Path) -> None:
    item = case.add_item(_file(tmp_path, "photo.jpg", jpeg_with_exif()))
    case.view_item(item.id)
    case.flag_csam("", note="the stop, pressed while it was shown", captures=(item.id,))
    assert case.item(item.id).quarantined


def test_a_described_item_keeps_its_latest_note(case, tmp_path: Path) -> None:
    item = case.add_item(_file(tmp_path, "a.txt", b"x"))
    case.describe_item(item.id, note="later note", concern="pornography")
    assert (case.item(item.id).note, case.item(item.id).concern) == ("later note", "pornography")


def test_an_altered_stored_file_is_named_when_read_and_when_verified(case, tmp_path: Path) -> None:
    item = case.add_item(_file(tmp_path, "a.txt", os.urandom(CHUNK + 10)))
    event = next(e for e in case.events() if e.kind == Kind.ITEM)
    blob = case.folder / "blobs" / f"{event.data['blob']}.blob"
    raw = bytearray(blob.read_bytes())
    raw[-5] ^= 1
    blob.write_bytes(bytes(raw))
    with pytest.raises(TamperDetected, match=event.data["blob"]):
        case.read_item(item.id)
    with pytest.raises(TamperDetected, match=event.data["blob"]):
        case.verify()


def test_a_cancelled_import_leaves_nothing(case, tmp_path: Path) -> None:
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        cancel.set()

    with pytest.raises(Cancelled, match="Nothing of it was kept"):
        case.add_item(_file(tmp_path, "big.bin", os.urandom(3 * CHUNK)), progress=progress, cancel=cancel)
    assert seen == [CHUNK]
    assert case.items() == [] and list((case.folder / "blobs").iterdir()) == [
        p for p in (case.folder / "blobs").iterdir() if p.stem in {e.data.get("blob") for e in case.events()}]
    case.verify()


def test_a_device_lists_the_items_that_came_from_it(case, tmp_path: Path) -> None:
    device = case.add_device("Pupil's phone, a black iPhone", "Alice Hughes, Bartosz Nowak, the pupil and a parent")
    item = case.add_item(_file(tmp_path, "shot.png", b"\x89PNG\r\n\x1a\nnot really"), device=device.id)
    [found] = case.devices()
    assert (found.description, found.items, found.by) == (
        "Pupil's phone, a black iPhone", (item.id,), ("Alice Hughes", "Bartosz Nowak"))
    with pytest.raises(InvalidInput, match="no device"):
        case.add_item(_file(tmp_path, "x.txt", b"x"), device="D0099")
    with pytest.raises(InvalidInput, match="who was present"):
        case.add_device("a laptop", " ")


def test_a_second_store_on_another_computer_cannot_add_files(store, case, tmp_path: Path) -> None:
    case.lock()
    elsewhere = make_store(store.root, OTHER_MACHINE).open(case.id, PASSPHRASES)
    try:
        with pytest.raises(Exception, match="read-only"):
            elsewhere.add_item(_file(tmp_path, "a.txt", b"x"))
    finally:
        elsewhere.lock()


def test_a_missing_file_and_a_folder_end_in_a_sentence(case, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not there any more"):
        case.add_item(tmp_path / "gone.txt")
    with pytest.raises(InvalidInput, match="is a folder"):
        case.add_item(tmp_path)
    assert case.items() == []


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="peak memory is read with the resource module (POSIX)")
def test_memory_stays_flat_on_a_large_sparse_file(tmp_path: Path) -> None:
    """A 768 MiB file is added in a fresh process: its peak memory grows by a few MiB, not by the file."""
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from tests.helpers.cases import make_case, make_store\n"
        "from tests.helpers.evidence_files import sparse_file\n"
        "root = Path(sys.argv[1])\n"
        "case = make_case(make_store(root / 'cases'))\n"
        "source = sparse_file(root / 'video.mp4', 768 * 1024 * 1024)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "item = case.add_item(source)\n"
        "case.verify()\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(item.size, (after - before) // 1024)\n")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                            timeout=300, cwd=Path(__file__).resolve().parents[4], check=True)
    size, grown_mib = map(int, result.stdout.split())
    assert size == 768 * 1024 * 1024
    assert grown_mib < 48, f"peak memory grew by {grown_mib} MiB while adding a 768 MiB file"


def test_a_file_re_encrypted_by_someone_with_the_key_is_caught_by_its_hashes(case, tmp_path: Path) -> None:
    """The chunks authenticate against the key; the journal's hashes catch even a holder of the key
    (both passphrases) who put other bytes, properly encrypted, under the item's name."""
    from evidence_app.vault.streams import StreamWriter

    item = case.add_item(_file(tmp_path, "a.txt", b"what was said"))
    event = next(e for e in case.events() if e.kind == Kind.ITEM)
    blobs = case._blobs  # the attacker has the keys: they use the case's own blob store
    path = blobs.path_of(event.data["blob"])
    path.unlink()
    writer = StreamWriter(path, blobs._key, blobs._associated(event.data["blob"]), "a forgery")
    writer.write(b"what was NOT said")
    writer.finish()
    with pytest.raises(TamperDetected, match="no longer matches the hashes recorded in journal record"):
        case.read_item(item.id)
    with pytest.raises(TamperDetected, match="no longer matches the hashes"):
        case.verify()


def test_the_stop_during_a_long_import_ends_it_and_keeps_nothing(case, tmp_path: Path) -> None:
    from evidence_app.errors import CaseSealed as Sealed

    def stop_now(done: int, total: int) -> None:
        if done == CHUNK:
            case.flag_csam("https://elsewhere.example/", note="pressed while a video was being added")

    with pytest.raises(Sealed):
        case.add_item(_file(tmp_path, "clip.mp4", os.urandom(4 * CHUNK)), progress=stop_now)
    assert case.items() == []
    case.verify()  # no stray blob: the half-written file was removed


def test_the_lock_during_a_long_import_ends_it_and_keeps_nothing(case, tmp_path: Path) -> None:
    from evidence_app.errors import CaseLocked

    def lock_now(done: int, total: int) -> None:
        if done == CHUNK:
            case.lock()

    with pytest.raises(CaseLocked):
        case.add_item(_file(tmp_path, "clip.mp4", os.urandom(4 * CHUNK)), progress=lock_now)
    case.unlock(PASSPHRASES)
    assert case.items() == []
    case.verify()
