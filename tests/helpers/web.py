"""A person's eyes and hands on a web page in the recorded browser: where a link is drawn, clicking it, typing.

The page is asked where an element is drawn (and scrolled to it, as a person
scrolls until they see it); the click itself is a QTest mouse event on the
view, where Chromium takes it like any other click.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from tests.helpers.browser import run_js
from tests.helpers.person import Person, shown


def web_view(window: QWidget) -> QWebEngineView:
    views = [v for v in window.findChildren(QWebEngineView) if shown(v)]
    assert views, "no web page is shown"
    return views[0]


def page_url(window: QWidget) -> str:
    return web_view(window).page().url().toString()


def js(person: Person, view: QWebEngineView, script: str) -> Any:
    return run_js(person.qtbot, view.page(), script, timeout=20_000)


def where(person: Person, view: QWebEngineView, selector: str) -> QPoint:
    """Scroll the element into sight and say where its middle is drawn in the view."""
    script = f"""(() => {{
        const all = Array.from(document.querySelectorAll({json.dumps(selector)}));
        const e = all.find(x => x.getClientRects().length > 0 && x.offsetWidth > 0);
        if (!e) return "";
        e.scrollIntoView({{block: 'center', inline: 'nearest'}});
        const r = e.getBoundingClientRect();
        return JSON.stringify([Math.round(r.left + Math.min(r.width / 2, 20)), Math.round(r.top + r.height / 2)]);
    }})()"""  # JSON: PySide6 6.12 hands a JavaScript array back as an empty string
    found: list[Any] = []

    def drawn() -> bool:
        found[:] = [js(person, view, script)]
        return bool(found[0])

    try:
        person.wait_for(drawn, 10_000)
    except Exception:  # noqa: BLE001 - said plainly below
        raise AssertionError(f"nothing matching {selector} is drawn on {view.page().url().toString()}") from None
    found = json.loads(found[0])
    person.pause(200)  # the scroll reaches the screen
    return QPoint(int(found[0]), int(found[1]))


def click_in_page(person: Person, view: QWebEngineView, selector: str) -> None:
    """Click what ``selector`` finds, where it is drawn."""
    point = where(person, view, selector)
    target = view.focusProxy() or view
    QTest.mouseMove(target, point)
    person.pause(30)
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def wait_for_page(person: Person, window: QWidget, ending: str, timeout: int = 20_000) -> QWebEngineView:
    """Wait until the page shown ends with ``ending`` (its address) and has finished loading."""
    person.wait_for(lambda: page_url(window).endswith(ending) or page_url(window) == ending, timeout)
    view = web_view(window)
    person.wait_for(lambda: js(person, view, "document.readyState") == "complete", timeout)
    return view
