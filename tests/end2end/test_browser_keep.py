"""Keep this page: the page as MHTML, PDF and one picture of the whole page, stored, shown again from the vault.

Real QtWebEngine against the local test servers; the kept page is opened again in the read-only
viewer from the case's own bytes, offline, and its text and picture are there. The picture of the
whole page is drawn as "Whole page" draws it (one pass, waiting for late pictures; scrolled and
stitched if that fails); pictures still loading when it was drawn are journaled with it.
"""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWebEngineCore import QWebEngineScript

from evidence_app import Kind, Status
from evidence_app.case.kept import MHTML, PDF, PNG
from evidence_app.errors import Quarantined
from evidence_app.policy.concerns import CSAM
from evidence_app.web.mhtml import read_archive
from tests.helpers.browser import browser, events, load, run_js, lazy, wait_for, web  # noqa: F401
from tests.helpers.lazy_site import (NATIVE_RGB, NATIVE_TOP, OBSERVED_RGB, OBSERVED_TOP, PAGE_HEIGHT, PICTURE_LEFT,
                                     PICTURE_SIZE, solid_png)
from tests.helpers.pdf import needs_poppler, pdf_text
from tests.helpers.webserver import MARKER
from ui.browser.grab import FullPageGrabber
from ui.browser.keep import PICTURES_LATE, OnePassGrabber
from ui.browser.kept_view import KeptArchivePage, KeptPageView


def picture_of(case, kept) -> QImage:  # type: ignore[no-untyped-def]
    image = QImage.fromData(case.read_kept(kept.id, PNG), "PNG")
    assert not image.isNull()
    return image


