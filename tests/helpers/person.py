"""A person at the keyboard and mouse: finds what is on screen by its words, and presses it.

The journey tests make progress only through this: widgets are found by the
text a person reads on them (a button's label, a field's accessible name or
placeholder, a window's title) and driven with QTest's mouse and keyboard
events, never by calling the application's methods. Reading state (the
journal, a widget's text) to check the outcome is fine; making it happen
is not. Web pages are clicked where their links are drawn (the page is asked
where, as a person's eyes would find it) and typed into through the view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QRadioButton,
    QTabBar,
    QTextEdit,
    QWidget,
)

WAIT_MS = 20_000
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def plain(text: str) -> str:
    """A label as it reads on screen: without the ``&`` of its Alt shortcut."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def words_of(widget: QWidget) -> set[str]:
    """Every way a person (or a screen reader) would name ``widget``."""
    names = {widget.accessibleName(), widget.windowTitle() if widget.isWindow() else ""}
    if isinstance(widget, QAbstractButton):
        names.add(plain(widget.text()))
    if isinstance(widget, QLineEdit):
        names.add(widget.placeholderText())
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        names.add(widget.placeholderText())
    return {n for n in names if n}


def shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.window().isVisible()


class Person:
    """What a person can do. ``qtbot`` drives the event loop between the steps."""

    def __init__(self, qtbot: Any, app: QApplication) -> None:
        self.qtbot = qtbot
        self.app = app

    # ------------------------------------------------------------------ looking

    def windows(self) -> list[QWidget]:
        return [w for w in self.app.topLevelWidgets() if w.isVisible() and not isinstance(w, QMenu)]

    def window(self, title: str, timeout: int = WAIT_MS) -> QWidget:
        """The visible window whose title holds ``title`` (waiting for it to appear)."""
        found: list[QWidget] = []

        def there() -> bool:
            found[:] = [w for w in self.windows() if title in w.windowTitle()]
            return bool(found)

        self.qtbot.waitUntil(there, timeout=timeout)
        window = found[-1]
        self.bring_forward(window)  # a window manager gives a newly opened window the keyboard
        return window

    def gone(self, title: str, timeout: int = WAIT_MS) -> None:
        self.qtbot.waitUntil(lambda: not any(title in w.windowTitle() for w in self.windows()), timeout=timeout)

    def all_named(self, root: QWidget, words: str, kind: type = QWidget) -> list[QWidget]:
        return [w for w in root.findChildren(kind) if shown(w) and words in words_of(w)]

    def find(self, root: QWidget, words: str, kind: type = QWidget, timeout: int = WAIT_MS) -> Any:
        """The one visible widget under ``root`` that reads ``words`` (waiting for it, and for it to be enabled)."""
        found: list[QWidget] = []

        def there() -> bool:
            found[:] = [w for w in self.all_named(root, words, kind) if w.isEnabled()]
            return len(found) >= 1

        try:
            self.qtbot.waitUntil(there, timeout=timeout)
        except (AssertionError, TimeoutError, self.qtbot.TimeoutError):
            seen = sorted({n for w in root.findChildren(QWidget) if shown(w) for n in words_of(w)}
                          | {w.text() for w in root.findChildren(QLabel) if shown(w) and w.text()})
            raise AssertionError(f"nothing reading {words!r} is shown in {root.windowTitle()!r}; "
                                 f"what is shown: {seen}") from None
        return found[0]

    def field_labelled(self, root: QWidget, label_words: str) -> QWidget:
        """The field a label that reads ``label_words`` stands for (its buddy), as in Qt's own dialogs."""
        self.qtbot.waitUntil(lambda: any(label_words in plain(l.text()) and l.buddy() is not None
                                         for l in root.findChildren(QLabel) if shown(l)), timeout=WAIT_MS)
        return next(l.buddy() for l in root.findChildren(QLabel)
                    if shown(l) and label_words in plain(l.text()) and l.buddy() is not None)

    def sees(self, root: QWidget, words: str) -> bool:
        return bool(self.all_named(root, words))

    def sees_text(self, root: QWidget, words: str) -> bool:
        """Whether a label or button shown in ``root`` reads ``words`` (or holds them)."""
        widgets = [*root.findChildren(QLabel), *root.findChildren(QAbstractButton)]
        return any(words in plain(w.text()) for w in widgets if shown(w))

    # ------------------------------------------------------------------ the mouse

    def bring_forward(self, window: QWidget) -> None:
        """What clicking on a window does first: the window manager makes it the active one."""
        window = window.window()
        if self.app.activeWindow() is not window:
            window.raise_()
            window.activateWindow()
            self.qtbot.waitUntil(lambda: self.app.activeWindow() is window, timeout=WAIT_MS)

    def click(self, widget: QWidget, at: QPoint | None = None) -> None:
        self.qtbot.waitUntil(lambda: widget.isEnabled() and shown(widget), timeout=WAIT_MS)
        self.bring_forward(widget)
        target = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
        if at is None and isinstance(widget, (QCheckBox, QRadioButton)):
            at = QPoint(min(10, widget.width() // 2), widget.height() // 2)  # on the box, not past its words
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, NO_MODIFIER, at or target.rect().center())

    def double_click(self, widget: QWidget, at: QPoint) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, NO_MODIFIER, at)
        QTest.mouseDClick(widget, Qt.MouseButton.LeftButton, NO_MODIFIER, at)

    def double_click_item(self, view: QAbstractItemView, row: int) -> None:
        """Double-click row ``row`` of a list once the list shows it: a person double-clicks what they see.

        A capture is in the case a moment before its tile reaches the side panel (the writer thread
        hands it to the window); a double-click aimed at a row not yet there would hit nothing.
        """
        self.qtbot.waitUntil(lambda: view.model().rowCount() > row, timeout=WAIT_MS)
        self.bring_forward(view.window())
        self.double_click(view.viewport(), item_point(view, row))

    def choose_tab(self, root: QWidget, words: str) -> None:
        """Click the tab that reads ``words`` (on a tab bar shown in ``root``), as a person clicks it."""
        bars: list[tuple[QTabBar, int]] = []

        def there() -> bool:
            bars[:] = [(bar, i) for bar in root.findChildren(QTabBar) if shown(bar)
                       for i in range(bar.count()) if plain(bar.tabText(i)) == words and bar.isTabEnabled(i)]
            return bool(bars)

        self.qtbot.waitUntil(there, timeout=WAIT_MS)
        bar, index = bars[0]
        self.bring_forward(bar)
        QTest.mouseClick(bar, Qt.MouseButton.LeftButton, NO_MODIFIER, bar.tabRect(index).center())

    def press_button(self, root: QWidget, words: str) -> QWidget:
        button = self.find(root, words, QAbstractButton)
        self.click(button)
        return button

    def choose(self, combo: QComboBox, item_words: str) -> None:
        """Open the drop-down with a click and click the item that reads ``item_words``."""
        self.click(combo)
        view = combo.view()
        self.qtbot.waitUntil(lambda: view.isVisible(), timeout=WAIT_MS)
        model = view.model()
        rows = [r for r in range(model.rowCount()) if item_words in str(model.index(r, 0).data())]
        assert rows, f"{item_words!r} is not in the list"
        index = model.index(rows[0], 0)
        view.scrollTo(index)
        self.qtbot.wait(self.app.doubleClickInterval() + 50)  # a person's second click is not a double-click
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, NO_MODIFIER, view.visualRect(index).center())
        self.qtbot.waitUntil(lambda: not view.isVisible(), timeout=WAIT_MS)
        self.after_popup(combo)

    def after_popup(self, combo: QComboBox) -> None:
        """A closed drop-down gives the keyboard back to its window (the offscreen platform forgets to)."""
        self.pause(20)
        active = self.app.activeWindow()
        if (active is None or not active.isVisible()) and combo.window().isVisible():
            self.bring_forward(combo.window())
            if self.focused() is None:
                combo.setFocus(Qt.FocusReason.PopupFocusReason)

    def menu(self, window: QWidget, *path: str) -> None:
        """Click through the menu bar: ``menu(window, "Case", "Lock now")``."""
        bar = window.findChild(QMenuBar)
        assert bar is not None, "the window has no menu bar"
        actions = {plain(a.text()): a for a in bar.actions()}
        action = actions[path[0]]
        QTest.mouseClick(bar, Qt.MouseButton.LeftButton, NO_MODIFIER, bar.actionGeometry(action).center())
        menu = action.menu()
        self.qtbot.waitUntil(lambda: menu.isVisible(), timeout=WAIT_MS)
        item = next(a for a in menu.actions() if plain(a.text()) == path[1])
        assert item.isEnabled(), f"{path[1]!r} is greyed out"
        QTest.mouseClick(menu, Qt.MouseButton.LeftButton, NO_MODIFIER, menu.actionGeometry(item).center())

    # ------------------------------------------------------------------ the keyboard

    def focused(self) -> QWidget | None:
        return self.app.focusWidget()

    def type(self, text: str, into: QWidget | None = None) -> None:
        """Type ``text`` where the keyboard is (or first click ``into``)."""
        if into is not None:
            self.click(into)
        target = self.focused()
        assert target is not None, "the keyboard is nowhere: no widget has the focus"
        QTest.keyClicks(target, text)

    def fill(self, root: QWidget, field_words: str, text: str) -> QWidget:
        field = self.find(root, field_words)
        self.type(text, into=field)
        return field

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        target = self.focused() or self.app.activeWindow()
        assert target is not None, "the keyboard is nowhere"
        QTest.keyClick(target, key, modifier)

    def shortcut(self, window: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        """A key combination pressed while ``window`` is in front."""
        self.bring_forward(window)
        target = self.focused()
        if target is None or target.window() is not window:
            target = window
        QTest.keyClick(target, key, modifier)

    def tab_until(self, condition: Callable[[QWidget], bool], *, backwards: bool = False,
                  limit: int = 80) -> QWidget:
        """Press Tab (or Shift+Tab) until the focused widget meets ``condition``."""
        seen: list[str] = []
        for _ in range(limit):
            focus = self.focused()
            if focus is not None and condition(focus):
                return focus
            if focus is not None:
                seen.append(sorted(words_of(focus))[0] if words_of(focus) else type(focus).__name__)
            if backwards:
                self.key(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
            else:
                self.key(Qt.Key.Key_Tab)
            self.qtbot.wait(5)
        raise AssertionError(f"Tab never reached the control; it went through {seen}")

    def tab_to(self, words: str, *, backwards: bool = False) -> QWidget:
        """Press Tab until the keyboard is on the control that reads ``words``."""
        return self.tab_until(lambda w: words in words_of(w), backwards=backwards)

    def choose_by_keys(self, combo: QComboBox, item_words: str) -> None:
        """Open the focused drop-down with Alt+Down, arrow to the item, Enter."""
        QTest.keyClick(combo, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
        view = combo.view()
        self.qtbot.waitUntil(lambda: view.isVisible(), timeout=WAIT_MS)
        QTest.keyClick(view, Qt.Key.Key_Home)
        for _ in range(combo.count() + 1):
            if item_words in str(view.currentIndex().data()):
                QTest.keyClick(view, Qt.Key.Key_Return)
                self.qtbot.waitUntil(lambda: not view.isVisible(), timeout=WAIT_MS)
                self.after_popup(combo)
                return
            QTest.keyClick(view, Qt.Key.Key_Down)
        raise AssertionError(f"{item_words!r} is not in the list")

    # ------------------------------------------------------------------ waiting

    def wait_for(self, condition: Callable[[], Any], timeout: int = WAIT_MS) -> None:
        self.qtbot.waitUntil(lambda: bool(condition()), timeout=timeout)

    def pause(self, ms: int) -> None:
        self.qtbot.wait(ms)


def focus_chain(window: QWidget) -> Iterator[QWidget]:
    """Every widget of ``window`` that Tab can reach, in Tab order from the window's start, once each."""
    seen: set[int] = set()
    widget = window.nextInFocusChain()
    while widget is not window and id(widget) not in seen:
        seen.add(id(widget))
        if (shown(widget) and widget.isEnabled() and widget.window() is window
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            yield widget
        widget = widget.nextInFocusChain()


def item_point(view: QAbstractItemView, row: int) -> QPoint:
    index = view.model().index(row, 0)
    view.scrollTo(index)
    return view.visualRect(index).center()
