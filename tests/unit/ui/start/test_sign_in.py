"""Opening a case: both passphrases, wrong ones change nothing, read-only elsewhere."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from evidence_app import Kind
from tests.helpers.cases import OTHER_MACHINE, PASS_A, PASS_B, PASSPHRASES, make_case, make_store
from ui.start.sign_in import SignInDialog

pytestmark = pytest.mark.usefixtures("clean_qt")


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def closed_case(store) -> str:
    case = make_case(store)
    case.lock()
    return case.id


def type_and_open(qtbot, dialog: SignInDialog, first: str, second: str) -> None:
    dialog.pair.first.setText(first)
    dialog.pair.second.setText(second)
    dialog.open_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)


def test_right_passphrases_open_the_case_window(qtbot, controller, store) -> None:
    case_id = closed_case(store)
    dialog = controller.open_case(case_id)
    with qtbot.waitSignal(dialog.opened, timeout=10_000):
        dialog.pair.first.setText(PASS_A)
        dialog.pair.second.setText(PASS_B)
        dialog.pair.second.returnPressed.emit()
    window = controller.case_windows[0]
    assert window.case.id == case_id and not window.case.read_only
    assert "Alice Hughes" in window.panel.people.text()
    assert window.panel.light.recording
    assert not dialog.isVisible()


def test_wrong_passphrase_says_so_and_changes_nothing(qtbot, controller, store) -> None:
    case_id = closed_case(store)
    before = snapshot(store.root / case_id)
    dialog = controller.open_case(case_id)
    type_and_open(qtbot, dialog, PASS_A, "Not the right one 1!")
    assert "wrong" in dialog.message.text() and "Nothing was changed" in dialog.message.text()
    assert dialog.isVisible() and controller.case_windows == []
    assert dialog.pair.passphrases() == ("", "")
    assert snapshot(store.root / case_id) == before


def test_swapped_passphrases_are_wrong(qtbot, controller, store) -> None:
    case_id = closed_case(store)
    dialog = controller.open_case(case_id)
    type_and_open(qtbot, dialog, PASS_B, PASS_A)
    assert "own box" in dialog.message.text()
    assert controller.case_windows == []


def test_one_passphrase_is_not_enough(qtbot, controller, store) -> None:
    case_id = closed_case(store)
    before = snapshot(store.root / case_id)
    dialog = controller.open_case(case_id)
    type_and_open(qtbot, dialog, PASS_A, "")
    assert "Both investigators must type their passphrase" in dialog.message.text()
    assert controller.case_windows == []
    assert snapshot(store.root / case_id) == before


def test_another_computer_offers_read_only(qtbot, tmp_path, qapp, settings_path) -> None:
    from tests.helpers.cases import CHEAP
    from ui.app import Controller

    here = make_store(tmp_path / "cases")
    case_id = closed_case(here)
    elsewhere = make_store(tmp_path / "cases", machine=OTHER_MACHINE)
    before = snapshot(here.root / case_id)
    controller = Controller(qapp, store=elsewhere, settings_path=settings_path, kdf=CHEAP)
    try:
        dialog = controller.open_case(case_id)
        type_and_open(qtbot, dialog, *PASSPHRASES)
        assert "not the case's designated computer" in dialog.message.text()
        assert dialog.read_only_button.isVisible() and not dialog.open_button.isEnabled()
        assert controller.case_windows == []
        assert snapshot(here.root / case_id) == before  # refusing wrote nothing
        with qtbot.waitSignal(dialog.opened, timeout=10_000):
            dialog.read_only_button.click()
        window = controller.case_windows[0]
        assert window.case.read_only and not window.case.designated
        assert "read-only" in window.panel.case_id.text()
        assert not window.panel.light.recording and "read-only" in window.panel.light.text()
        assert not window.panel.note_box.isEnabled()
        assert window.panel.checklist.done()["designated"] is False
        opened = [e for e in window.case.events() if e.kind == Kind.OPENED][-1]
        assert opened.data["read_only"] is True
    finally:
        controller.shutdown()


def test_cancel_clears_the_boxes(qtbot, controller, store) -> None:
    dialog = controller.open_case(closed_case(store))
    dialog.pair.first.setText(PASS_A)
    dialog.cancel_button.click()
    assert not dialog.isVisible()
    assert dialog.pair.first.text() == ""
