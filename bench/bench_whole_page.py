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

Then "Keep page" (the whole page drawn as above, then MHTML + PDF; all three stored) on the same pages:
click to every file durable, and against the one-pass whole page alone (its floor, measured in the same run).

The one-pass route lays the page out at its full height and waits, at most 3 s, for the pictures that
brings into view (``ui/browser/late_pictures.py``). Two more rows measure that:

* on the band pages (no pictures), "one pass, no wait" is the route as it was before the wait (no
  full-height viewport, no check): the difference is what the wait costs a page with nothing to wait for;
* on a lazy page (``tests/helpers/lazy_site.py``: 9,000 px, a ``loading="lazy"`` picture and one an
  IntersectionObserver sets, each answered by the server ``--delay`` s late), each route's time and how
  many of the two pictures are in the image (2 expected; the route without the wait has 0).
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
from tests.helpers.lazy_site import NATIVE_RGB, NATIVE_TOP, OBSERVED_RGB, OBSERVED_TOP, PICTURE_LEFT, PICTURE_SIZE, LazySite  # noqa: E402
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


ONE_PASS, NO_WAIT, STITCHED = "one pass", "one pass, no wait", "stitched"


def capture(browser: RecordedBrowser, case, route: str | bool) -> tuple[float, float, bytes, str]:  # type: ignore[no-untyped-def]
    """Whole page by ``route``: one pass (as shipped), one pass without the full height and the wait (as
    before it), or scrolled and stitched (the one-pass route made to fail)."""
    route = {True: ONE_PASS, False: STITCHED}.get(route, route)  # type: ignore[call-overload]
    start, metrics = OnePassGrabber.start, OnePassGrabber._on_first_metrics
    if route == STITCHED:
        OnePassGrabber.start = lambda self: self._fail("the bench measures the stitcher")  # type: ignore[method-assign]
    elif route == NO_WAIT:
        OnePassGrabber._on_first_metrics = OnePassGrabber._on_metrics  # type: ignore[method-assign]
    try:
        browser.capture_page()
        shot = wait(browser.captured, 180_000)[0]
    finally:
        OnePassGrabber.start, OnePassGrabber._on_first_metrics = start, metrics  # type: ignore[method-assign]
    timing = browser.last_timing
    assert timing is not None
    method = browser.whole_page_method if route != NO_WAIT else NO_WAIT
    return timing.grabbed_s, timing.durable_s, case.read_capture(shot.id), method


def lazy_pictures_shown(image: QImage) -> int:
    """How many of the lazy page's two pictures are in the image (their colour at their middle)."""
    width, height = PICTURE_SIZE
    return sum(image.pixelColor(PICTURE_LEFT + width // 2, top + height // 2).getRgb()[:3] == rgb
               for top, rgb in ((NATIVE_TOP, NATIVE_RGB), (OBSERVED_TOP, OBSERVED_RGB)))


def lazy_rounds(browser: RecordedBrowser, case, site: LazySite, rounds: int) -> None:  # type: ignore[no-untyped-def]
    """Each route on a fresh load of the lazy page (a picture once loaded stays loaded)."""
    results: dict[str, list[tuple[float, int]]] = {ONE_PASS: [], NO_WAIT: [], STITCHED: []}
    for n in range(rounds):
        for route in (ONE_PASS, NO_WAIT, STITCHED) if n % 2 == 0 else (STITCHED, NO_WAIT, ONE_PASS):
            page = browser.current_tab().page
            browser.load(site.url(f"/lazy?round={n}&route={len(results[route])}{route[:3]}"))
            wait(page.loadFinished)
            settle(800)
            grabbed, _durable, data, _method = capture(browser, case, route)
            results[route].append((grabbed, lazy_pictures_shown(QImage.fromData(data, "PNG"))))
            settle(200)
    print(f"\nlazy page 9,000 px tall, two pictures far below the fold, each answered {site.delay:.1f} s late, "
          f"{rounds} rounds each, alternating")
    for route, rows in results.items():
        shown = [r[1] for r in rows]
        print(f"  {route:22s} pixels {statistics.median(r[0] for r in rows) * 1000:7.0f} ms   "
              f"pictures in the image {min(shown)}-{max(shown)} of 2")


def keep(browser: RecordedBrowser) -> tuple[float, int, int, int]:
    started = time.perf_counter()
    browser.keep_page()
    kept = wait(browser.kept, 180_000)[0]
    sizes = [size for _fmt, _sha, size in kept.files] + [0]
    return time.perf_counter() - started, sizes[0], sizes[1], sizes[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.6, help="the lazy page's pictures' lateness, seconds")
    args = parser.parse_args()
    from ui import bindings

    bindings.install()
    app = QApplication.instance() or QApplication(sys.argv)
    server = WebServer().start()
    site = LazySite(args.delay).start()
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
                results: dict[str, list[tuple[float, float, float, tuple[int, int, int], str]]] = {
                    ONE_PASS: [], NO_WAIT: [], STITCHED: []}
                for n in range(args.rounds):
                    for route in (ONE_PASS, NO_WAIT, STITCHED) if n % 2 == 0 else (STITCHED, NO_WAIT, ONE_PASS):
                        grabbed, durable, data, method = capture(browser, case, route)
                        started = time.perf_counter()
                        floor_store(work, data, hash((bands, n, route)))
                        floor = time.perf_counter() - started
                        results[route].append((grabbed, durable, floor,
                                               fidelity(QImage.fromData(data, "PNG"), bands), method))
                        settle(200)
                tall = BAR_PX + bands * 100
                print(f"\npage {tall:,} px tall (bands of 100 px under a {BAR_PX} px sticky bar), "
                      f"{args.rounds} rounds each, alternating")
                medians, pixels = {}, {}
                for route, rows in results.items():
                    grabbed = statistics.median(r[0] for r in rows)
                    durable = statistics.median(r[1] for r in rows)
                    floor = statistics.median(r[2] for r in rows)
                    medians[route], pixels[route] = durable, grabbed
                    height, bar, wrong = rows[-1][3]
                    print(f"  {rows[-1][4]:22s} pixels {grabbed * 1000:7.0f} ms   durable {durable * 1000:7.0f} ms"
                          f" (x{durable / floor:5.1f} floor {floor * 1000:.0f} ms)   height {height:,} of {tall:,}"
                          f"   bar rows {bar} (expect {BAR_PX})   wrong band rows {wrong}")
                print(f"  one pass / stitched, click to durable: {medians[ONE_PASS] / medians[STITCHED]:.2f}")
                print(f"  one pass / one pass without the wait, click to pixels: "
                      f"{pixels[ONE_PASS] / pixels[NO_WAIT]:.2f} ({(pixels[ONE_PASS] - pixels[NO_WAIT]) * 1000:+.0f} ms)")
                kept = [keep(browser) for _ in range(args.rounds)]
                median_keep = statistics.median(k[0] for k in kept)
                print(f"  keep page (picture drawn in one pass, MHTML + PDF, all stored): median "
                      f"{median_keep * 1000:.0f} ms, x{median_keep / medians[ONE_PASS]:.2f} the one-pass whole page; "
                      f"MHTML {kept[-1][1] / 1024:.0f} KiB, PDF {kept[-1][2] / 1024:.0f} KiB, "
                      f"PNG {kept[-1][3] / 1024:.0f} KiB")
            lazy_rounds(browser, case, site, args.rounds)
        finally:
            browser.shutdown()
            browser.deleteLater()
            settle(50)
            case.lock()
            server.stop()
            site.stop()
    del app


if __name__ == "__main__":
    main()
