"""The whole page: drawn in one pass (``captureBeyondViewport``) against scrolled and stitched; and "Keep page".

Prints figures; compares against a floor measured in the same run, as ratios, because the
machines are shared and noisy.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bench_whole_page [--rounds N]

On the test site's band page (bands 100 px tall, each its own colour, under a 60 px sticky bar),
5,000 and 20,000 px tall, in a 1366x768 browser, the two routes alternate, and for each:

* time: click to pixels in hand, and click to durable (PNG, hash, encryption, fsync: ``add_capture``);
* fidelity: the image's height against the page's; rows of the sticky bar's colour (60 expected,
  at the top, once); band rows of the wrong colour (0 expected: no gaps, no repeats, nothing covered).

The floor is SHA-256 + AES-256-GCM + write + fsync of the very PNG bytes stored (the least a durable,
encrypted, hashed store must do), as in ``bench_capture_browser``.

Then "Keep page" (MHTML + PDF, stored) on the same pages: click to both files durable.
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

from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.bench_capture_browser import settle, wait  # noqa: E402
from bench.bench_vault import floor_store  # noqa: E402
from tests.helpers.cases import make_case, make_store  # noqa: E402
from tests.helpers.webserver import WebServer  # noqa: E402
from ui.browser import RecordedBrowser  # noqa: E402
from ui.browser.keep import OnePassGrabber  # noqa: E402

BAR = (250, 0, 250)
BAR_PX = 60


def fidelity(image: QImage, bands: int) -> tuple[int, int, int]:
    """(height, rows of the bar's colour, band rows of the wrong colour) down the middle column."""
    x = image.width() // 2
    bar = wrong = 0
    for y in range(image.height()):
        rgb = image.pixelColor(x, y).getRgb()[:3]
        if rgb == BAR:
            bar += 1
        if y < BAR_PX:
            continue
        band, offset = divmod(y - BAR_PX, 100)
        if offset in (0, 99) or band >= bands:
            continue
        if rgb != ((band * 37) % 256, (band * 91) % 256, band % 256):
            wrong += 1
    return image.height(), bar, wrong


def capture(browser: RecordedBrowser, case, one_pass: bool) -> tuple[float, float, bytes, str]:  # type: ignore[no-untyped-def]
    original = OnePassGrabber.start
    if not one_pass:
        OnePassGrabber.start = lambda self: self._fail("the bench measures the stitcher")  # type: ignore[method-assign]
    try:
        browser.capture_page()
        shot = wait(browser.captured, 180_000)[0]
    finally:
        OnePassGrabber.start = original  # type: ignore[method-assign]
    timing = browser.last_timing
    assert timing is not None
    return timing.grabbed_s, timing.durable_s, case.read_capture(shot.id), browser.whole_page_method


def keep(browser: RecordedBrowser) -> tuple[float, int, int]:
    started = time.perf_counter()
    browser.keep_page()
    kept = wait(browser.kept, 180_000)[0]
    return time.perf_counter() - started, kept.files[0][2], kept.files[1][2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from ui import bindings

    bindings.install()
    app = QApplication.instance() or QApplication(sys.argv)
    server = WebServer().start()
    with tempfile.TemporaryDirectory(prefix="bench-whole-page-") as tmp:
        work = Path(tmp)
        case = make_case(make_store(work / "cases"))
        browser = RecordedBrowser(case)
        browser.resize(1366, 768)
        browser.show()
        try:
            wait(browser.current_tab().responses.ready)
            for bands in (50, 200):
                page = browser.current_tab().page
                browser.load(server.url(f"/bands?n={bands}&sticky=1"))
                wait(page.loadFinished)
                settle(800)
                results: dict[bool, list[tuple[float, float, float, tuple[int, int, int], str]]] = {True: [], False: []}
                for n in range(args.rounds):
                    for one_pass in (True, False) if n % 2 == 0 else (False, True):
                        grabbed, durable, data, method = capture(browser, case, one_pass)
                        started = time.perf_counter()
                        floor_store(work, data, hash((bands, n, one_pass)))
                        floor = time.perf_counter() - started
                        results[one_pass].append((grabbed, durable, floor,
                                                  fidelity(QImage.fromData(data, "PNG"), bands), method))
                        settle(200)
                tall = BAR_PX + bands * 100
                print(f"\npage {tall:,} px tall (bands of 100 px under a {BAR_PX} px sticky bar), "
                      f"{args.rounds} rounds each, alternating")
                medians = {}
                for one_pass, rows in results.items():
                    grabbed = statistics.median(r[0] for r in rows)
                    durable = statistics.median(r[1] for r in rows)
                    floor = statistics.median(r[2] for r in rows)
                    medians[one_pass] = durable
                    height, bar, wrong = rows[-1][3]
                    print(f"  {rows[-1][4]:22s} pixels {grabbed * 1000:7.0f} ms   durable {durable * 1000:7.0f} ms"
                          f" (x{durable / floor:5.1f} floor {floor * 1000:.0f} ms)   height {height:,} of {tall:,}"
                          f"   bar rows {bar} (expect {BAR_PX})   wrong band rows {wrong}")
                print(f"  one pass / stitched, click to durable: {medians[True] / medians[False]:.2f}")
                kept = [keep(browser) for _ in range(args.rounds)]
                print(f"  keep page (MHTML + PDF, stored): median {statistics.median(k[0] for k in kept) * 1000:.0f} ms;"
                      f" MHTML {kept[-1][1] / 1024:.0f} KiB, PDF {kept[-1][2] / 1024:.0f} KiB")
        finally:
            browser.shutdown()
            browser.deleteLater()
            settle(50)
            case.lock()
            server.stop()
    del app


if __name__ == "__main__":
    main()
