"""Journey 3: no accidental seal. Typing anywhere a case shows never seals it, and nothing is lost.

Every focusable control of every window a case shows (the case window with a
page open, describing a screenshot, the stop's own confirmation, the timeline,
the conclusion, the help) gets the keyboard in turn, in Tab order, and a
paragraph of ordinary words, then Space, then Enter. Whatever that opens is
dismissed with Esc, as a person would. The case is never sealed (nor
concluded: that too is final), and the captures and notes from before are all
still there, their journal intact.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QListWidget, QWidget

from evidence_app import Kind, Status
from tests.helpers.person import Person, focus_chain, plain
from tests.helpers.web import wait_for_page, web_view
from tests.journeys.steps import case_of, start_a_case

# Starts as the pair start a description ("It shows"), with capitals, punctuation and digits.
PARAGRAPH = "It shows a page of Python's tutorial, I think; Chapter 3, 'An Informal Introduction' (42 lines)."


def in_web_page(widget: QWidget) -> bool:
    parent: QWidget | None = widget
    while parent is not None:
        if isinstance(parent, QWebEngineView):
            return True
        parent = parent.parentWidget()
    return False


class Typist:
    """Types into every control of a window and dismisses whatever that opens."""

    def __init__(self, person: Person, case_window: QWidget) -> None:
        self.person = person
        self.case = case_of(case_window)
        self.visited: list[str] = []

    def dismiss_new_windows(self, keep: set[int]) -> None:
        for _ in range(12):
            extra = [w for w in self.person.windows() if id(w) not in keep and w.windowTitle()]
            if not extra:
                return
            window = extra[-1]
            self.person.bring_forward(window)
            QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_Escape)
            self.person.pause(50)
        raise AssertionError(f"windows would not close: {[w.windowTitle() for w in extra]}")

    def settle(self, window: QWidget, count: int) -> None:
        """Let what the keys started finish (a whole-page capture greys the capture buttons meanwhile)."""
        try:
            self.person.wait_for(lambda: not shiboken6.isValid(window) or not window.isVisible()
                                 or len(list(focus_chain(window))) >= count, 30_000)
        except Exception:  # noqa: BLE001 - a control may be gone for good; the loop goes on
            pass

    def type_into_every_control(self, open_window: Callable[[], QWidget]) -> int:
        """Type into each control of the window ``open_window`` opens, opening it again whenever typing closed it."""
        keep = {id(w) for w in self.person.windows()}
        window = open_window()
        keep.add(id(window))
        count = len(list(focus_chain(window)))
        assert count, f"nothing in {window.windowTitle()!r} takes the keyboard"
        for number in range(count):
            if not (shiboken6.isValid(window) and window.isVisible()):
                self.dismiss_new_windows(keep - {id(window)})
                window = open_window()  # typing closed it (a Save, a Go back): the pair open it again
                keep.add(id(window))
            controls = list(focus_chain(window))
            if number >= len(controls):
                break
            control = controls[number]
            self.person.bring_forward(window)
            control.setFocus(Qt.FocusReason.TabFocusReason)  # where Tab brings the keyboard
            self.person.pause(5)
            target = self.person.focused() or control
            self.visited.append(f"{window.windowTitle()}: {control.accessibleName() or plain(getattr(control, 'text', lambda: '')()) or type(control).__name__}")
            QTest.keyClicks(target, PARAGRAPH)
            for key in (Qt.Key.Key_Space, Qt.Key.Key_Return):
                if not shiboken6.isValid(target):
                    break
                target = self.person.focused() or target
                QTest.keyClick(target, key)
            self.person.pause(20 if not in_web_page(control) else 150)
            assert self.case.status is Status.OPEN, f"typing into {self.visited[-1]} changed the case"
            self.dismiss_new_windows(keep)
            self.settle(window, count)
        if shiboken6.isValid(window) and window.isVisible() and window.windowTitle().find("Case ") != 0:
            self.dismiss_new_windows(keep - {id(window)})
        return count


def test_typing_anywhere_never_seals_the_case(app, person: Person, docs_site) -> None:  # type: ignore[no-untyped-def]
    window = start_a_case(person)
    case = case_of(window)
    person.fill(window, "Address", f"{docs_site.base}/tutorial/introduction.html")
    person.key(Qt.Key.Key_Return)
    wait_for_page(person, window, f"{docs_site.base}/tutorial/introduction.html")
    person.fill(window, "Note for the next capture", "Before the typing test.")
    person.press_button(window, "Visible area")
    person.wait_for(lambda: len(case.captures()) == 1, 30_000)
    person.fill(window, "New note", "A note written before the typing test.")
    person.press_button(window, "Add note")
    person.wait_for(lambda: any(e.kind == Kind.NOTE for e in case.events()))
    before_captures = {c.id: c.sha256 for c in case.captures()}
    before_notes = [e.data["text"] for e in case.events() if e.kind == Kind.NOTE]

    typist = Typist(person, window)
    counted = {"case window": typist.type_into_every_control(lambda: window)}
    view = web_view(window)  # and the page itself: a click on its text, then the same typing
    person.click(view.focusProxy(), QPoint(200, 200))
    QTest.keyClicks(view.focusProxy(), PARAGRAPH)
    QTest.keyClick(view.focusProxy(), Qt.Key.Key_Space)
    QTest.keyClick(view.focusProxy(), Qt.Key.Key_Return)
    person.pause(300)
    assert case.status is Status.OPEN

    def describe() -> QWidget:
        shots = person.find(window, "Screenshots taken", QListWidget)
        person.double_click_item(shots, 0)
        return person.window("Describe screenshot C0001")

    def stop() -> QWidget:
        person.press_button(window, "Stop: suspected child abuse imagery")
        return person.window("Stop: suspected child abuse imagery")

    def timeline() -> QWidget:
        person.shortcut(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        return person.window("Timeline of case")

    def conclusion() -> QWidget:
        person.press_button(window, "Conclude…")
        return person.window("Conclude the review")

    def help_window() -> QWidget:
        person.shortcut(window, Qt.Key.Key_F1)
        return person.window("Help")

    for name, opener in (("describe", describe), ("stop", stop), ("timeline", timeline),
                         ("conclusion", conclusion), ("help", help_window)):
        counted[name] = typist.type_into_every_control(opener)
        typist.dismiss_new_windows({id(window)})

    assert case.status is Status.OPEN and not case.locked
    assert all(counted.values()), counted
    after = {c.id: c.sha256 for c in case.captures()}
    assert all(after.get(cid) == sha for cid, sha in before_captures.items())
    assert not any(c.quarantined for c in case.captures())
    notes = [e.data["text"] for e in case.events() if e.kind == Kind.NOTE]
    assert notes[: len(before_notes)] == before_notes
    assert case.verify().records == len(list(case.events()))  # raises TamperDetected if anything was lost
    assert any("Stop and seal the case" in v for v in typist.visited)
    assert any(v.endswith(": Concern") for v in typist.visited)
