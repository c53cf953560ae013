"""The browser engine's start-up flags (issue 14): the school's hosts put first before the engine starts, frozen
after; a list changed while the application runs is named on the start screen and in the settings, reached
the way a person reaches them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from evidence_app import Blocklist
from evidence_app.school import settings as settings_file
from evidence_app.school.settings import Settings
from tests.helpers.person import Person
from ui.app import Controller
from ui.engine_flags import ENV, EngineFlags

pytestmark = pytest.mark.usefixtures("clean_qt")


def test_rules_go_in_front_of_flags_already_set_and_are_replaced_until_the_engine_starts() -> None:
    env = {ENV: '--disable-gpu --host-resolver-rules="MAP * ~NOTFOUND"'}
    engine = EngineFlags(env)
    engine.block_listed_hosts(Blocklist.from_text("old.example\n"))
    assert env[ENV] == ('--disable-gpu "--host-resolver-rules=MAP old.example ~NOTFOUND, MAP *.old.example ~NOTFOUND, '
                        'MAP old.example. ~NOTFOUND, MAP *.old.example. ~NOTFOUND, MAP * ~NOTFOUND" '
                        '"--host-rules=MAP old.example 127.0.0.1:9, MAP *.old.example 127.0.0.1:9, '
                        'MAP old.example. 127.0.0.1:9, MAP *.old.example. 127.0.0.1:9"')
    engine.block_listed_hosts(Blocklist.from_text("new.example\n"))  # the settings changed before any browser
    assert "new.example" in env[ENV] and "old.example" not in env[ENV] and env[ENV].count("MAP * ~NOTFOUND") == 1
    engine.block_listed_hosts(None)
    assert env[ENV] == '--disable-gpu --host-resolver-rules="MAP * ~NOTFOUND"'


def test_nothing_is_set_when_nothing_is_listed_and_nothing_was_set() -> None:
    env: dict[str, str] = {}
    EngineFlags(env).block_listed_hosts(Blocklist.from_text("https://a.example/page\n"))
    assert env == {}


def test_flags_already_long_leave_less_room_and_the_whole_stays_within_windows_limit() -> None:
    env = {ENV: "--lang=en " + '"--host-resolver-rules=' + ", ".join(f"MAP h{n}.test 127.0.0.1" for n in range(900)) + '"'}
    engine = EngineFlags(env)
    listed = Blocklist.from_text("".join(f"site-number-{n}.example\n" for n in range(200)))
    rules = engine.block_listed_hosts(listed)
    assert 0 < len(rules.hosts) < 50 and len(env[ENV]) <= 32_767
    assert "too many to block that way" in engine.summary(listed)


def test_once_the_engine_started_the_flags_stay_and_new_hosts_wait_for_a_restart() -> None:
    env: dict[str, str] = {}
    engine = EngineFlags(env)
    engine.block_listed_hosts(Blocklist.from_text("old.example\n"))
    engine.started()
    before = dict(env)
    now = Blocklist.from_text("old.example\nnew.example\n")
    assert engine.block_listed_hosts(now).hosts == {"old.example"} and env == before
    assert engine.waiting_for_restart(now) == ("new.example",)
    note = engine.restart_note(now)
    assert "new.example" in note and "refused at once" in note and "after Evidence App is restarted" in note


def test_hosts_that_cannot_be_mapped_are_named_as_such_not_as_waiting_for_a_restart() -> None:
    engine = EngineFlags({})
    listed = Blocklist.from_text("a，b.example\nfine.example\n")
    engine.block_listed_hosts(listed)
    note = engine.restart_note(listed)
    assert note.startswith("Not blocked at the connection level: a,b.example") and "restarted" not in note


def _write(folder: Path, hosts: str) -> Path:
    listed = folder / "blocklist.txt"
    listed.write_text(hosts, encoding="utf-8")
    return listed


def test_a_host_listed_while_running_is_named_in_the_settings_and_on_the_start_screen(
        qtbot, qapp: QApplication, tmp_path: Path) -> None:
    listed = _write(tmp_path, "old.example\n")
    path = tmp_path / "settings.json"
    settings_file.save(Settings(blocklist_file=str(listed)), path)
    engine = EngineFlags({})
    controller = Controller(qapp, cases_root=tmp_path / "cases", settings_path=path, with_browser=False,
                            engine=engine)
    person = Person(qtbot, qapp)
    try:
        start = controller.show_start()
        assert engine.rules.hosts == {"old.example"} and "MAP old.example ~NOTFOUND" in engine.environ[ENV]
        assert not start.blocklist_note.isVisible()
        engine.started()  # a case window's browser has started the engine
        _write(tmp_path, "old.example\nnew.example\n")  # the school's list changes while the app runs
        person.press_button(start, "Settings")
        dialog = person.window("Settings")
        assert person.sees_text(dialog, "blocked from the start") and person.sees_text(dialog, "new.example")
        assert person.sees_text(dialog, "blocked fully after Evidence App is restarted")
        person.press_button(dialog, "Save the settings")
        person.gone("Settings")
        assert start.blocklist_note.isVisible()
        assert "Listed since Evidence App started: new.example" in start.blocklist_note.text()
        assert "MAP new.example" not in engine.environ[ENV]  # the engine cannot take it any more
    finally:
        controller.shutdown()


def test_a_list_changed_before_any_browser_started_is_blocked_fully_at_once(
        qtbot, qapp: QApplication, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    engine = EngineFlags({})
    controller = Controller(qapp, cases_root=tmp_path / "cases", settings_path=path, with_browser=False,
                            engine=engine)
    person = Person(qtbot, qapp)
    try:
        start = controller.show_start()
        assert engine.environ == {}
        listed = _write(tmp_path, "new.example\n")
        person.press_button(start, "Settings")
        dialog = person.window("Settings")
        person.fill(dialog, "Blocklist file", str(listed))
        person.press_button(dialog, "Save the settings")
        person.gone("Settings")
        assert "MAP new.example ~NOTFOUND" in engine.environ[ENV] and not start.blocklist_note.isVisible()
    finally:
        controller.shutdown()


def test_the_first_browser_takes_the_list_as_read_then_and_later_ones_name_what_waits(
        qapp: QApplication, store, tmp_path: Path) -> None:
    from tests.helpers.cases import make_case

    listed = _write(tmp_path, "old.example\n")
    path = tmp_path / "settings.json"
    settings_file.save(Settings(blocklist_file=str(listed)), path)
    engine = EngineFlags({})
    controller = Controller(qapp, store=store, settings_path=path, with_browser=False, engine=engine)
    case = make_case(store)
    try:
        build = controller._with_blocklist(lambda case, blocklist, time_server="": blocklist)
        _write(tmp_path, "old.example\nnewer.example\n")  # changed on disk before the first case's browser
        build(case)
        assert engine.rules.hosts == {"old.example", "newer.example"} and "MAP newer.example" in engine.environ[ENV]
        engine.started()  # that browser's profile started the engine
        _write(tmp_path, "old.example\nnewer.example\nnewest.example\n")
        assert build(case).matches("https://newest.example/")  # the guard refuses it at once
        assert "MAP newest.example" not in engine.environ[ENV]
        assert "Listed since Evidence App started: newest.example." in controller.start.blocklist_note.text()
    finally:
        case.lock()
        controller.shutdown()
