"""Retention on screen: cases flagged when due (a faked day, passed in), deleting one, the police's release."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from evidence_app import Conclusion, Kind
from tests.helpers.cases import CHEAP, PASS_A, PASS_B, make_case
from ui.case_window.extras import install_case_extras
from ui.case_window.window import CaseWindow
from ui.start.delete_case import DeleteCaseDialog
from ui.start.retention import SEALED_KEPT, SHREDDING, long_date

pytestmark = pytest.mark.usefixtures("clean_qt")
COORDINATOR = "Head's own pass 2026!"


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def concluded(store) -> tuple[str, date]:
    case = make_case(store)
    case.conclude(Conclusion(substance="no", subject="pupil"))
    until = date.fromisoformat(case.retain_until)
    case.lock()
    return case.id, until


def kept_column(start) -> dict[str, str]:
    return {start.table.item(r, 0).text(): start.table.item(r, 3).text() for r in range(start.table.rowCount())}


def test_kept_until_column_and_the_due_flag(qtbot, controller, store) -> None:
    open_case = make_case(store)
    open_case.lock()
    sealed = make_case(store)
    sealed.flag_csam("https://bad.example/")
    sealed.lock()
    case_id, until = concluded(store)
    start = controller.start
    start.today = until - timedelta(days=1)
    start.reload()
    column = kept_column(start)
    assert column == {open_case.id: "Kept while the case is open", sealed.id: SEALED_KEPT,
                      case_id: f"Kept until {long_date(until.isoformat())}"}
    assert not start.due_note.isVisible() and not start.buttons["delete"].isVisible()
    start.today = until
    start.reload()
    assert kept_column(start)[case_id] == f"Due for deletion since {long_date(until.isoformat())}"
    assert start.due_note.isVisible() and "1 case is past its retention date" in start.due_note.text()
    row = next(r for r in range(start.table.rowCount()) if start.table.item(r, 0).text() == case_id)
    start.table.selectRow(row)
    assert start.buttons["delete"].isVisible()
    start.table.selectRow(next(r for r in range(3) if r != row))
    assert not start.buttons["delete"].isVisible()  # only a due case can be deleted


def test_delete_flow_both_passphrases_and_the_typed_id(qtbot, controller, store) -> None:
    store.create_school_key(COORDINATOR, kdf=CHEAP)
    case_id, until = concluded(store)
    start = controller.start
    start.today = until + timedelta(days=30)
    start.reload()
    start.buttons["delete"].click()
    dialog = next(d for d in controller.dialogs if isinstance(d, DeleteCaseDialog))
    assert dialog.isVisible() and dialog.today == start.today
    assert any(SHREDDING in label.text() for label in dialog.findChildren(type(dialog.message)))
    assert SHREDDING.count(". ") == 0 and "keys first" in SHREDDING  # crypto-shredding in one sentence
    before = snapshot(store.root / case_id)
    # typing the id is required
    dialog.pair.first.setText(PASS_A)
    dialog.pair.second.setText(PASS_B)
    dialog.confirm.setText(case_id[:-1])
    assert not dialog.delete_button.isEnabled()
    # wrong passphrase: refused, nothing changed
    dialog.pair.second.setText("Not the right one 1!")
    dialog.confirm.setText(case_id)
    assert dialog.delete_button.isEnabled()
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)
    assert "wrong" in dialog.message.text() and dialog.isVisible()
    assert snapshot(store.root / case_id) == before
    # both right: keys destroyed, files gone, register says so, start screen updated
    dialog.pair.first.setText(PASS_A)
    dialog.pair.second.setText(PASS_B)
    with qtbot.waitSignal(dialog.deleted, timeout=15_000) as signal:
        dialog.delete_button.click()
    assert signal.args[0].case_id == case_id
    assert not (store.root / case_id).exists()
    assert kept_column(start) == {} and not start.due_note.isVisible()
    assert "was deleted" in start.statusBar().currentMessage()
    entries = store.read_register(store.unlock_school_key(COORDINATOR))
    assert (entries[-1].case_id, entries[-1].event) == (case_id, "deleted")


def test_a_case_not_yet_due_is_refused_plainly(qtbot, store) -> None:
    case_id, until = concluded(store)
    dialog = DeleteCaseDialog(store, case_id, today=until - timedelta(days=1))
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.pair.first.setText(PASS_A)
    dialog.pair.second.setText(PASS_B)
    dialog.confirm.setText(case_id)
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)
    assert "not due for deletion until" in dialog.message.text()
    assert (store.root / case_id).exists()


def test_police_release_of_a_sealed_case(qtbot, store) -> None:
    case = make_case(store)
    case.flag_csam("https://bad.example/")
    window = CaseWindow(case)
    extras = install_case_extras(window)
    qtbot.addWidget(window)
    window.show()
    window.case_menu.aboutToShow.emit()
    assert extras.release_action.isVisible() and extras.release_action in window.case_menu.actions()
    dialog = extras.open_release()
    dialog.record_button.click()
    assert "Give the police reference" in dialog.message.text() and case.retain_until == ""
    dialog.reference.setText("DPP/2026/0417 release")
    dialog.record_button.click()
    assert not dialog.isVisible()
    assert case.retain_until and "due for deletion on" in window.statusBar().currentMessage()
    assert [e.kind for e in case.events()][-1] == Kind.RELEASED
    assert not extras.release_action.isVisible()
    retain_until = case.retain_until
    case.lock()
    assert store.list()[0].retain_until == retain_until  # the start screen can show it without a passphrase


def test_release_is_not_offered_for_an_open_case(qtbot, case) -> None:
    window = CaseWindow(case)
    extras = install_case_extras(window)
    qtbot.addWidget(window)
    window.case_menu.aboutToShow.emit()
    assert not extras.release_action.isVisible()
    assert extras.open_release() is None
