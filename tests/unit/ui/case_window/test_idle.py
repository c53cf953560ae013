"""The idle lock: one timer, any input restarts it, locking leaves nothing of the case in any widget."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from evidence_app import Kind
from tests.helpers.cases import PASS_A, PASS_B
from tests.helpers.images import make_png
from tests.unit.ui.conftest import reachable_text
from ui.case_window.window import LOCKED_PAGE, WORK_PAGE, CaseWindow

pytestmark = pytest.mark.usefixtures("clean_qt")

NOTE = "Pupil shared a link to a violent video at 10:42"
SECRETS = ("Report of a pupil visiting an inappropriate site", "Alice Hughes", "Bartosz Nowak",
           "Headteacher", "A pupil in 9B", NOTE, "violent.example", "Typed but not added")


def busy_case_window(controller, case) -> CaseWindow:
    case.record_visit("https://violent.example/watch", "Watch")
    case.add_capture(make_png(seed=9), kind="viewport", url="https://violent.example/watch", concern="gambling")
    window = controller.show_case(case)
    window.add_note(NOTE)
    window.panel.note_box.setPlainText("Typed but not added")
    window.show_timeline()
    return window


def test_idle_timeout_locks_and_forgets_everything(qtbot, qapp, controller, case) -> None:
    window = busy_case_window(controller, case)
    everything = reachable_text(qapp)
    assert all(secret in everything for secret in SECRETS)  # the check below can fail
    assert controller.idle.active
    controller.idle.timer.timeout.emit()  # as if five minutes passed with nobody at the keyboard
    assert case.locked
    assert window.pages.currentIndex() == LOCKED_PAGE
    assert window.timeline is None
    qapp.processEvents()
    left = reachable_text(qapp)
    for secret in SECRETS:
        assert secret not in left, secret
    assert not controller.idle.active  # nothing to lock while locked
    assert not window.actions_by_name["timeline"].isEnabled()
    assert window.show_timeline() is None


def test_real_timer_with_a_tiny_interval(qtbot, controller, case) -> None:
    window = controller.show_case(case)
    controller.idle.set_interval_ms(50)
    controller.idle.start()
    qtbot.waitUntil(lambda: case.locked, timeout=5_000)
    assert window.pages.currentIndex() == LOCKED_PAGE


def test_unlock_needs_both_passphrases(qtbot, qapp, controller, case) -> None:
    window = busy_case_window(controller, case)
    window.lock()
    form = window.unlock_form

    def attempt(first: str, second: str) -> None:
        form.pair.first.setText(first)
        form.pair.second.setText(second)
        form.unlock_button.click()
        qtbot.waitUntil(lambda: not window._unlocking, timeout=10_000)

    attempt(PASS_A, "")
    assert case.locked and "Both investigators" in form.message.text()
    attempt(PASS_A, "Wrong but strong 1!")
    assert case.locked and "wrong" in form.message.text()
    assert form.pair.passphrases() == ("", "")
    assert window.pages.currentIndex() == LOCKED_PAGE
    assert NOTE not in reachable_text(qapp)
    with qtbot.waitSignal(window.unlocked, timeout=10_000):
        attempt(PASS_A, PASS_B)
    assert not case.locked and window.pages.currentIndex() == WORK_PAGE
    assert "Alice Hughes" in window.panel.people.text()
    assert window.panel.notes.count() == 1
    assert window.panel.note_box.toPlainText() == "Typed but not added"  # the unsaved draft came back
    assert controller.idle.active
    kinds = [e.kind for e in case.events()]
    assert kinds[-2:] == [Kind.LOCKED, Kind.UNLOCKED]


def test_any_input_restarts_the_one_timer(qtbot, qapp, controller, case) -> None:
    window = controller.show_case(case)
    controller.idle.set_interval_ms(10_000)
    controller.idle.start()
    qtbot.wait(400)
    assert controller.idle.timer.remainingTime() < 9_700
    QApplication.sendEvent(window.panel.note_box,
                           QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a"))
    assert controller.idle.timer.remainingTime() > 9_900
    timers = [t for t in controller.idle.findChildren(type(controller.idle.timer))
              if t.objectName() == "idle-lock-timer"]
    assert len(timers) == 1


def test_lock_by_hand_and_close(qtbot, controller, case) -> None:
    window = controller.show_case(case)
    window.actions_by_name["lock"].trigger()
    assert case.locked
    window.close()
    assert controller.case_windows == []
    assert controller.start.isVisible()


def test_settings_set_the_idle_time(qtbot, controller, settings_path) -> None:
    dialog = controller.edit_settings()
    dialog.idle_minutes.setValue(12)
    dialog.fields["police_contact"].setText("101")
    dialog.save()
    assert controller.settings.idle_lock_minutes == 12
    assert controller.idle.timer.interval() == 12 * 60_000
    assert '"police_contact": "101"' in settings_path.read_text()


def test_bad_settings_are_refused_in_words(qtbot, controller, settings_path) -> None:
    dialog = controller.edit_settings()
    dialog.fields["cases_folder"].setText("relative/folder")
    dialog.save()
    assert "full path" in dialog.message.text()
    assert dialog.isVisible() and not settings_path.exists()


def test_the_real_browser_is_torn_down_on_lock_and_rebuilt_on_unlock(qtbot, qapp, store, settings_path,
                                                                     clean_qt) -> None:
    from tests.helpers.cases import CHEAP, make_case
    from ui.app import Controller

    controller = Controller(qapp, store=store, settings_path=settings_path, kdf=CHEAP, with_browser=True)
    case = make_case(store)
    try:
        window = controller.show_case(case)
        first = window.browser_widget
        assert first is not None and type(first).__name__ == "RecordedBrowser"
        window.lock()
        assert window.browser_widget is None and first.closed and case.locked
        window.unlock((PASS_A, PASS_B))
        qtbot.waitUntil(lambda: not case.locked and window.browser_widget is not None, timeout=10_000)
        assert window.browser_widget is not first
    finally:
        controller.shutdown()
    assert case.locked

