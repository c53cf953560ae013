"""After a browsing session, neither the page's marker text nor the capture's bytes are anywhere on disk.

Scans the case folder, the temp folder and the home folder (files changed
during the test, below 50 MB) for the marker in UTF-8 and UTF-16 and for the
capture's PNG bytes (whole, and a slice from its middle, in case a fragment
was written). This is what the off-the-record profile and the encrypted vault
promise: evidence in memory and in ciphertext only.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from evidence_app import Kind
from tests.helpers.browser import browser, events, files_changed_since, files_containing, load, wait_for, web  # noqa: F401
from tests.helpers.webserver import MARKER


def test_no_plaintext_evidence_on_disk_after_a_session(browser, case, web, qtbot, store) -> None:
    started = time.time()
    load(qtbot, browser, web.url("/marker"), paint=True)
    load(qtbot, browser, web.url("/long?h=2000"), paint=True)
    load(qtbot, browser, web.url("/marker"), paint=True)  # a second visit: would hit any disk cache
    with qtbot.waitSignal(browser.captured, timeout=10_000) as blocker:
        browser.capture_viewport()
    capture = blocker.args[0]
    png = case.read_capture(capture.id)
    browser.flush()
    wait_for(qtbot, lambda: len(events(case, Kind.SNAPSHOT)) >= 3)
    qtbot.wait(500)  # let any lazy writer (cache, cookies, session) have its go

    places = [Path(case.folder), Path(tempfile.gettempdir()), Path.home()]
    scanned = files_changed_since(places, started)
    assert any(Path(case.folder) in p.parents for p in scanned), "the scan must see the case's own files"
    middle = png[len(png) // 2: len(png) // 2 + 64]
    needles = [MARKER.encode("utf-8"), MARKER.encode("utf-16-le"), png, middle]
    hits = files_containing(needles, places, started)
    assert {needle[:24]: found for needle, found in hits.items() if found} == {}


def test_an_image_response_leaves_its_hash_and_no_bytes_anywhere(browser, case, qtbot) -> None:
    import base64
    import hashlib

    from tests.helpers.responses_site import IMAGE, ResponsesSite

    site = ResponsesSite().start()
    try:
        started = time.time()
        wait_for(qtbot, lambda: browser.current_tab().responses.is_ready, timeout=20_000)
        load(qtbot, browser, f"{site.base}/page", paint=True)
        wait_for(qtbot, lambda: events(case, Kind.RESPONSES), timeout=15_000)
        browser.flush()
        qtbot.wait(500)
        record = case.read_responses(events(case, Kind.RESPONSES)[0].data["id"])
        image = next(r for r in record.responses if r.url.endswith("/image.png"))
        assert image.body is not None and image.body.sha256 == hashlib.sha256(IMAGE).hexdigest()
        assert IMAGE not in record.to_bytes()

        places = [Path(case.folder), Path(tempfile.gettempdir()), Path.home()]
        middle = IMAGE[len(IMAGE) // 2: len(IMAGE) // 2 + 48]
        needles = [IMAGE, middle, base64.b64encode(IMAGE)[:64]]
        hits = files_containing(needles, places, started)
        assert {needle[:24]: found for needle, found in hits.items() if found} == {}, \
            "the image's bytes were written to disk"
    finally:
        site.stop()


def test_a_kept_page_and_its_viewing_leave_no_plaintext_on_disk(browser, case, web, qtbot) -> None:
    """Keep this page (MHTML with its picture, PDF, and the picture of the whole page), then show it again, the
    picture of the whole page too: nothing of any is on disk."""
    import base64

    from evidence_app.case.kept import MHTML, PDF, PNG
    from evidence_app.web.mhtml import read_archive
    from tests.helpers.webserver import KEEP_PNG
    from ui.browser.kept_view import PICTURE_TAB, KeptArchivePage, KeptPageView

    started = time.time()
    load(qtbot, browser, web.url("/keep-me"), paint=True)
    with qtbot.waitSignal(browser.kept, timeout=60_000) as blocker:
        browser.keep_button.click()
    kept = blocker.args[0]
    mhtml, pdf, png = case.read_kept(kept.id, MHTML), case.read_kept(kept.id, PDF), case.read_kept(kept.id, PNG)
    shown = KeptArchivePage(read_archive(mhtml))
    try:
        with qtbot.waitSignal(shown.shown, timeout=20_000):
            shown.load()
        qtbot.wait(300)
    finally:
        shown.close()
    dialog = KeptPageView(case, kept.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex([dialog.tabs.tabText(i) for i in range(dialog.tabs.count())].index(PICTURE_TAB))
    assert not dialog.picture.pixmap().isNull()
    qtbot.wait(300)
    dialog.close()
    browser.flush()
    qtbot.wait(500)
    places = [Path(case.folder), Path(tempfile.gettempdir()), Path.home()]
    needles = [MARKER.encode("utf-8"), MARKER.encode("utf-16-le"), KEEP_PNG, base64.b64encode(KEEP_PNG)[:64],
               mhtml[len(mhtml) // 2: len(mhtml) // 2 + 64], pdf[len(pdf) // 2: len(pdf) // 2 + 64],
               png[len(png) // 2: len(png) // 2 + 64], png[-64:]]
    hits = files_containing(needles, places, started)
    assert {needle[:24]: found for needle, found in hits.items() if found} == {}, \
        "the kept page's bytes were written to disk"
