"""Page load time with every response recorded, against the same page loaded without the recorder.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bench_responses [--quick]

Two pages in one off-the-record profile load the same local pages in turn
(alternating, so the shared machine's noise falls on both). Both are set up as a tab's
page is, with the request interceptor and the request guard (a list naming a host the
pages do not use, so the profile's guard and the interceptor ask it about every request);
one also has a :class:`~ui.browser.responses.ResponseRecorder` (DevTools channel, every
response's record, every body hashed in the frontend, text bodies sent to Python). So the
ratio is the recorder's cost alone. The figure is loadStarted -> loadFinished, median of
the runs; the ratio recorded/bare is the target (<= 1.2). The time from loadFinished until
the page's record has been handed over is printed too (it happens after the page is shown).

A new tab waits for its recorder before its first navigation (``BrowserTab.open``), so
the first page of a new tab is also measured: from making the page to its first
loadFinished, with the recorder (ready first) and without.

The test servers answer with Nagle's algorithm off: with it on, a response whose headers
and body went in two writes waited 40 ms for a delayed ACK on a reused connection, which
made the small page's figures (60 ms bare, 101 ms recorded in the first runs) measure that.
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

from evidence_app import Blocklist  # noqa: E402
from tests.helpers.responses_site import ResponsesSite  # noqa: E402
from tests.helpers.webserver import WebServer  # noqa: E402
from ui.browser.guard import RequestGuard  # noqa: E402
from ui.browser.interceptor import RequestInterceptor  # noqa: E402
from ui.browser.profile import make_profile  # noqa: E402
from ui.browser.responses import SETTLE_MS, ResponseRecorder  # noqa: E402

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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 5 if args.quick else 15
    from ui import bindings

    bindings.install()  # as the application does: PySide6 6.12.0 drops references to None and True
    app = QApplication.instance() or QApplication(sys.argv)
    web = WebServer().start()
    site = ResponsesSite().start()
    profile = make_profile()
    bare = tab_page(profile)
    recorded_page = tab_page(profile)
    records: list[tuple[str, float]] = []

    def delivered(record) -> None:  # type: ignore[no-untyped-def]
        records.append((record.page_url, time.perf_counter()))

    recorder = ResponseRecorder(recorded_page, delivered, recorded_page)
    until(lambda: recorder.is_ready)
    pages = {"small page (6 responses, text, an image, JSON)": f"{site.base}/page",
             "200 images": web.url("/many?n=200&kind=img"),
             "500 stylesheets": web.url("/many?n=500&kind=css")}
    failed = False
    try:
        first_bare: list[float] = []
        first_recorded: list[float] = []
        for _ in range(max(3, runs // 3)):
            first_bare.append(first_page_seconds(profile, f"{site.base}/page", recorded=False))
            first_recorded.append(first_page_seconds(profile, f"{site.base}/page", recorded=True))
        print(f"a new tab's first page (small page): bare {statistics.median(first_bare) * 1000:.0f} ms, with the "
              f"recorder ready first {statistics.median(first_recorded) * 1000:.0f} ms")
        for name, url in pages.items():
            for page in (bare, recorded_page):  # warm both
                load_seconds(page, url)
                load_seconds(page, "about:blank")
            plain: list[float] = []
            with_recording: list[float] = []
            handover: list[float] = []
            for _ in range(runs):
                plain.append(load_seconds(bare, url))
                load_seconds(bare, "about:blank")
                records.clear()
                with_recording.append(load_seconds(recorded_page, url))
                finished = time.perf_counter()
                until(lambda: any(u == url and t > finished for u, t in records))
                handover.append(next(t for u, t in records if u == url and t > finished) - finished)
                load_seconds(recorded_page, "about:blank")
            ratio = statistics.median(with_recording) / statistics.median(plain)
            failed |= ratio > 1.2
            print(f"{name}: bare {statistics.median(plain) * 1000:.0f} ms, recorded "
                  f"{statistics.median(with_recording) * 1000:.0f} ms, ratio {ratio:.2f} (target <= 1.2); "
                  f"record handed over {statistics.median(handover) * 1000:.0f} ms after loadFinished "
                  f"(the record waits {SETTLE_MS} ms for what the page fetches after loading)")
    finally:
        recorder.finish()
        shiboken6.delete(recorded_page)
        shiboken6.delete(bare)
        app.processEvents()
        web.stop()
        site.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
