"""Export for the police, through the case window: who for, the passphrase, the folder, progress, cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from evidence_app import Kind, verify_bundle
from tests.helpers.bundles import CHEAP_SCRYPT, OFFICER, members
from tests.helpers.cases import OTHER_MACHINE, PASSPHRASES, make_case, make_store
from tests.helpers.disks import small_disk
from tests.helpers.images import make_png
from ui.case_window.extras import install_case_extras
from ui.case_window.window import CaseWindow
from ui.export.dialog import CANCELLED, PHONE_RULE, WITHHELD_WARNING, ExportDialog

pytestmark = pytest.mark.usefixtures("clean_qt")


def window_for(qtbot, case) -> CaseWindow:
    window = CaseWindow(case)
    install_case_extras(window, key_cost=CHEAP_SCRYPT)
    qtbot.addWidget(window)
    window.show()
    return window


def fill(dialog: ExportDialog, folder: Path) -> None:
    dialog.officer_name.setText(OFFICER.name)
    dialog.officer_force.setText(OFFICER.force)
    dialog.officer_reference.setText(OFFICER.reference)
    dialog.folder.setText(str(folder))


def run_export(qtbot, dialog: ExportDialog) -> None:
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)


@pytest.fixture
def full_stick(tmp_path: Path):
    """A real, tiny file system with about 64 KiB left: a USB stick that fills up during the export."""
    with small_disk(tmp_path / "stick", size_kib=1024, leave_kib=64) as folder:
        yield folder


def test_menu_action_and_shortcut(qtbot, case) -> None:
    window = window_for(qtbot, case)
    action = window.extras.export_action
    assert action in window.case_menu.actions()
    assert action.shortcut() == QKeySequence("Ctrl+E")
    action.trigger()
    dialog = window.extras.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    assert not dialog.withheld.isVisible()  # not sealed: nothing is withheld
    words = dialog.words.text().split("-")
    assert len(words) == 6 and all(w.isalpha() for w in words)
    assert PHONE_RULE in [label.text() for label in dialog.findChildren(type(dialog.words))]
    old = dialog.words.text()
    dialog.new_words.click()
    assert dialog.words.text() != old


def test_happy_path_writes_a_bundle_that_verifies(qtbot, case, usb) -> None:
    case.add_capture(make_png(), kind="viewport", url="https://gamble.example/")
    window = window_for(qtbot, case)
    dialog = window.extras.open_export()
    fill(dialog, usb)
    shown = dialog.words.text()
    run_export(qtbot, dialog)
    assert dialog.pages.currentIndex() == 2, dialog.message.text()
    result = dialog.result_
    assert result is not None and result.passphrase == shown
    assert dialog.done_folder.text() == str(result.folder) and result.folder.parent == usb
    assert dialog.done_sha256.text() == result.evidence_sha256
    assert dialog.done_fingerprint.text() == case.signing_key.fingerprint
    assert dialog.done_head.text().startswith(result.journal_head) and "--expect-head" in dialog.done_text.text()
    assert dialog.done_passphrase.text() == shown
    assert PHONE_RULE in dialog.done_text.text() and "SHA-256 on the printed form" in dialog.done_text.text()
    assert dialog.progress.value() == 1000
    report = verify_bundle(result.folder, passphrase=shown)
    assert report.ok, report.text()
    exported = [e for e in case.events() if e.kind == Kind.EXPORTED]
    assert exported[-1].data["sha256"] == result.evidence_sha256
    assert exported[-1].data["to"] == OFFICER.to_json()
    # the form can be made again from here; closing forgets the passphrase on screen
    dialog.form_button.click()
    qtbot.waitUntil(lambda: any(w.windowTitle().startswith("Incident form") and w.isVisible()
                                for w in window.findChildren(type(dialog).__mro__[1])), timeout=5_000)
    dialog.accept()
    assert dialog.done_passphrase.text() == ""


def test_our_own_passphrase_typed_twice(qtbot, case, usb) -> None:
    window = window_for(qtbot, case)
    dialog = window.extras.open_export()
    fill(dialog, usb)
    dialog.use_own.setChecked(True)
    assert dialog.own_box.isVisible() and not dialog.words.isEnabled()
    dialog.own_first.setText("short one")
    dialog.export_button.click()
    assert "at least 12 characters" in dialog.message.text() and not dialog.running
    dialog.own_first.setText("Our own long passphrase 7")
    dialog.own_again.setText("Our own long passphrase 8")
    assert "differ" in dialog.own_feedback.text()
    dialog.export_button.click()
    assert "differ" in dialog.message.text() and not dialog.running
    dialog.own_again.setText("Our own long passphrase 7")
    assert "✓" in dialog.own_feedback.text()
    run_export(qtbot, dialog)
    assert dialog.result_ is not None and dialog.result_.passphrase == "Our own long passphrase 7"
    assert verify_bundle(dialog.result_.folder, passphrase="Our own long passphrase 7").ok


def test_officer_details_and_folder_are_required(qtbot, case, tmp_path) -> None:
    window = window_for(qtbot, case)
    dialog = window.extras.open_export()
    dialog.export_button.click()
    text = dialog.message.text()
    assert "officer's name, the force and the reference number" in text
    assert "Choose where to write the bundle" in text
    fill(dialog, tmp_path / "no-stick-here")
    dialog.officer_force.setText("   ")
    dialog.export_button.click()
    assert "Please give the force." in dialog.message.text()
    assert "does not exist" in dialog.message.text()
    assert not dialog.running and not (tmp_path / "no-stick-here").exists()


def test_cancel_leaves_nothing_behind(qtbot, store, usb) -> None:
    case = make_case(store)
    for seed in range(12):
        case.add_capture(make_png(400, 300, seed=seed, noise=0.9), kind="page", url=f"https://site.example/{seed}")
    window = window_for(qtbot, case)
    dialog = window.extras.open_export()
    fill(dialog, usb)
    before = sum(1 for e in case.events() if e.kind == Kind.EXPORTED)
    dialog.export_button.click()
    assert dialog.running and dialog.pages.currentIndex() == 1
    dialog.cancel_button.click()
    assert dialog.cancel_button.text() == "Cancelling…"
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)
    assert dialog.message.text() == CANCELLED
    assert dialog.pages.currentIndex() == 0
    assert list(usb.iterdir()) == []  # no bundle, no hidden partial folder
    assert sum(1 for e in case.events() if e.kind == Kind.EXPORTED) == before
    # and it can be run again to the end
    run_export(qtbot, dialog)
    assert dialog.result_ is not None and [p.name for p in usb.iterdir()] == [dialog.result_.folder.name]
    case.lock()


def test_escape_while_exporting_cancels_instead_of_closing(qtbot, store, usb) -> None:
    case = make_case(store)
    for seed in range(12):  # enough to be still running when Escape arrives
        case.add_capture(make_png(400, 300, seed=seed, noise=0.9), kind="page", url=f"https://site.example/{seed}")
    window = window_for(qtbot, case)
    dialog = window.extras.open_export()
    fill(dialog, usb)
    before = sum(1 for e in case.events() if e.kind == Kind.EXPORTED)
    dialog.export_button.click()
    assert dialog.running
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialog.cancel_button.text() == "Cancelling…"
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)
    assert dialog.isVisible() and dialog.message.text() == CANCELLED
    assert dialog.result_ is None and list(usb.iterdir()) == []
    assert sum(1 for e in case.events() if e.kind == Kind.EXPORTED) == before
    case.lock()


def sealed_case(store):
    case = make_case(store)
    case.add_capture(make_png(seed=1), kind="viewport", url="https://ok.example/")
    case.add_capture(make_png(seed=2), kind="viewport", url="https://bad.example/x")
    case.flag_csam("https://bad.example/x")
    return case


def test_sealed_case_withheld_captures_off_by_default(qtbot, store, usb) -> None:
    case = sealed_case(store)
    window = window_for(qtbot, case)
    dialog = window.extras.open_export()
    assert dialog.withheld.isVisible() and not dialog.withheld.isChecked()
    assert dialog.withheld_warning.text() == WITHHELD_WARNING
    fill(dialog, usb)
    run_export(qtbot, dialog)
    result = dialog.result_
    assert result is not None and not result.quarantined_included
    names = [info.name for info, _ in members(result)]
    assert any(n.endswith("captures/C0001.png") for n in names)
    assert not any(n.endswith("captures/C0002.png") for n in names)
    assert "not included" in dialog.done_text.text()
    case.lock()


def test_sealed_case_withheld_captures_when_the_police_asked(qtbot, store, usb) -> None:
    case = sealed_case(store)
    window = window_for(qtbot, case)
    dialog = window.extras.open_export()
    fill(dialog, usb)
    dialog.withheld.setChecked(True)
    run_export(qtbot, dialog)
    result = dialog.result_
    assert result is not None and result.quarantined_included
    assert any(info.name.endswith("captures/C0002.png") for info, _ in members(result))
    assert "as the police asked" in dialog.done_text.text()
    case.lock()


def test_read_only_case_can_be_exported(qtbot, store, tmp_path, usb) -> None:
    made = make_case(store)
    made.lock()
    elsewhere = make_store(store.root, machine=OTHER_MACHINE)
    case = elsewhere.open(made.id, PASSPHRASES)
    assert case.read_only
    window = window_for(qtbot, case)
    assert window.extras.export_action.isEnabled()
    dialog = window.extras.open_export()
    fill(dialog, usb)
    run_export(qtbot, dialog)
    assert dialog.result_ is not None and verify_bundle(dialog.result_.folder,
                                                        passphrase=dialog.result_.passphrase).ok
    case.lock()


def test_locking_closes_the_dialog_and_disables_the_action(qtbot, case) -> None:
    window = window_for(qtbot, case)
    dialog = window.extras.open_export()
    window.lock()
    assert not dialog.isVisible()
    assert not window.extras.export_action.isEnabled()
    assert window.extras.open_export() is None


def test_core_errors_are_shown_plainly(qtbot, case, full_stick) -> None:
    """A stick that fills up half-way: a sentence, no traceback, nothing of the bundle left on it."""
    case.add_capture(make_png(400, 300, seed=1, noise=0.9), kind="page", url="https://site.example/1")
    window = window_for(qtbot, case)
    dialog = window.extras.open_export()
    fill(dialog, full_stick)
    before = sum(1 for e in case.events() if e.kind == Kind.EXPORTED)
    run_export(qtbot, dialog)
    text = dialog.message.text()
    assert text and "Traceback" not in text and "Errno" not in text
    assert "full" in text or "space" in text, text
    assert dialog.result_ is None
    assert sorted(p.name for p in full_stick.iterdir()) == ["filler"]
    assert sum(1 for e in case.events() if e.kind == Kind.EXPORTED) == before
    case.lock()
