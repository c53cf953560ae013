"""Restarting Evidence App when the saved list names hosts only a restart blocks fully (issue 14): when it is
offered, the dialog reached the way a person reaches it, the command it runs, and a real detached launch."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from evidence_app import Blocklist
from evidence_app.school import settings as settings_file
from evidence_app.school.settings import Settings
from tests.helpers.person import Person
from ui.app import Controller
from ui.engine_flags import ENV, EngineFlags
from ui.restart import launch_detached, restart_command
from ui.settings.restart_dialog import offer_text

pytestmark = pytest.mark.usefixtures("clean_qt")


def test_a_restart_is_offered_only_for_hosts_it_would_block() -> None:
    engine = EngineFlags({})
    engine.block_listed_hosts(Blocklist.from_text("old.example\n"))
    assert engine.restart_would_block(Blocklist.from_text("old.example\nnew.example\n")) == ()  # not started yet
    engine.started()
    assert engine.restart_would_block(Blocklist.from_text("old.example\nnew.example\n")) == ("new.example",)
    assert engine.restart_would_block(Blocklist.from_text("old.example\n")) == ()
    assert engine.restart_would_block(None) == ()  # a host taken off the list: nothing to gain
    assert engine.restart_would_block(Blocklist.from_text("https://new.example/page\na，b.example\n")) == ()


def test_the_restart_gets_the_engine_flags_as_they_were_before_this_run() -> None:
    engine = EngineFlags({ENV: "--lang=en", "HOME": "/home/ict"})
    engine.block_listed_hosts(Blocklist.from_text("old.example\n"))
    assert "MAP old.example" in engine.environ[ENV]
    assert engine.environment_for_restart() == {ENV: "--lang=en", "HOME": "/home/ict"}
    untouched = EngineFlags({"HOME": "/home/ict"})
    untouched.block_listed_hosts(Blocklist.from_text("old.example\n"))
    assert untouched.environment_for_restart() == {"HOME": "/home/ict"}


def test_the_command_is_this_program_as_it_was_started() -> None:
    assert restart_command() == [sys.executable, *sys.orig_argv[1:]]
    assert restart_command(executable="/usr/bin/python3", orig_argv=["python", "-X", "utf8", "-m", "ui", "--cases",
                                                                     "C:/cases"], frozen=False) == [
        "/usr/bin/python3", "-X", "utf8", "-m", "ui", "--cases", "C:/cases"]
    assert restart_command(executable="C:/Program Files/Evidence App/evidence-app.exe",
                           argv=["evidence-app", "--cases", "D:/x"], frozen=True) == [
        "C:/Program Files/Evidence App/evidence-app.exe", "--cases", "D:/x"]


def test_a_detached_launch_really_starts_the_program_with_the_environment_given(tmp_path: Path) -> None:
    out = tmp_path / "started.txt"
    script = ("import os, sys; open(sys.argv[1], 'w').write(os.getcwd() + '|' + "
              f"os.environ.get({ENV!r}, '<none>'))")
    engine = EngineFlags({ENV: "--lang=en"})
    engine.block_listed_hosts(Blocklist.from_text("old.example\n"))
    assert launch_detached([sys.executable, "-c", script, str(out)], engine.environment_for_restart(), str(tmp_path))
    deadline = time.monotonic() + 30
    while not (out.exists() and out.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert out.read_text() == f"{tmp_path}|--lang=en"
    assert not launch_detached([str(tmp_path / "no-such-program")], {}, str(tmp_path))


def test_the_offer_tells_what_a_restart_does_and_that_open_cases_are_locked_first() -> None:
    assert "already refused" in offer_text(("new.example",), 0) and "sign in again" not in offer_text(("new.example",), 0)
    many = offer_text(tuple(f"h{n}.example" for n in range(5)), 1)
    assert "h0.example, h1.example, h2.example and 2 more" in many and "locks the open case first" in many


class Restarts:
    def __init__(self) -> None:
        self.launched: list[tuple[list[str], dict[str, str]]] = []
        self.quit = 0
        self.works = True

    def launch(self, command, environment) -> bool:  # type: ignore[no-untyped-def]
        self.launched.append((list(command), dict(environment)))
        return self.works

    def quit_application(self) -> None:
        self.quit += 1


def _started_app(qapp: QApplication, tmp_path: Path, restarts: Restarts) -> tuple[Controller, EngineFlags, Path]:
    listed = tmp_path / "blocklist.txt"
    listed.write_text("old.example\n", encoding="utf-8")
    path = tmp_path / "settings.json"
    settings_file.save(Settings(blocklist_file=str(listed)), path)
    engine = EngineFlags({ENV: "--lang=en"})
    controller = Controller(qapp, cases_root=tmp_path / "cases", settings_path=path, with_browser=False,
                            engine=engine, launch=restarts.launch)
    controller.quit_application = restarts.quit_application
    engine.started()  # a case's browser has started the engine
    return controller, engine, listed


def test_saving_a_list_with_a_new_host_offers_a_restart_and_later_changes_nothing(
        qtbot, qapp: QApplication, tmp_path: Path) -> None:
    restarts = Restarts()
    controller, _engine, listed = _started_app(qapp, tmp_path, restarts)
    person = Person(qtbot, qapp)
    try:
        start = controller.show_start()
        person.press_button(start, "Settings")
        person.press_button(person.window("Settings"), "Save the settings")  # nothing new listed: no offer
        person.gone("Settings")
        person.pause(200)
        assert not any(w.windowTitle() == "Restart Evidence App?" and w.isVisible() for w in qapp.topLevelWidgets())
        listed.write_text("old.example\nnew.example\n", encoding="utf-8")
        person.press_button(start, "Settings")
        person.press_button(person.window("Settings"), "Save the settings")
        offer = person.window("Restart Evidence App?")
        assert person.sees_text(offer, "new.example") and person.sees_text(offer, "starts again")
        person.press_button(offer, "Later")
        person.gone("Restart Evidence App?")
        assert restarts.launched == [] and restarts.quit == 0
        assert "new.example" in start.blocklist_note.text()
    finally:
        controller.shutdown()


def _list_a_new_host_and_restart(controller, person: Person, listed: Path):  # type: ignore[no-untyped-def]
    """A host added to the list, Settings saved, and "Restart Evidence App now" pressed; the start screen."""
    start = controller.show_start()
    listed.write_text("old.example\nnew.example\n", encoding="utf-8")
    person.press_button(start, "Settings")
    person.press_button(person.window("Settings"), "Save the settings")
    person.press_button(person.window("Restart Evidence App?"), "Restart Evidence App now")
    return start


def test_restart_now_starts_the_same_program_with_the_flags_from_before_and_quits(
        qtbot, qapp: QApplication, tmp_path: Path) -> None:
    restarts = Restarts()
    controller, _engine, listed = _started_app(qapp, tmp_path, restarts)
    person = Person(qtbot, qapp)
    try:
        start = _list_a_new_host_and_restart(controller, person, listed)
        person.wait_for(lambda: restarts.quit == 1)
        [(command, environment)] = restarts.launched
        assert command == [sys.executable, *sys.orig_argv[1:]] and environment == {ENV: "--lang=en"}
    finally:
        controller.shutdown()


def test_a_restart_that_cannot_start_says_so_and_keeps_running(qtbot, qapp: QApplication, tmp_path: Path) -> None:
    restarts = Restarts()
    restarts.works = False
    controller, _engine, listed = _started_app(qapp, tmp_path, restarts)
    person = Person(qtbot, qapp)
    try:
        start = _list_a_new_host_and_restart(controller, person, listed)
        person.wait_for(lambda: start.problem.isVisible())
        assert "could not start again" in start.problem.text() and restarts.quit == 0
    finally:
        controller.shutdown()


def test_restart_now_locks_an_open_case_first_and_the_offer_says_so(qtbot, qapp: QApplication, store,
                                                                     tmp_path: Path) -> None:
    from tests.helpers.cases import make_case

    restarts = Restarts()
    listed = tmp_path / "blocklist.txt"
    listed.write_text("old.example\n", encoding="utf-8")
    path = tmp_path / "settings.json"
    settings_file.save(Settings(blocklist_file=str(listed)), path)
    engine = EngineFlags({})
    controller = Controller(qapp, store=store, settings_path=path, with_browser=False, engine=engine,
                            launch=restarts.launch)
    controller.quit_application = restarts.quit_application
    engine.started()
    person = Person(qtbot, qapp)
    case = make_case(store)
    try:
        controller.show_case(case)
        listed.write_text("old.example\nnew.example\n", encoding="utf-8")
        controller.offer_restart()  # as after a save
        offer = person.window("Restart Evidence App?")
        assert person.sees_text(offer, "locks the open case first") and person.sees_text(offer, "sign in again")
        person.press_button(offer, "Restart Evidence App now")
        person.wait_for(lambda: restarts.quit == 1)
        assert case.locked and controller.case_windows == [] and len(restarts.launched) == 1
    finally:
        controller.shutdown()


def test_a_real_restart_starts_the_same_command_with_the_flags_from_before_and_the_first_exits_cleanly(
        tmp_path: Path) -> None:
    import json
    import os
    import subprocess

    log = tmp_path / "runs.jsonl"
    env = dict(os.environ, QTWEBENGINE_CHROMIUM_FLAGS="--lang=en", QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "tests.helpers.restart_app", str(log), str(tmp_path)]
    first = subprocess.run(command, cwd=Path(__file__).resolve().parents[3], env=env, capture_output=True,
                           text=True, timeout=120, check=False)
    assert first.returncode == 0, first.stderr[-3000:]
    deadline = time.monotonic() + 60
    while len(log.read_text().splitlines()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    runs = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(runs) == 2, runs
    by_exit = {("exit" in run): run for run in runs}
    started, restarted = by_exit[True], by_exit[False]
    assert started["exit"] == 0 and "MAP old.example ~NOTFOUND" in started["ours"]
    assert restarted["pid"] != started["pid"] and restarted["argv"] == started["argv"] == command[1:]
    assert restarted["flags"] == "--lang=en"  # the flags as before: the new run makes its own rules
