"""What pausing requests for the guard costs: page loads with every request paused, against none paused.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bench_fetch_guard [--quick]

Three recorded pages (each with its :class:`~ui.browser.responses.ResponseRecorder`, as every
tab has) and a :class:`~ui.browser.fetch_guard.FetchGuard` load the same local pages in
turn (alternating, so the shared machine's noise falls on all). With no list the Fetch
domain is not enabled at all (the floor); a list naming an unrelated host enables it and
pauses nothing; a list naming a page on the test server's own host has **every** request
of the page paused and decided by the guard in Python: the worst case, a site whose host
serves a listed page. The figure is loadStarted -> loadFinished, median of the runs, and
the ratios: other hosts listed / no list, every request paused / other hosts listed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import shiboken6
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWidgets import QApplication

from bench.bench_responses import load_seconds, until
from evidence_app import Blocklist
from tests.helpers.responses_site import ResponsesSite
from tests.helpers.webserver import WebServer
from ui.browser import fetch_guard
from ui.browser.fetch_guard import FetchGuard
from ui.browser.guard import RequestGuard
from ui.browser.profile import make_profile
from ui.browser.responses import ResponseRecorder


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 5 if args.quick else 11
    from ui import bindings

    bindings.install()  # as the application does: PySide6 6.12 drops references to None (fatal under load)
    app = QApplication.instance() or QApplication(sys.argv)
    web = WebServer().start()
    site = ResponsesSite().start()
    profile = make_profile()
    tabs = []
    for listing in ("", "unrelated.example\n", "http://127.0.0.1:1/a-listed-page-on-the-same-host\n"):
        page = QWebEnginePage(profile)
        recorder = ResponseRecorder(page, lambda record: None, page, also_events=fetch_guard.EVENTS)
        guard = FetchGuard(recorder.channel, RequestGuard(Blocklist.from_text(listing)), page)
        tabs.append((page, recorder, guard))
    until(lambda: all(r.is_ready and (g.enabled or not g.patterns) for _, r, g in tabs))
    (bare, _, _), (floor, _, _), (paused, _, guard) = tabs
    pages = {"small page (6 responses)": f"{site.base}/page",
             "200 images": web.url("/many?n=200&kind=img"),
             "500 stylesheets": web.url("/many?n=500&kind=css")}
    try:
        for name, url in pages.items():
            for page in (bare, floor, paused):
                load_seconds(page, url)
                load_seconds(page, "about:blank")
            times: dict[str, list[float]] = {"bare": [], "floor": [], "paused": []}
            before = guard.paused
            for _ in range(runs):
                for label, page in (("bare", bare), ("floor", floor), ("paused", paused)):
                    times[label].append(load_seconds(page, url))
                    load_seconds(page, "about:blank")
            none, low, high = (statistics.median(times[k]) for k in ("bare", "floor", "paused"))
            print(f"{name}: no list {none * 1000:.0f} ms, a list naming other hosts {low * 1000:.0f} ms "
                  f"(ratio {low / none:.2f}), every request paused {high * 1000:.0f} ms (ratio {high / low:.2f}; "
                  f"{(guard.paused - before) // runs} requests paused per load)")
    finally:
        for page, recorder, _ in tabs:
            recorder.finish()
            shiboken6.delete(page)
        app.processEvents()
        web.stop()
        site.stop()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # as bench_responses: PySide6 6.12 can abort collecting garbage at exit
