"""The new-case wizard: valid, weak, identical and mistyped passphrases, and where it ends."""

from __future__ import annotations

import json

import pytest

from tests.helpers.cases import PASS_A, PASS_B
from ui.case_window.window import CaseWindow
from ui.start.wizard import NewCaseWizard

pytestmark = pytest.mark.usefixtures("clean_qt")


def fill(wizard: NewCaseWizard, *, pass_a: str = PASS_A, again_a: str | None = None,
         pass_b: str = PASS_B, again_b: str | None = None, name_b: str = "Bartosz Nowak") -> None:
    wizard.reason.setPlainText("A teacher saw a pupil on a gambling site in an ICT lesson")
    wizard.group.setText("Year 9")
    wizard.subject.setText("A pupil in 9B")
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == 1, wizard.message.text()
    wizard.computer_name.setText("ICT-OFFICE-01")
    wizard.computer_location.setText("ICT office, main building")
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == 2, wizard.message.text()
    for box, name, position, first, again in (
            (wizard.first, "Alice Hughes", "Headteacher", pass_a, again_a),
            (wizard.second, name_b, "Designated safeguarding lead", pass_b, again_b)):
        box.name.setText(name)
        box.position.setText(position)
        box.secret.first.setText(first)
        box.secret.again.setText(first if again is None else again)


def test_valid_pair_creates_the_case_and_opens_its_window(qtbot, controller, store, settings_path) -> None:
    wizard = controller.new_case()
    fill(wizard)
    with qtbot.waitSignal(wizard.created, timeout=10_000) as signal:
        wizard.next_button.click()
    case = signal.args[0]
    assert case.details.reason.startswith("A teacher saw")
    assert [p.name for p in case.details.investigators] == ["Alice Hughes", "Bartosz Nowak"]
    assert case.details.computer_location == "ICT office, main building"
    assert [s.id for s in store.list()] == [case.id]
    assert len(controller.case_windows) == 1
    window = controller.case_windows[0]
    assert isinstance(window, CaseWindow) and window.isVisible()
    assert not controller.start.isVisible()
    # The computer's name and location are remembered for the next case.
    saved = json.loads(settings_path.read_text())
    assert saved["computer_name"] == "ICT-OFFICE-01"
    assert saved["computer_location"] == "ICT office, main building"
    assert controller.new_case().computer_location.text() == "ICT office, main building"
    # Passphrases do not linger in the wizard's boxes.
    assert wizard.first.secret.first.text() == "" and wizard.second.secret.again.text() == ""


@pytest.mark.parametrize("weak, reason", [
    ("short1!", "it has 7 characters, it needs at least 8"),
    ("longenough!!", "it needs at least one digit"),
    ("longenough12", "it needs at least one symbol"),
    ("Bartosz 2024!", "it contains the investigator's own name"),
])
def test_weak_passphrase_refused_with_the_reason(qtbot, controller, store, weak: str, reason: str) -> None:
    wizard = controller.new_case()
    fill(wizard, pass_b=weak)
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == 2
    assert "not strong enough" in wizard.message.text()
    assert reason in wizard.message.text()
    assert "Bartosz Nowak" in wizard.message.text()
    assert store.list() == [] and not wizard.busy
    # The same reason was shown live as it was typed.
    assert reason.capitalize() in wizard.second.secret.feedback.text()


def test_identical_passphrases_refused(qtbot, controller, store) -> None:
    wizard = controller.new_case()
    fill(wizard, pass_b=PASS_A)
    wizard.next_button.click()
    assert "the two passphrases are the same" in wizard.message.text()
    assert "Too close to the other investigator's passphrase" in wizard.second.secret.feedback.text()
    assert store.list() == []


def test_same_person_twice_refused(qtbot, controller, store) -> None:
    wizard = controller.new_case()
    fill(wizard, name_b="alice  HUGHES")
    wizard.next_button.click()
    assert "two different people" in wizard.message.text()
    assert store.list() == []


def test_mistyped_confirmation_refused(qtbot, controller, store) -> None:
    wizard = controller.new_case()
    fill(wizard, again_a=PASS_A + "x")
    assert "✗ The two entries differ" in wizard.first.secret.feedback.text()
    wizard.next_button.click()
    assert "Alice Hughes's passphrase are different" in wizard.message.text()
    assert store.list() == []


def test_live_rules_follow_the_typing(qtbot, controller) -> None:
    wizard = controller.new_case()
    feedback = wizard.first.secret.feedback
    assert "at least 8 characters" in feedback.text()  # the rules, before anything is typed
    wizard.first.secret.first.setText("abc")
    assert "needs at least one digit" in feedback.text()
    wizard.first.secret.first.setText("Password1!")
    assert "✗ Too easy to guess" in feedback.text()
    wizard.first.secret.first.setText("walrus-123-glacier")
    assert "✓ Meets the school's rules" in feedback.text()
    assert "Type it again" in feedback.text()
    wizard.first.secret.again.setText("walrus-123-glacier")
    assert "✓ Both entries match" in feedback.text()


def test_first_pages_need_their_answers(qtbot, controller) -> None:
    wizard = controller.new_case()
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == 0
    assert "reason" in wizard.message.text()
    wizard.reason.setPlainText("Something")
    wizard.group.setText("Staff")
    wizard.next_button.click()
    wizard.computer_location.clear()
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == 1
    assert "where this computer is" in wizard.message.text()
    wizard.back_button.click()
    assert wizard.pages.currentIndex() == 0


def test_cancel_asks_before_throwing_away_what_was_typed(qtbot, controller) -> None:
    wizard = controller.new_case()
    wizard.reason.setPlainText("Something the pair typed")
    wizard.cancel_button.click()
    box = wizard._discard
    assert box is not None and box.isVisible() and wizard.isVisible()
    keep = next(b for b in box.buttons() if box.buttonRole(b) == box.ButtonRole.RejectRole)
    keep.click()
    assert wizard.isVisible() and wizard.reason.toPlainText() == "Something the pair typed"
    wizard.cancel_button.click()
    box = wizard._discard
    assert box is not None
    discard = next(b for b in box.buttons() if box.buttonRole(b) == box.ButtonRole.DestructiveRole)
    discard.click()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=5_000)


def test_cancel_with_nothing_typed_closes_at_once(qtbot, controller) -> None:
    wizard = controller.new_case()
    wizard.cancel_button.click()
    assert wizard._discard is None
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=5_000)


def test_the_red_problem_goes_once_the_passphrases_are_put_right(qtbot, store) -> None:
    """Issue 12: the red message stayed after the passphrases had been fixed."""
    from tests.helpers.cases import PASS_A, PASS_B
    from ui.start.wizard import NewCaseWizard

    wizard = NewCaseWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.reason.setPlainText("A report")
    wizard.group.setText("Year 9")
    wizard.next_button.click()
    wizard.computer_name.setText("PC")
    wizard.computer_location.setText("Office")
    wizard.next_button.click()
    for box, name, secret in ((wizard.first, "Alice Hughes", PASS_A), (wizard.second, "Bartosz Nowak", PASS_B)):
        box.name.setText(name)
        box.position.setText("Head")
        box.secret.first.setText(secret)
    wizard.second.secret.again.setText("not the same")
    wizard.first.secret.again.setText(PASS_A)
    wizard.next_button.click()
    assert "different" in wizard.message.text()
    wizard.second.secret.again.setText(PASS_B)
    assert wizard.message.text() == ""
