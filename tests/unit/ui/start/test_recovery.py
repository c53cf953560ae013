"""One investigator and the school key: sign-in, the red banner, the idle-lock unlock; wrong secrets change nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from evidence_app import Kind
from tests.helpers.cases import CHEAP, PASS_A, PASS_B, PASSPHRASES, make_case
from ui.case_window.extras import install_case_extras
from ui.case_window.window import CaseWindow
from ui.start.recovery import opened_with_school_key
from ui.start.sign_in import SignInDialog

pytestmark = pytest.mark.usefixtures("clean_qt")
COORDINATOR = "Head's own pass 2026!"


@pytest.fixture
def school(store):
    return store.create_school_key(COORDINATOR, kdf=CHEAP)


@pytest.fixture
def case_id(store, school) -> str:
    case = make_case(store)
    case.lock()
    return case.id


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def recover(qtbot, dialog: SignInDialog, passphrase: str, *, coordinator: str = "", words: str = "") -> None:
    dialog.switch_link.linkActivated.emit("recover")
    assert dialog.recovering and dialog.recovery.isVisible() and not dialog.pair.isVisible()
    dialog.recovery.investigator.setText(passphrase)
    if words:
        dialog.recovery.school.use_words()
        dialog.recovery.school.words.setPlainText(words)
    else:
        dialog.recovery.school.passphrase.setText(coordinator)
    dialog.open_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)


def test_coordinator_passphrase_opens_with_a_red_banner(qtbot, controller, store, case_id) -> None:
    dialog = controller.open_case(case_id)
    assert "not available" in dialog.switch_link.text()
    recover(qtbot, dialog, PASS_B, coordinator=COORDINATOR)
    assert controller.case_windows, dialog.message.text()
    window = controller.case_windows[0]
    banner = window.extras.banner
    assert banner.isVisible()
    assert banner.text().startswith("⚠ Opened with the school key: Bartosz Nowak")
    assert "#b3261e" in banner.styleSheet()
    recovered = [e for e in window.case.events() if e.kind == Kind.RECOVERED]
    assert recovered and recovered[-1].data["investigator"] == "Bartosz Nowak"
    # locking hides the banner; both investigators unlocking does not show it again
    window.lock()
    assert not banner.isVisible()
    window.unlock_form.pair.first.setText(PASS_A)
    window.unlock_form.pair.second.setText(PASS_B)
    with qtbot.waitSignal(window.unlocked, timeout=15_000):
        window.unlock_form.unlock_button.click()
    assert not banner.isVisible() and opened_with_school_key(window.case) == ""


def test_the_24_words_open_it_too(qtbot, controller, store, school, case_id) -> None:
    dialog = controller.open_case(case_id)
    recover(qtbot, dialog, PASS_A, words=school.to_words().upper())
    window = controller.case_windows[0]
    assert "Alice Hughes" in window.extras.banner.text()


@pytest.mark.parametrize("investigator, coordinator, words, expected", [
    ("Not her passphrase 1!", COORDINATOR, "", "do not open this case together"),
    (PASS_A, "Not the coordinator 9!", "", "not the coordinator's passphrase"),
    (PASS_A, "", "abandon " * 23 + "zoo", "do not make a valid school key"),
    (PASS_A, "", "only three words", "24 words"),
    ("", COORDINATOR, "", "must type their passphrase"),
])
def test_wrong_secrets_are_refused_and_nothing_changes(qtbot, controller, store, case_id, investigator,
                                                        coordinator, words, expected) -> None:
    before = snapshot(store.root / case_id)
    register = (store.root / "register.log").read_bytes()
    dialog = controller.open_case(case_id)
    recover(qtbot, dialog, investigator, coordinator=coordinator, words=words)
    assert expected in dialog.message.text()
    assert controller.case_windows == [] and dialog.isVisible()
    assert snapshot(store.root / case_id) == before
    assert (store.root / "register.log").read_bytes() == register


def test_the_link_goes_back_to_both_investigators(qtbot, controller, case_id) -> None:
    dialog = controller.open_case(case_id)
    dialog.switch_link.linkActivated.emit("recover")
    dialog.recovery.investigator.setText("typed")
    dialog.switch_link.linkActivated.emit("pair")
    assert not dialog.recovering and dialog.pair.isVisible()
    assert dialog.recovery.investigator.text() == ""  # nothing typed is kept when switching


def test_idle_lock_unlock_offers_the_school_key(qtbot, store, school) -> None:
    case = make_case(store)
    window = CaseWindow(case)
    install_case_extras(window)
    qtbot.addWidget(window)
    window.show()
    assert not window.extras.banner.isVisible()
    window.lock()
    form = window.unlock_form
    assert form.switch_link.isVisible()
    form.switch_link.linkActivated.emit("recover")
    form.recovery.investigator.setText(PASS_A)
    form.recovery.school.passphrase.setText("Not the coordinator 9!")
    form.unlock_button.click()
    qtbot.waitUntil(lambda: form.unlock_button.isEnabled(), timeout=15_000)
    assert case.locked and "not the coordinator's passphrase" in form.message.text()
    form.recovery.investigator.setText(PASS_A)
    form.recovery.school.passphrase.setText(COORDINATOR)
    with qtbot.waitSignal(window.unlocked, timeout=15_000):
        form.recovery.school.passphrase.returnPressed.emit()
    assert window.extras.banner.isVisible() and "Alice Hughes" in window.extras.banner.text()
    assert [e.kind for e in case.events()][-3:] == [Kind.UNLOCKED, Kind.RECOVERED, Kind.REGISTERED]
    # the next lock starts again from both investigators' boxes
    window.lock()
    assert not form.recovering
    case.unlock(PASSPHRASES)
    case.lock()
