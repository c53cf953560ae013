"""Journey: "Keep page" through the real case window, on a real website (the Python documentation).

The pair type a note, press "Keep page" (and later Ctrl+Shift+5), see the kept page in the side panel,
double-click it and read it again in its own window, shown offline from the case's bytes, then click
"Picture of the whole page" and see the page as the browser drew it when it was kept; the whole
page is captured in one pass; then the stop: no page can be kept any more.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWebEngineCore import QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QLabel, QListWidget

from evidence_app import Kind, Status
from tests.helpers.person import Person
from tests.helpers.web import wait_for_page
from tests.journeys.steps import case_of, events, shot, start_a_case

STOP_TITLE = "Stop: suspected child abuse imagery"  # the red control's words (tests/journeys/test_stop.py)

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_keep_a_page_see_it_again_and_no_more_after_the_stop(person: Person, app, docs_site) -> None:  # type: ignore[no-untyped-def]
    window = start_a_case(person)
    person.fill(window, "Address", f"{docs_site.base}/tutorial/index.html")
    person.key(Qt.Key.Key_Return)
    wait_for_page(person, window, f"{docs_site.base}/tutorial/index.html", 30_000)
    person.fill(window, "Note for the next capture", "The tutorial, kept whole")
    person.press_button(window, "Keep page")
    person.wait_for(lambda: len(case_of(window).kept_pages()) == 1, 60_000)
    kept = case_of(window).kept_pages()[0]
    assert (kept.note, kept.url) == ("The tutorial, kept whole", f"{docs_site.base}/tutorial/index.html")
    person.wait_for(lambda: person.sees_text(window, f"Kept {kept.id}"))  # said once all its files are durable
    assert person.sees_text(window, "a web archive, a PDF and a picture of the whole page")
    shot(person, window, "keep-page.png")

    # The same by the keyboard, on another page.
    person.click(person.find(window, "Address"))
    person.key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    person.type(f"{docs_site.base}/library/index.html")
    person.key(Qt.Key.Key_Return)
    wait_for_page(person, window, f"{docs_site.base}/library/index.html", 30_000)
    person.shortcut(window, Qt.Key.Key_5, CTRL_SHIFT)
    person.wait_for(lambda: len(case_of(window).kept_pages()) == 2, 60_000)
    assert [e.data["format"] for e in events(window, Kind.KEPT)] == ["mhtml", "pdf", "png"] * 2

    # The whole page, drawn by the browser in one piece.
    person.press_button(window, "Whole page")
    person.wait_for(lambda: len(case_of(window).captures()) == 1, 60_000)
    assert case_of(window).captures()[0].kind == "page"

    # Seen again: double-click the kept page in the side panel.
    shots = person.find(window, "Screenshots taken", QListWidget)
    person.wait_for(lambda: shots.count() == 3)
    shot(person, window, "keep-page-panel.png")
    person.double_click_item(shots, 1)
    dialog = person.window("Kept page K0001")
    view = [v for v in dialog.findChildren(QWebEngineView)][0]  # the kept page, written from the case's bytes
    text: list[object] = []

    def read() -> bool:  # the text, and the site's style sheets applied (classic.css, @imported twice over)
        view.page().runJavaScript("(document.body ? document.body.innerText + '|' + "
                                  "getComputedStyle(document.body).fontFamily : '')",
                                  QWebEngineScript.ScriptWorldId.ApplicationWorld, text.append)
        person.pause(200)
        return bool(text) and "Python Tutorial" in str(text[-1]) and "Lucida Grande" in str(text[-1]).rsplit("|")[-1]

    person.wait_for(read, 30_000)
    assert person.sees_text(dialog, "nothing here is fetched from the internet")
    shot(person, dialog, "kept-page-view.png")
    # The picture of the whole page, one tab away: read from the case only now, the page's full height.
    person.choose_tab(dialog, "Picture of the whole page")
    picture = person.find(dialog, "Picture of the whole page K0001", QLabel)
    person.wait_for(lambda: not picture.pixmap().isNull())
    assert picture.pixmap().height() > view.height()  # the whole tutorial, not the visible area
    assert person.sees_text(dialog, "As the browser drew the whole page when it was kept")
    shot(person, dialog, "kept-page-picture.png")
    person.press_button(dialog, "Close")
    person.gone("Kept page K0001")

    # The stop on this page: the browser goes, and the kept page of this address is withheld.
    person.press_button(window, STOP_TITLE)
    confirm = person.window(STOP_TITLE)
    person.type("Indecent image of a child on the page.")
    person.press_button(confirm, "Stop and seal the case")
    person.wait_for(lambda: case_of(window).status is Status.SEALED, 30_000)
    assert not person.all_named(window, "Keep page")  # the browser is gone: no page can be kept
    pages = {k.id: k.quarantined for k in case_of(window).kept_pages()}
    assert pages == {"K0001": False, "K0002": True}  # the page the stop was on is withheld
