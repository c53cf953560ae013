"""Page load time with every response recorded, against the same page loaded without the recorder.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bench_responses [--quick]

Three pages in one off-the-record profile load the same local pages in turn (alternating,
so the shared machine's noise falls on all three). All are set up as a tab's page is, with
the request interceptor and the request guard (a list naming a host the pages do not use,
so the profile's guard and the interceptor ask it about every request):

- **bare**: nothing else;
- **Chromium's floor**: a DevTools channel switched on exactly as the recorder's is
  (:func:`~ui.browser.responses.switch_on`: the Page, Media and Network domains, frames
  attached), whose bridge drops every event unread. This is what Chromium itself spends
  producing and delivering the events: the least any recorder built on DevTools can cost;
- **recorded**: a :class:`~ui.browser.responses.ResponseRecorder` (every response's record,
  every body hashed in the frontend, text bodies sent to Python).

The figure is loadStarted -> loadFinished, median of the runs; the ratio recorded/bare is the
target (<= 1.2), and recorded/floor is what our recorder adds to what Chromium costs. The time
from loadFinished until the page's record has been handed over is printed too (it happens
after the page is shown).

The heavy pages are measured twice: from a server on this machine (every response at once, so the
load is all CPU: the hardest case), and with each response 20 ms slower to arrive, as from a
server further away (for comparison; the target is checked on the first).

A new tab waits for its recorder before its first navigation (``BrowserTab.open``), so
the first page of a new tab is also measured: from making the page to its first
loadFinished, with the recorder (ready first) and without.

The test servers run in a process of their own (:mod:`bench.servers_apart`), as a real server
does not share the browser's interpreter, and answer with Nagle's algorithm off: with it on,
a response whose headers and body went in two writes waited 40 ms for a delayed ACK on a
reused connection.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import shiboken6  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer, QUrl  # noqa: E402
from PySide6.QtWebEngineCore import QWebEnginePage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.servers_apart import servers_apart  # noqa: E402
from evidence_app import Blocklist  # noqa: E402
from ui.browser.devtools import DevToolsChannel  # noqa: E402
from ui.browser.guard import RequestGuard  # noqa: E402
from ui.browser.interceptor import RequestInterceptor  # noqa: E402
from ui.browser.profile import make_profile  # noqa: E402
from ui.browser.responses import SETTLE_MS, ResponseRecorder, switch_on  # noqa: E402

GUARD = RequestGuard(Blocklist.from_text("unrelated.example\n"))


def tab_page(profile) -> QWebEnginePage:  # type: ignore[no-untyped-def]
    """A page with the interceptor and the guard, as :class:`~ui.browser.tab.BrowserTab` gives it."""
    page = QWebEnginePage(profile)
    page.interceptor = RequestInterceptor(page, GUARD)  # type: ignore[attr-defined]
    page.setUrlRequestInterceptor(page.interceptor)  # type: ignore[attr-defined]
    return page


def first_page_seconds(profile, url: str, *, recorded: bool) -> float:  # type: ignore[no-untyped-def]
    """A new tab's first page: from making the page (and its recorder) to its first loadFinished."""
    started = time.perf_counter()
    page = tab_page(profile)
    recorder = ResponseRecorder(page, lambda record: None, page) if recorded else None
    if recorder is not None:
        until(lambda: recorder.is_ready)
    load_seconds(page, url)
    elapsed = time.perf_counter() - started
    if recorder is not None:
        recorder.finish()
    shiboken6.delete(page)
    return elapsed


def until(condition, timeout_ms: int = 60_000) -> None:  # type: ignore[no-untyped-def]
    loop = QEventLoop()
    timer = QTimer()

    def check() -> None:  # a slot returns nothing (PySide6 6.12 miscounts what a slot returns)
        if condition():
            loop.quit()

    timer.timeout.connect(check)
    timer.start(5)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    timer.stop()
    if not condition():
        raise TimeoutError("timed out")


def load_seconds(page: QWebEnginePage, url: str) -> float:
    done: list[float] = []
    started = time.perf_counter()

    def finished(ok: bool) -> None:
        done.append(time.perf_counter())

    connection = page.loadFinished.connect(finished)
    page.load(QUrl(url))
    until(lambda: bool(done))
    page.loadFinished.disconnect(connection)
    return done[0] - started


