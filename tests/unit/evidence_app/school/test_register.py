"""The incident register: written without a secret, read only with the school key, no pupil names."""

from __future__ import annotations

import struct
from datetime import date, timedelta

import pytest

from evidence_app import Conclusion, TamperDetected
from evidence_app.school.register import FILE_NAME, MAGIC, to_csv
from tests.helpers.bundles import export
from tests.helpers.cases import CHEAP, PASSPHRASES, make_case
from tests.helpers.images import make_png

COORDINATOR = "Coordinat0r's own pass!"
PUPIL = "Gwenllian Pritchard"


@pytest.fixture
def school(store):
    return store.create_school_key(COORDINATOR, kdf=CHEAP)


def test_every_step_of_a_case_lands_in_the_register(store, school, tmp_path) -> None:
    case = make_case(store, subject=f"{PUPIL} in 9B", reason=f"{PUPIL} was seen on a gambling site",
                     reported_by="Class teacher (ICT)")
    capture = case.add_capture(make_png(), kind="viewport", url="https://gamble.example/")
    case.annotate_capture(capture.id, note=f"{PUPIL}'s account", concern="gambling")
    case.conclude(Conclusion(substance="yes", subject="pupil", actions=("refer-headteacher", "warning"),
                             action_text=f"Met {PUPIL}'s parents"))
    (tmp_path / "usb").mkdir()
    export(case, tmp_path / "usb")
    other = make_case(store)
    other.flag_csam("https://bad.example/")
    case.lock()
    other.lock()
    entries = store.read_register(school)
    assert [(e.case_id, e.event) for e in entries] == [
        (case.id, "created"), (case.id, "concluded"), (case.id, "exported"), (other.id, "created"), (other.id, "sealed")]
    concluded = entries[1]
    assert "On-line gambling" in concluded.incident or "gambling" in concluded.incident.lower()
    assert "Refer to Headteacher / Principal" in concluded.action and "Warning" in concluded.action
    assert concluded.by == "Alice Hughes and Bartosz Nowak" and concluded.reported_by == "Class teacher (ICT)"
    assert "DC Sioned Evans" in entries[2].action
    for entry in entries:
        assert PUPIL not in repr(entry)
    raw = (store.root / FILE_NAME).read_bytes()
    assert b"Gwenllian" not in raw and b"gambling" not in raw and b"Alice" not in raw


def test_deleting_a_due_case_shreds_keys_then_files_and_is_registered(store, school) -> None:
    case = make_case(store)
    case.conclude(Conclusion(substance="no", subject="pupil"))
    retain_until = case.retain_until
    case.lock()
    assert store.list()[0].retain_until == retain_until
    assert store.due_for_deletion(date.fromisoformat(retain_until) - timedelta(days=1)) == []
    due = store.due_for_deletion(date.fromisoformat(retain_until))
    assert [s.id for s in due] == [case.id]
    report = store.delete(case.id, PASSPHRASES, today=date.fromisoformat(retain_until))
    assert report.files_removed >= 5
    assert not (store.root / case.id).exists()
    assert not any(p.name.startswith((".deleting", case.id)) for p in store.root.iterdir())
    assert store.read_register(school)[-1].event == "deleted"


def test_removing_or_reordering_register_entries_is_caught(store, school) -> None:
    for _ in range(3):
        make_case(store).lock()
    path = store.root / FILE_NAME
    raw = path.read_bytes()
    records, offset = [], len(MAGIC)
    while offset < len(raw):
        (size,) = struct.unpack_from(">I", raw, offset)
        records.append(raw[offset: offset + 4 + size])
        offset += 4 + size
    path.write_bytes(MAGIC + records[0] + records[2])
    with pytest.raises(TamperDetected, match="register entry 1"):
        store.read_register(school)
    path.write_bytes(MAGIC + records[1] + records[0] + records[2])
    with pytest.raises(TamperDetected):
        store.read_register(school)


def test_csv_export_guards_against_spreadsheet_formulas(store, school) -> None:
    case = make_case(store, group="=HYPERLINK(\"http://evil\")", reported_by="+danger")
    case.lock()
    text = to_csv(store.read_register(school)).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+danger" in text
    assert text.splitlines()[0].startswith("Date,Time,Case,Incident")


def test_csv_keeps_empty_cells_empty(store, school) -> None:
    make_case(store).lock()  # no "reported by"
    import csv
    import io

    rows = list(csv.reader(io.StringIO(to_csv(store.read_register(school)).decode("utf-8-sig"))))
    assert rows[1][-1] == ""


def test_without_a_school_key_nothing_is_registered(store) -> None:
    make_case(store).lock()
    assert not (store.root / FILE_NAME).exists()


def test_nothing_of_an_entry_is_readable_in_the_register_file(store, school) -> None:
    case = make_case(store)
    case.lock()
    raw = (store.root / FILE_NAME).read_bytes()
    assert raw.startswith(MAGIC) and len(raw) > len(MAGIC)
    for plain in (case.id.encode(), b"created", b"Investigation opened", b"Year 9"):
        assert plain not in raw, plain