def colour_at(image: QImage, top: int) -> tuple[int, int, int]:
    width, height = PICTURE_SIZE
    return image.pixelColor(PICTURE_LEFT + width // 2, top + height // 2).getRgb()[:3]  # type: ignore[return-value]


def keep(qtbot, browser, action=None, timeout: int = 60_000):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(browser.kept, timeout=timeout) as blocker:
        (action or browser.keep_button.click)()
    return blocker.args[0]


def when_archiving(browser, action) -> None:  # type: ignore[no-untyped-def]
    """Run ``action`` once the page is drawn and the browser is making its archive and PDF (right after
    both were asked for, before either has come back)."""
    from PySide6.QtCore import QTimer

    def said(text: str) -> None:
        if "as a web archive and a PDF…" in text:
            browser.message.disconnect(said)
            QTimer.singleShot(0, action)

    browser.message.connect(said)


def shown_text(qtbot, archive_page: KeptArchivePage) -> str:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(archive_page.shown, timeout=20_000) as blocker:
        archive_page.load()
    assert blocker.args[0] is True
    qtbot.waitUntil(lambda: read_dom(qtbot, archive_page.page, "[...document.images].every(i => i.complete)")
                    == "True", timeout=10_000)  # pictures decode after the document is written
    return read_dom(qtbot, archive_page.page, "document.body.innerText + '|' + "
                                              "[...document.images].map(i => i.naturalWidth).join(',')")


def read_dom(qtbot, page, script: str) -> str:  # type: ignore[no-untyped-def]
    """JavaScript is off in the viewer's pages; the application's own world still reads the DOM."""
    result: list[object] = []
    page.runJavaScript(script, QWebEngineScript.ScriptWorldId.ApplicationWorld, result.append)
    qtbot.waitUntil(lambda: bool(result), timeout=10_000)
    return str(result[0])


@needs_poppler
def test_a_kept_page_is_stored_as_mhtml_and_pdf_and_opens_again_from_the_vault(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/keep-me"), paint=True)
    browser.form.note_edit.setText("The pupil's post, whole")
    fetched = len(web.paths)
    kept = keep(qtbot, browser)
    assert len(web.paths) == fetched  # kept from what the browser has: nothing is fetched again
    assert (kept.id, kept.url, kept.note, kept.title) == ("K0001", web.url("/keep-me"), "The pupil's post, whole",
                                                          "Keep me")
    mhtml, pdf = case.read_kept(kept.id, MHTML), case.read_kept(kept.id, PDF)
    assert hashlib.sha256(mhtml).hexdigest() == kept.files[0][1] and kept.files[0][0] == MHTML
    assert hashlib.sha256(pdf).hexdigest() == kept.files[1][1] and pdf.startswith(b"%PDF-")
    assert MARKER in pdf_text(pdf)
    assert [e.data["format"] for e in events(case, Kind.KEPT)] == ["mhtml", "pdf", "png"]
    assert all("incomplete" not in e.data for e in events(case, Kind.KEPT)) and kept.incomplete == ""
    png = case.read_kept(kept.id, PNG)
    assert kept.files[2] == (PNG, hashlib.sha256(png).hexdigest(), len(png))
    image = picture_of(case, kept)
    view = browser.current_tab().view
    assert browser.whole_page_method == "one pass"
    assert image.width() == view.width() and image.height() >= view.height() // 2
    assert kept.id in browser.status.text() and "a picture of the whole page" in browser.status.text()
    assert browser.form.note() == ""
    # Shown again from the vault's bytes, offline: the text and the picture are there, nothing fetched.
    requests_before = len(web.paths)
    shown = KeptArchivePage(read_archive(mhtml))
    try:
        text = shown_text(qtbot, shown)
        assert MARKER in text
        assert text.rsplit("|", 1)[1] == "37"  # the picture came from the archive, at its width
        assert [url for url in shown.blocked if not url.endswith("/favicon.ico")] == []
    finally:
        shown.close()
    assert len(web.paths) == requests_before


def test_the_viewer_blocks_what_the_archive_does_not_hold(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/keep-me"), paint=True)
    kept = keep(qtbot, browser)
    archive = read_archive(case.read_kept(kept.id, MHTML))
    # The picture left out of the archive: the viewer must not fetch it from the site.
    trimmed = type(archive)(archive.url, tuple(p for p in archive.parts if p.media_type != "image/png"))
    requests_before = len(web.paths)
    shown = KeptArchivePage(trimmed)
    try:
        text = shown_text(qtbot, shown)
        assert MARKER in text and text.rsplit("|", 1)[1] == "0"
        assert [url for url in shown.blocked if url.endswith("/keep-me.png")]
    finally:
        shown.close()
    qtbot.wait(300)
    assert len(web.paths) == requests_before


def test_the_kept_page_dialog_shows_the_page(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/keep-me"), paint=True)
    browser.activateWindow()
    browser.address.setFocus()
    qtbot.waitUntil(browser.isActiveWindow, timeout=5000)
    kept = keep(qtbot, browser, lambda: qtbot.keyClick(browser.address, Qt.Key.Key_5,
                                                        Qt.KeyboardModifier.ControlModifier
                                                        | Qt.KeyboardModifier.ShiftModifier))
    dialog = KeptPageView(case, kept.id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.archive_page.shown, timeout=20_000):
        dialog.show()
    assert MARKER in read_dom(qtbot, dialog.archive_page.page, "document.body.innerText")
    dialog.close()


def test_no_page_is_kept_while_the_child_abuse_concern_is_chosen_or_after_the_stop(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/keep-me"), paint=True)
    refused: list[str] = []
    browser.capture_failed.connect(refused.append)
    browser.form.set_concern(CSAM)
    browser.keep_page()
    assert refused and "child abuse" in refused[-1]
    browser.halt()
    browser.keep_page()
    assert refused and "stopped" in refused[-1]
    assert events(case, Kind.KEPT) == []


def test_a_kept_page_of_the_flagged_address_is_quarantined(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/keep-me"), paint=True)
    kept = keep(qtbot, browser)
    browser.halt()
    case.flag_csam(web.url("/keep-me"))
    assert case.status is Status.SEALED and case.kept_page(kept.id).quarantined
    with pytest.raises(Quarantined):
        case.read_kept(kept.id, MHTML)


def test_the_stop_while_a_page_is_being_kept_keeps_nothing(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/keep-me"), paint=True)
    kept: list[object] = []
    browser.kept.connect(kept.append)
    when_archiving(browser, browser.halt)  # the stop, before the archive or the PDF has arrived
    browser.keep_page()
    qtbot.wait(2_000)
    assert kept == [] and events(case, Kind.KEPT) == []
    assert not browser.keep_button.isEnabled()


def test_closing_the_tab_while_its_page_is_being_kept_keeps_nothing(browser, case, web, qtbot) -> None:
    load(qtbot, browser, web.url("/keep-me"), paint=True)
    refused: list[str] = []
    browser.capture_failed.connect(refused.append)
    # the page goes (after its print has come back: QtWebEngine needs that)
    when_archiving(browser, browser.close_current_tab)
    browser.keep_page()
    qtbot.wait(2_000)
    assert events(case, Kind.KEPT) == []
    assert browser.keep_button.isEnabled()  # ready for the next page


def test_a_page_with_a_large_picture_is_kept_whole(browser, case, web, qtbot) -> None:
    """Megabytes of archive come through the DevTools channel intact (the picture's bytes, exactly)."""
    from tests.helpers.webserver import big_png

    load(qtbot, browser, web.url("/keep-big"), paint=True)
    kept = keep(qtbot, browser)
    archive = read_archive(case.read_kept(kept.id, MHTML))
    picture = next(p for p in archive.parts if p.location.endswith("/keep-big.png"))
    assert picture.body == big_png() and len(picture.body) > 4_000_000


def test_the_picture_of_a_lazy_page_holds_its_late_pictures_and_so_does_its_web_archive(browser, case, lazy,
                                                                                        qtbot) -> None:
    """Drawn first, at the page's full height: the pictures it makes the page load are in the picture and,
    since the web archive is made after, in the archive too."""
    load(qtbot, browser, lazy.url("/lazy"), paint=True)
    kept = keep(qtbot, browser)
    image = picture_of(case, kept)
    assert image.height() == PAGE_HEIGHT
    assert colour_at(image, NATIVE_TOP) == NATIVE_RGB and colour_at(image, OBSERVED_TOP) == OBSERVED_RGB
    assert kept.incomplete == "" and PICTURES_LATE not in browser.status.text()
    parts = {part.body for part in read_archive(case.read_kept(kept.id, MHTML)).parts}
    assert solid_png(NATIVE_RGB) in parts and solid_png(OBSERVED_RGB) in parts


def test_pictures_still_loading_when_the_page_was_drawn_are_journaled_with_its_picture(browser, case, lazy,
                                                                                       qtbot) -> None:
    load(qtbot, browser, lazy.url("/lazy?stuck=1"), paint=True)
    kept = keep(qtbot, browser)
    assert kept.incomplete == PICTURES_LATE
    record = case.kept_event(kept.id, PNG)
    assert record.data["incomplete"] == "Some pictures were still loading when the page was drawn."
    assert "incomplete" not in case.kept_event(kept.id, MHTML).data
    assert PICTURES_LATE in browser.status.text() and kept.id in browser.status.text()


def test_the_picture_falls_back_to_scrolling_and_stitching(browser, case, web, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(OnePassGrabber, "start", lambda self: self._fail("made to fail by the test"))
    said: list[str] = []
    browser.message.connect(said.append)
    load(qtbot, browser, web.url("/bands?n=37"), paint=True)
    kept = keep(qtbot, browser)
    assert browser.whole_page_method == "scrolled and stitched"
    assert [f[0] for f in kept.files] == [MHTML, PDF, PNG]
    assert picture_of(case, kept).height() == 3700
    assert any("could not draw the whole page in one piece" in text for text in said)


def test_a_page_whose_picture_cannot_be_drawn_at_all_is_kept_without_it_and_the_pair_told(browser, case, web, qtbot,
                                                                                          monkeypatch) -> None:
    monkeypatch.setattr(OnePassGrabber, "start", lambda self: self._fail("made to fail by the test"))
    monkeypatch.setattr(FullPageGrabber, "start", lambda self: self.failed.emit("The page could not be scrolled."))
    load(qtbot, browser, web.url("/keep-me"), paint=True)
    kept = keep(qtbot, browser)
    assert [f[0] for f in kept.files] == [MHTML, PDF]  # as a page was kept before it had a picture
    assert "could not be drawn (The page could not be scrolled.)" in browser.status.text()
    assert browser.keep_button.isEnabled()


def test_another_page_loading_while_the_page_is_drawn_keeps_nothing(browser, case, lazy, qtbot) -> None:
    load(qtbot, browser, lazy.url("/lazy?stuck=1"), paint=True)
    refused: list[str] = []
    browser.capture_failed.connect(refused.append)
    browser.keep_button.click()
    qtbot.wait(800)  # inside the wait for the late pictures
    browser.load(lazy.url("/lazy?elsewhere=1"))
    wait_for(qtbot, lambda: refused, timeout=10_000)
    assert "nothing was kept" in refused[0]
    qtbot.wait(500)
    browser.flush()
    assert events(case, Kind.KEPT) == [] and browser.keep_button.isEnabled()


def test_the_stop_or_closing_the_tab_while_the_page_is_drawn_keeps_nothing(browser, case, lazy, qtbot) -> None:
    load(qtbot, browser, lazy.url("/lazy?stuck=1"), paint=True)
    browser.keep_button.click()
    qtbot.wait(800)  # inside the wait
    browser.close_current_tab()
    assert browser.keep_button.isEnabled()  # at once: ready for the next page
    load(qtbot, browser, lazy.url("/lazy?stuck=1&again=1"), paint=True)
    browser.keep_button.click()
    qtbot.wait(800)
    browser.halt()
    qtbot.wait(3_500)  # past the end of the wait: whatever was under way came back and was dropped
    assert events(case, Kind.KEPT) == []
    assert browser.halted and browser.closed
