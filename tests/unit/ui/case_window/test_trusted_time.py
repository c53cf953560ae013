"""Trusted time in the case window: stamped in the background, queued offline, shown on the timeline.

A real RFC 3161 authority on 127.0.0.1; "offline" is a port nothing listens on.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from evidence_app import Kind
from tests.helpers.images import make_png
from tests.helpers.person import Person
from tests.helpers.tsa import local_tsa

pytestmark = pytest.mark.usefixtures("clean_qt")


def _offline_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/tsa"


def _stamps(case) -> list:
    return [e for e in case.events() if e.kind == Kind.TIMESTAMPED]


def test_offline_then_online_the_capture_gets_a_trusted_time_shown_on_the_timeline(qtbot, qapp: QApplication,
                                                                                  controller, case) -> None:
    person = Person(qtbot, qapp)
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    controller.settings = controller.settings.with_changes(tsa_url=_offline_url())
    window = controller.show_case(case)
    runner = window.trusted_time
    qtbot.waitUntil(lambda: runner.last is not None, timeout=20_000)  # the run at opening
    assert runner.last.stamped == 0 and runner.last.pending == 1 and "did not answer" in runner.last.problem
    assert _stamps(case) == [], "offline, the checkpoint waits in the case"

    with local_tsa() as url:
        controller.settings = controller.settings.with_changes(tsa_url=url)
        assert not runner.run(), "after a failure the authority is left alone for a few minutes"
        assert runner.run(now=True), "a run starts when something is pending"
        qtbot.waitUntil(lambda: not runner.running, timeout=20_000)
    assert runner.last.stamped == 1, runner.last
    assert not runner.run(), "nothing is pending any more"
    case.add_note("A note after the trusted time")

    person.shortcut(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    timeline = person.window("Timeline of case")
    qtbot.waitUntil(lambda: not timeline.checking, timeout=20_000)
    rows = timeline.visible_rows()
    trusted = {row[3]: row[2] for row in rows}
    assert trusted["Screenshot"].startswith("✓ by"), rows
    assert trusted["Case started"].startswith("✓ by")
    assert trusted["Note"] == "—" and trusted["Trusted time received"] == "—"
    assert "Test Time-Stamp Authority" in next(row[5] for row in rows if row[3] == "Trusted time received")
    assert "✓ Journal intact" in timeline.status.text() and "A trusted time covers events 0 to" in timeline.status.text()
    table = person.find(timeline, "Journal events", QTableView)
    assert table.model().headerData(2, Qt.Orientation.Horizontal) == "Trusted time"
    shots = os.environ.get("JOURNEY_SHOTS")
    if shots:
        timeline.resize(1300, 600)
        person.pause(300)
        timeline.grab().save(str(Path(shots) / "timeline-trusted-time.png"), "PNG")


def test_no_authority_set_means_no_run_and_the_stop_does_not_wait(qtbot, controller, case) -> None:
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    window = controller.show_case(case)
    runner = window.trusted_time
    assert not runner.run() and runner.last is None
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # an authority that never answers
    try:
        controller.settings = controller.settings.with_changes(
            tsa_url=f"http://127.0.0.1:{silent.getsockname()[1]}/tsa")
        assert runner.run()
        case.flag_csam("https://example.org/bad")  # the stop, while the worker waits on the network
        assert case.status == "sealed"
    finally:
        silent.close()
        qtbot.waitUntil(lambda: not runner.running, timeout=30_000)
