"""The case writer: one thread, first in first out, results and faults back on the UI thread."""

from __future__ import annotations

import threading

from evidence_app import CaseSealed, Kind
from ui.browser.writer import CaseWriter


def test_jobs_run_in_order_off_the_ui_thread_and_report_back_on_it(qtbot) -> None:
    writer = CaseWriter()
    ran: list[tuple[int, bool]] = []
    delivered: list[int] = []
    ui = threading.current_thread()
    for i in range(50):
        writer.submit(lambda i=i: ran.append((i, threading.current_thread() is ui)) or i,
                      lambda result: delivered.append(result))
    assert writer.flush(5)
    assert [i for i, _ in ran] == list(range(50))
    assert not any(on_ui for _, on_ui in ran)
    qtbot.waitUntil(lambda: len(delivered) == 50)
    assert delivered == list(range(50))
    assert writer.close()


def test_known_faults_come_back_as_their_sentence(qtbot) -> None:
    writer = CaseWriter()

    def sealed() -> None:
        raise CaseSealed("This case is sealed.")

    with qtbot.waitSignal(writer.failed, timeout=5000) as blocker:
        writer.submit(sealed)
    assert blocker.args == ["This case is sealed."]
    with qtbot.waitSignal(writer.failed, timeout=5000) as blocker:
        writer.submit(lambda: 1 / 0, what="the visit")
    assert "saving the visit" in blocker.args[0]
    writer.close()


def test_a_closed_writer_refuses_new_jobs_but_finishes_queued_ones(case) -> None:
    writer = CaseWriter()
    for i in range(20):
        writer.submit(lambda i=i: case.record_visit(f"https://example.org/{i}"))
    assert writer.close()
    assert not writer.submit(lambda: case.record_visit("https://late.example/"))
    urls = [e.data["url"] for e in case.events() if e.kind == Kind.VISIT]
    assert urls == [f"https://example.org/{i}" for i in range(20)]
