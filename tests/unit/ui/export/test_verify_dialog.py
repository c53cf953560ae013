"""Verify a bundle from the start screen: progress, then INTACT or NOT INTACT above the full report."""

from __future__ import annotations

import pytest

from tests.helpers.bundles import export, repack
from ui.export.verify_dialog import INTACT_STYLE, NOT_INTACT_STYLE, UNREADABLE_STYLE, BundleCheckDialog

pytestmark = pytest.mark.usefixtures("clean_qt")


@pytest.fixture
def bundle(case, tmp_path):
    (tmp_path / "usb").mkdir()
    return export(case, tmp_path / "usb")


def new_dialog(qtbot) -> BundleCheckDialog:
    dialog = BundleCheckDialog()
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def check(qtbot, dialog: BundleCheckDialog, folder, passphrase: str) -> None:
    dialog.folder.setText(str(folder))
    dialog.passphrase.setText(passphrase)
    dialog.check_button.click()
    assert dialog.busy and dialog.progress.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)


def test_intact_bundle(qtbot, controller, bundle) -> None:
    controller.start.buttons["verify"].click()
    dialog = next(d for d in controller.dialogs if isinstance(d, BundleCheckDialog))
    assert dialog.parent() is controller.start
    assert dialog.isVisible()
    check(qtbot, dialog, bundle.folder, bundle.passphrase)
    assert ">INTACT</span>" in dialog.verdict.text()
    assert dialog.verdict.styleSheet() == INTACT_STYLE
    assert dialog.details.toPlainText() == dialog.report.text()
    assert bundle.evidence_sha256 in dialog.details.toPlainText()
    assert not dialog.progress.isVisible()
    dialog.reject()
    assert dialog.passphrase.text() == ""


def test_not_intact_bundle_names_the_file(qtbot, bundle, case) -> None:
    def change(items):
        return [(info, data.replace(b"Year 9", b"Year 8") if info.name.endswith("summary.txt") else data)
                for info, data in items]

    repack(bundle, change)
    dialog = new_dialog(qtbot)
    check(qtbot, dialog, bundle.folder, bundle.passphrase)
    assert ">NOT INTACT</span>" in dialog.verdict.text()
    assert dialog.verdict.styleSheet() == NOT_INTACT_STYLE
    assert "data/summary.txt" in dialog.details.toPlainText()


def test_wrong_passphrase_could_not_be_read(qtbot, bundle) -> None:
    dialog = new_dialog(qtbot)
    check(qtbot, dialog, bundle.folder, "not the passphrase at all")
    assert ">COULD NOT BE READ</span><br>The passphrase does not open" in dialog.verdict.text()
    assert dialog.verdict.styleSheet() == UNREADABLE_STYLE
    assert not dialog.details.isVisible()


def test_folder_and_passphrase_asked_for(qtbot, tmp_path) -> None:
    dialog = new_dialog(qtbot)
    dialog.check_button.click()
    assert dialog.message.text() == "Choose the export folder first." and not dialog.busy
    dialog.folder.setText(str(tmp_path / "missing"))
    dialog.check_button.click()
    assert "There is no folder" in dialog.message.text()
    dialog.folder.setText(str(tmp_path))
    dialog.check_button.click()
    assert dialog.message.text() == "Type the bundle's passphrase."


def test_the_fingerprint_and_head_from_the_form_make_the_check_strict(qtbot, bundle, case) -> None:
    dialog = new_dialog(qtbot)
    dialog.expect_fingerprint.setText(case.signing_key.fingerprint)
    dialog.expect_head.setText(bundle.journal_head)
    check(qtbot, dialog, bundle.folder, bundle.passphrase)
    assert dialog.verdict.styleSheet() == INTACT_STYLE
    assert "are the ones you typed" in dialog.verdict.text()
    dialog.expect_fingerprint.setText("0" * 64)
    check(qtbot, dialog, bundle.folder, bundle.passphrase)
    assert dialog.verdict.styleSheet() == NOT_INTACT_STYLE
    assert "another key" in dialog.details.toPlainText()
    dialog.expect_head.setText("not a head")
    dialog.check_button.click()
    assert not dialog.busy and "64 hexadecimal digits" in dialog.message.text()


def test_tab_goes_from_the_folder_to_its_passphrase(qtbot, bundle) -> None:
    """Typed as a person would: the folder, Tab, the passphrase, Enter (issue 12: Tab used to reach Choose… first)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    dialog = new_dialog(qtbot)
    dialog.activateWindow()
    dialog.folder.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.folder)
    qtbot.keyClicks(dialog.folder, str(bundle.folder))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.passphrase
    qtbot.keyClicks(dialog.passphrase, bundle.passphrase)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert ">INTACT</span>" in dialog.verdict.text()
