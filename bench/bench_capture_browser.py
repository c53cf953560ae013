"""Browser capture benchmarks: from the click to the capture stored, and to it showing.

Prints figures; compares each against floors measured in the same run, as
ratios, because the machines are shared and noisy.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bench_capture_browser [--quick]

For the visible area (1366x768 view) and the whole of a long page (about
6,700 px, stitched from screens), over the real QtWebEngine against a local page:

* click to durable: grab + PNG encode + ``case.add_capture`` (hash, encrypt,
  write, fsync) returned, on the writer thread;
* click to showing: the ``captured`` signal delivered on the UI thread (what the
  side panel waits for);
* floor: SHA-256 + AES-256-GCM + write of a new file + fsync of it and its
  folder, of the very PNG bytes that were stored (the least a durable,
  encrypted, hashed store must do); and floor + PNG encode of the same image.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.bench_vault import floor_store, percentile  # noqa: E402
from tests.helpers.cases import make_case, make_store  # noqa: E402
from tests.helpers.webserver import WebServer  # noqa: E402
from ui.browser import RecordedBrowser  # noqa: E402
from ui.browser.grab import png_bytes  # noqa: E402


def wait(signal, timeout_ms: int = 60_000) -> tuple:  # type: ignore[no-untyped-def]
    loop = QEventLoop()
    got: list[tuple] = []

    def done(*args: object) -> None:
        got.append(args)
        loop.quit()

    signal.connect(done)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(done)
    if not got:
        raise TimeoutError("no signal")
    return got[0]


def settle(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def run(browser: RecordedBrowser, case, action, rounds: int, work: Path, tag: str) -> None:  # type: ignore[no-untyped-def]
    durable, shown, floor, floor_png = [], [], [], []
    for n in range(rounds):
        action()
        capture = wait(browser.captured)[0]
        timing = browser.last_timing
        assert timing is not None
        durable.append(timing.durable_s)
        shown.append(timing.shown_s)
        data = case.read_capture(capture.id)
        image = QImage.fromData(data, "PNG")
        started = time.perf_counter()
        floor_store(work, data, hash((tag, n, "a")))
        floor.append(time.perf_counter() - started)
        started = time.perf_counter()
        floor_store(work, png_bytes(image), hash((tag, n, "b")))
        floor_png.append(time.perf_counter() - started)
        size = (image.width(), image.height(), len(data))
        settle(50)
    f, fp = statistics.median(floor), statistics.median(floor_png)
    print(f"\n{tag}: {size[0]}x{size[1]} px, PNG {size[2] / 1024:.0f} KiB, {rounds} captures")
    for name, values in (("click to durable", durable), ("click to showing", shown)):
        med, p95 = statistics.median(values), percentile(values, 0.95)
        print(f"  {name:17s} median {med * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms   "
              f"x{med / f:6.1f} floor   x{med / fp:5.2f} floor+PNG")
    print(f"  {'floor':17s} median {f * 1000:8.1f} ms   (SHA-256 + AES-GCM + write + fsync)")
    print(f"  {'floor + PNG':17s} median {fp * 1000:8.1f} ms   (the same, plus encoding the PNG)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    rounds_view, rounds_page = (8, 3) if args.quick else (30, 10)
    from ui import bindings

    bindings.install()  # as the application does: PySide6 6.12.0 drops references to None and True
    app = QApplication.instance() or QApplication(sys.argv)
    server = WebServer().start()
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        work = Path(tmp)
        store = make_store(work / "cases")
        case = make_case(store)
        browser = RecordedBrowser(case)
        browser.resize(1366, 768)
        browser.show()
        try:
            page = browser.current_tab().page
            browser.load(server.url("/plain"))
            wait(page.loadFinished)
            settle(500)
            run(browser, case, browser.capture_viewport, rounds_view, work, "visible area")
            browser.load(server.url("/long?h=6000"))
            wait(page.loadFinished)
            settle(500)
            run(browser, case, browser.capture_page, rounds_page, work, "whole page")
        finally:
            browser.shutdown()
            browser.deleteLater()
            settle(50)
            case.lock()
            server.stop()
    del app


if __name__ == "__main__":
    main()