def floor_channel(page: QWebEnginePage) -> DevToolsChannel:
    """A DevTools channel switched on as the recorder's is, whose bridge drops every event unread."""
    channel = DevToolsChannel(page, (), page, attach_later=True)
    enabled: list[bool] = []
    channel.ready.connect(lambda: switch_on(channel, lambda reply: enabled.append(reply.ok)))
    until(lambda: bool(enabled))
    if not enabled[0]:
        raise RuntimeError("the floor's Network domain would not switch on")
    return channel


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 5 if args.quick else 15
    from ui import bindings

    bindings.install()  # as the application does: PySide6 6.12.0 drops references to None and True
    app = QApplication.instance() or QApplication(sys.argv)
    with servers_apart() as (web_base, site_base):
        return measure(app, web_base, site_base, runs)


def measure(app: QApplication, web_base: str, site_base: str, runs: int) -> int:
    profile = make_profile()
    bare = tab_page(profile)
    floor_page = tab_page(profile)
    floor = floor_channel(floor_page)
    recorded_page = tab_page(profile)
    records: list[tuple[str, float]] = []

    def delivered(record) -> None:  # type: ignore[no-untyped-def]
        records.append((record.page_url, time.perf_counter()))

    recorder = ResponseRecorder(recorded_page, delivered, recorded_page)
    until(lambda: recorder.is_ready)
    pages = {"small page (6 responses, text, an image, JSON)": (f"{site_base}/page", True),
             "200 images": (f"{web_base}/many?n=200&kind=img", True),
             "500 stylesheets": (f"{web_base}/many?n=500&kind=css", True),
             "200 images, each 20 ms away": (f"{web_base}/many?n=200&kind=img&delay=20", False),
             "500 stylesheets, each 20 ms away": (f"{web_base}/many?n=500&kind=css&delay=20", False)}
    failed = False
    try:
        first_bare: list[float] = []
        first_recorded: list[float] = []
        for _ in range(max(3, runs // 3)):
            first_bare.append(first_page_seconds(profile, f"{site_base}/page", recorded=False))
            first_recorded.append(first_page_seconds(profile, f"{site_base}/page", recorded=True))
        print(f"a new tab's first page (small page): bare {statistics.median(first_bare) * 1000:.0f} ms, with the "
              f"recorder ready first {statistics.median(first_recorded) * 1000:.0f} ms")
        for name, (url, checked) in pages.items():
            for page in (bare, floor_page, recorded_page):  # warm all three
                load_seconds(page, url)
                load_seconds(page, "about:blank")
            plain: list[float] = []
            floored: list[float] = []
            with_recording: list[float] = []
            handover: list[float] = []
            for _ in range(runs):
                plain.append(load_seconds(bare, url))
                load_seconds(bare, "about:blank")
                floored.append(load_seconds(floor_page, url))
                load_seconds(floor_page, "about:blank")
                records.clear()
                with_recording.append(load_seconds(recorded_page, url))
                finished = time.perf_counter()
                until(lambda: any(u == url and t > finished for u, t in records))
                handover.append(next(t for u, t in records if u == url and t > finished) - finished)
                load_seconds(recorded_page, "about:blank")
            bare_ms, floor_ms, recorded_ms = (statistics.median(x) * 1000 for x in (plain, floored, with_recording))
            ratio = recorded_ms / bare_ms
            failed |= checked and ratio > 1.2
            target = "target <= 1.2" if checked else "for comparison"
            print(f"{name}: bare {bare_ms:.0f} ms, Chromium's floor {floor_ms:.0f} ms ({floor_ms / bare_ms:.2f}x), "
                  f"recorded {recorded_ms:.0f} ms: ratio {ratio:.2f} ({target}), {recorded_ms / floor_ms:.2f}x "
                  f"the floor; record handed over {statistics.median(handover) * 1000:.0f} ms after loadFinished "
                  f"(the record waits {SETTLE_MS} ms for what the page fetches after loading)")
    finally:
        recorder.finish()
        floor.close()
        shiboken6.delete(recorded_page)
        shiboken6.delete(floor_page)
        shiboken6.delete(bare)
        app.processEvents()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
