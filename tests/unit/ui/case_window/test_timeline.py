"""The timeline: every event in order, filters by kind and text, the journal check shown plainly."""

from __future__ import annotations

import pytest

from evidence_app import Kind
from tests.helpers.images import make_png
from ui.case_window.timeline import TimelineDialog

pytestmark = pytest.mark.usefixtures("clean_qt")


def fill(case) -> None:
    case.record_visit("https://casino.example/", "Casino")
    case.add_note("Odds shown for a football match")
    case.add_capture(make_png(seed=7), kind="viewport", url="https://casino.example/", concern="gambling")
    case.record_visit("https://news.example/story", "Story")


def open_timeline(qtbot, case) -> TimelineDialog:
    dialog = TimelineDialog(case)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)
    return dialog


def test_every_event_in_order(qtbot, case) -> None:
    fill(case)
    dialog = open_timeline(qtbot, case)
    rows = dialog.visible_rows()
    assert [int(r[0]) for r in rows] == [e.seq for e in case.events()]
    whats = [r[3] for r in rows]
    assert whats[0] == "Case started"
    assert whats.index("Site visited") < whats.index("Note") < whats.index("Screenshot")
    details = "\n".join(r[5] for r in rows)
    assert "Report of a pupil visiting" in details
    assert "https://casino.example/ · Casino" in details
    assert "Odds shown for a football match" in details
    assert "Concern: Online gambling" in details
    assert all(r[4] == "Alice Hughes, Bartosz Nowak" for r in rows if r[3] in ("Note", "Site visited"))


def test_filter_by_kind_and_text(qtbot, case) -> None:
    fill(case)
    dialog = open_timeline(qtbot, case)
    dialog.set_filter(Kind.VISIT)
    assert [r[5] for r in dialog.visible_rows()] == ["https://casino.example/ · Casino",
                                                    "https://news.example/story · Story"]
    dialog.set_filter(Kind.VISIT, "NEWS")
    assert [r[5] for r in dialog.visible_rows()] == ["https://news.example/story · Story"]
    dialog.set_filter(text="casino")
    assert {r[3] for r in dialog.visible_rows()} == {"Site visited", "Screenshot"}
    dialog.set_filter(text="nothing like this anywhere")
    assert dialog.visible_rows() == []
    assert "Site visited" in [dialog.kinds.itemText(i) for i in range(dialog.kinds.count())]


def test_new_events_appear_on_reload_and_keep_the_filter(qtbot, case) -> None:
    dialog = open_timeline(qtbot, case)
    dialog.set_filter(Kind.NOTE)
    assert dialog.visible_rows() == []
    case.add_note("Later note")
    dialog.reload()
    assert [r[5] for r in dialog.visible_rows()] == ["Later note"]


def test_intact_journal_is_said_plainly(qtbot, case) -> None:
    fill(case)
    dialog = open_timeline(qtbot, case)
    records = len(list(case.events()))
    assert dialog.status.text().startswith(f"✓ Journal intact ({records} records")
    assert dialog.progress.isHidden()


def test_tampering_is_named(qtbot, case) -> None:
    fill(case)
    blob = next((case.folder / "blobs").glob("*.blob"))
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    blob.write_bytes(bytes(data))
    dialog = open_timeline(qtbot, case)
    assert dialog.status.text().startswith("✗ The case has been altered or damaged at blobs/")
    assert "intact" not in dialog.status.text()


def test_check_runs_in_the_background(qtbot, case) -> None:
    dialog = TimelineDialog(case)
    qtbot.addWidget(dialog)
    assert dialog.checking and dialog.progress.isVisibleTo(dialog)
    assert "Checking" in dialog.status.text()
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)


def test_a_kept_page_reads_as_its_two_files_in_the_timeline(case) -> None:
    from evidence_app import Kind
    from tests.helpers.kept import make_mhtml, make_pdf
    from ui.case_window.timeline import event_details
    from ui.texts import kind_words

    kept = case.keep_page(mhtml=make_mhtml(), pdf=make_pdf(), url="https://example.org/post",
                          concern="threatening-behaviour")
    records = [e for e in case.events() if e.kind == Kind.KEPT]
    assert kind_words(records[0].kind) == "Page kept whole"
    assert [event_details(e).split(" of ")[0] for e in records] == [f"{kept.id} web archive (MHTML)", f"{kept.id} PDF"]
    assert "https://example.org/post" in event_details(records[1]) and "Threatening behaviour" in event_details(records[1])
