"""The case window: side panel, notes, captures, the checklist ticking itself, the browser's room."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from evidence_app import Kind, Status
from tests.helpers.cases import PASSPHRASES, make_case
from tests.helpers.images import make_png
from ui.case_window.checklist import steps_from
from ui.case_window.window import CaseWindow

pytestmark = pytest.mark.usefixtures("clean_qt")


def open_window(qtbot, case, idle=None) -> CaseWindow:
    window = CaseWindow(case, idle)
    qtbot.addWidget(window)
    window.show()
    return window


def test_side_panel_shows_the_case(qtbot, case, idle) -> None:
    window = open_window(qtbot, case, idle)
    panel = window.panel
    assert panel.case_id.text() == case.id
    assert "Alice Hughes, Headteacher" in panel.people.text()
    assert "Bartosz Nowak, Designated safeguarding lead" in panel.people.text()
    assert panel.elapsed.text().startswith("Open for 0:00:0")
    assert panel.light.recording and "Recording" in panel.light.text()
    assert panel.light.accessibleName() == "Recording"
    assert case.id in window.windowTitle()
    assert window.placeholder.isVisible()
    assert idle.active


def test_notes_are_added_with_ctrl_enter(qtbot, case) -> None:
    window = open_window(qtbot, case)
    window.panel.note_box.setFocus()
    qtbot.keyClicks(window.panel.note_box, "The site shows betting odds")
    qtbot.keyClick(window.panel.note_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    notes = [e.data["text"] for e in case.events() if e.kind == Kind.NOTE]
    assert notes == ["The site shows betting odds"]
    assert window.panel.note_box.toPlainText() == ""
    assert window.panel.notes.count() == 1
    assert "The site shows betting odds" in window.panel.notes.item(0).text()
    # An empty note is not added.
    window.panel.add_note_button.click()
    assert sum(1 for e in case.events() if e.kind == Kind.NOTE) == 1


def test_checklist_ticks_itself(qtbot, case) -> None:
    window = open_window(qtbot, case)
    done = window.panel.checklist.done
    assert done() == {"two_people": True, "designated": True, "sites": False, "concern": False,
                      "conclusion": False}
    case.record_visit("https://example.org/", "Example")  # as the browser would
    window._on_tick()  # the once-a-second check notices the journal moved on
    assert done()["sites"] and not done()["concern"]
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/")
    window._on_tick()
    assert not done()["concern"]  # a capture without a concern describes nothing
    case.add_capture(make_png(seed=2), kind="viewport", url="https://example.org/", concern="gambling")
    window._on_tick()
    assert done()["concern"]
    labels = window.panel.checklist.findChildren(QLabel)
    assert any(label.text() == "✓ Sites recorded" for label in labels)
    assert any(label.text() == "○ Conclusion reached" for label in labels)


def test_a_note_describes_the_concern(qtbot, case) -> None:
    window = open_window(qtbot, case)
    window.add_note("Pupil's messages contain threats")
    assert window.panel.checklist.done()["concern"]


def test_conclusion_step_follows_the_status() -> None:
    assert steps_from([], designated=True, status=Status.CONCLUDED)[4].done
    assert not steps_from([], designated=True, status=Status.OPEN)[4].done


def test_captures_show_thumbnails_and_withheld_tiles(qtbot, case) -> None:
    case.add_capture(make_png(320, 200, seed=3), kind="viewport", url="https://ok.example/")
    bad = case.add_capture(make_png(seed=4), kind="viewport", url="https://bad.example/")
    case.flag_csam("https://bad.example/")
    window = open_window(qtbot, case)
    shots = window.panel.captures
    assert shots.count() == 2
    first, second = shots.item(0), shots.item(1)
    assert not first.icon().isNull()
    assert first.text().startswith("C0001") and case.captures()[0].sha256[:12] in first.text()
    assert "Withheld" in second.text() and "bad.example" not in second.text()
    assert bad.id not in shots._thumbs  # never decrypted
    # A sealed case records nothing more, and says so in red.
    assert not window.panel.light.recording and "sealed" in window.panel.light.text()


def test_browser_widget_takes_the_central_area(qtbot, case) -> None:
    window = open_window(qtbot, case)
    browser = QLabel("pretend browser")
    window.set_browser_widget(browser)
    assert window.browser_widget is browser and browser.isVisible()
    assert not window.placeholder.isVisible()
    with qtbot.waitSignal(window.locked):
        window.lock()
    assert not browser.isVisible()


def test_closing_the_window_locks_the_case(qtbot, case) -> None:
    window = open_window(qtbot, case)
    with qtbot.waitSignal(window.closed):
        window.close()
    assert case.locked
    case.unlock(PASSPHRASES)
    kinds = [e.kind for e in case.events()]
    assert kinds[-2:] == [Kind.LOCKED, Kind.UNLOCKED]


def test_closing_with_an_unsaved_note_asks_first(qtbot, case) -> None:
    window = open_window(qtbot, case)
    window.panel.note_box.setPlainText("half a thought")
    window.close()
    question = window.unsaved_note_question
    assert question.isVisible() and window.isVisible() and not case.locked
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert window.isVisible() and not case.locked
    assert window.panel.note_box.toPlainText() == "half a thought"
    window.close()
    window.unsaved_note_question.button(QMessageBox.StandardButton.Discard).click()
    assert case.locked and not window.isVisible()


def test_read_only_store_window_for_concluded_state(qtbot, store) -> None:
    """A concluded case, opened away from its designated computer: shown, printable, never written to."""
    from evidence_app import Conclusion, Kind
    from tests.helpers.cases import OTHER_MACHINE, PASSPHRASES, make_store
    from ui.case_window.window import CONCLUDED_TEXT

    made = make_case(store)
    made.add_note("seen before the conclusion")
    made.conclude(Conclusion(substance="no", subject="pupil"))
    made.lock()
    case = make_store(store.root, machine=OTHER_MACHINE).open(made.id, PASSPHRASES)
    assert case.read_only
    built: list[object] = []
    window = CaseWindow(case, browser_factory=lambda c: built.append(c))  # type: ignore[arg-type,return-value]
    qtbot.addWidget(window)
    window.show()
    assert built == [], "a concluded case never gets a browser"
    assert window.placeholder.isVisible() and window.placeholder.text() == CONCLUDED_TEXT
    for name in ("stop", "note", "conclude", "address", "close_tab"):
        assert not window.actions_by_name[name].isEnabled(), name
    for name in ("timeline", "lock"):
        assert window.actions_by_name[name].isEnabled(), name
    assert window.actions_by_name["timeline"].shortcut().toString() == "Ctrl+T"
    assert window.actions_by_name["lock"].shortcut().toString() == "Ctrl+Shift+L"  # Ctrl+L is the address bar (issue 12)
    notes_before = sum(1 for e in case.events() if e.kind == Kind.NOTE)
    window.panel.note_box.setPlainText("typed on another computer")
    window.actions_by_name["note"].trigger()  # disabled: nothing happens
    assert sum(1 for e in case.events() if e.kind == Kind.NOTE) == notes_before
    window.panel.note_box.clear()
    window.close()


def test_an_error_page_is_no_site_visited() -> None:
    """A typed address whose https failed (journaled unreachable) does not tick "Sites recorded" (issue 12)."""
    from datetime import datetime, timezone

    from evidence_app import Event

    def event(kind: str, **data: object) -> Event:
        return Event(seq=0, time=datetime.now(timezone.utc).isoformat(), kind=kind, by=(), data=data, prev="",
                     hash="", line=b"")

    failed = [event(Kind.VISIT, url="https://h/"), event(Kind.REFUSED, what="unreachable", url="https://h/")]
    assert not steps_from(failed, designated=True, status=Status.OPEN)[2].done
    fell_back = [*failed, event(Kind.VISIT, url="http://h/")]
    assert steps_from(fell_back, designated=True, status=Status.OPEN)[2].done


def test_the_checklist_buttons_take_the_pair_to_each_step(qtbot, case) -> None:
    window = open_window(qtbot, case)
    buttons = window.panel.checklist.buttons
    assert [b.text() for b in buttons.values()] == ["Print or save the form…", "Export for the police…", "Browse",
                                                    "Describe", "Conclude…"]
    buttons["concern"].click()
    qtbot.waitUntil(lambda: window.panel.note_box.hasFocus() or window.focusWidget() is window.panel.note_box)
    buttons["conclusion"].click()
    assert window.conclusion_dialog is not None and window.conclusion_dialog.isVisible()
    window.conclusion_dialog.reject()
    buttons["form"].click()
    qtbot.waitUntil(lambda: window.form_dialog is not None)
    with qtbot.waitSignal(window.form_dialog.preview.ready, timeout=30_000):
        pass
    window.form_dialog.reject()


def test_closing_asks_first_and_ctrl_w_is_not_closing(qtbot, case) -> None:
    window = open_window(qtbot, case)
    assert window.actions_by_name["close_tab"].shortcut().toString() == "Ctrl+W"
    assert window.actions_by_name["close"].shortcut().isEmpty()
    window.actions_by_name["close_tab"].trigger()  # no browser here: nothing happens, and the case stays open
    assert window.isVisible() and not case.locked
    window.actions_by_name["close"].trigger()
    question = window.close_question
    assert question is not None and question.isVisible()
    assert question.defaultButton() is question.button(QMessageBox.StandardButton.Cancel)
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert window.isVisible() and not case.locked
    window.actions_by_name["close"].trigger()
    with qtbot.waitSignal(window.closed):
        window.close_confirm_button.click()
    assert case.locked


def test_a_capture_opens_full_size_and_the_words_are_the_buttons(qtbot, case) -> None:
    from evidence_app.form.render import issue_form
    from ui.case_window.annotate import AnnotateDialog
    from ui.case_window.timeline import event_details

    capture = case.add_capture(make_png(900, 700, seed=5), kind="viewport", url="https://example.org/")
    dialog = AnnotateDialog(case, capture)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "visible area" in reachable_words(dialog) and "viewport" not in reachable_words(dialog)
    view = dialog.view_full_size()
    assert (view.picture.pixmap().width(), view.picture.pixmap().height()) == (900, 700)
    issue_form(case)
    for event in case.events():
        line = event_details(event)
        assert "viewport" not in line and not line.startswith("{"), line


def reachable_words(widget) -> str:  # type: ignore[no-untyped-def]
    return " ".join(label.text() for label in widget.findChildren(QLabel))


def test_tab_goes_down_the_side_panel_as_it_reads(qtbot, case) -> None:
    window = open_window(qtbot, case)
    panel = window.panel
    order = [*panel.checklist.ordered_buttons(), panel.captures, panel.notes, panel.note_box, panel.add_note_button]
    assert [b.text() for b in order[:5]] == ["Browse", "Describe", "Conclude…", "Print or save the form…",
                                            "Export for the police…"]
    for first, second in zip(order, order[1:]):
        assert first.nextInFocusChain() is second or _next_focusable(first) is second, (first, second)


def _next_focusable(widget):  # type: ignore[no-untyped-def]
    following = widget.nextInFocusChain()
    while not (following.focusPolicy() & Qt.FocusPolicy.TabFocus):
        following = following.nextInFocusChain()
    return following


def test_kept_pages_are_listed_and_a_double_click_shows_one_again_but_never_a_withheld_one(qtbot, case) -> None:
    from PySide6.QtWebEngineCore import QWebEngineScript

    from tests.helpers.kept import make_mhtml, make_pdf
    from tests.helpers.person import item_point

    case.keep_page(mhtml=make_mhtml(text="Kept and shown", url="https://ok.example/post"), pdf=make_pdf(),
                   url="https://ok.example/post")
    case.keep_page(mhtml=make_mhtml(text="Flagged", url="https://bad.example/post"), pdf=make_pdf(),
                   url="https://bad.example/post")
    case.flag_csam("https://bad.example/post")
    window = open_window(qtbot, case)
    shots = window.panel.captures
    assert shots.count() == 2
    first, second = shots.item(0), shots.item(1)
    assert first.text().startswith("K0001") and "Kept whole: web archive and PDF" in first.text()
    assert "Withheld" in second.text() and "bad.example" not in second.text()
    qtbot.mouseDClick(shots.viewport(), Qt.MouseButton.LeftButton, pos=item_point(shots, 1))
    assert window.kept_dialog is None  # a withheld page is never shown
    qtbot.mouseClick(shots.viewport(), Qt.MouseButton.LeftButton, pos=item_point(shots, 0))
    qtbot.mouseDClick(shots.viewport(), Qt.MouseButton.LeftButton, pos=item_point(shots, 0))
    dialog = window.kept_dialog
    assert dialog is not None and "Kept page K0001" in dialog.windowTitle()
    text: list[object] = []

    def shown() -> bool:
        dialog.archive_page.page.runJavaScript("document.body ? document.body.innerText : ''",
                                               QWebEngineScript.ScriptWorldId.ApplicationWorld, text.append)
        qtbot.wait(100)
        return "Kept and shown" in str(text[-1:])

    qtbot.waitUntil(shown, timeout=20_000)
    window.lock()  # nothing of the case stays on screen
    qtbot.waitUntil(lambda: window.kept_dialog is None, timeout=5_000)


def test_a_kept_pages_picture_of_the_whole_page_is_one_tab_away_with_what_it_lacks(qtbot, case,
                                                                                  monkeypatch) -> None:
    """The pair double-click the kept tile, then click the tab named by its words: the picture is read from the
    case only then, at its size, with the notice of pictures still loading beside it."""
    from tests.helpers.kept import make_mhtml, make_page_png, make_pdf
    from tests.helpers.person import item_point

    late = "Some pictures were still loading when the page was drawn."
    case.keep_page(mhtml=make_mhtml(url="https://ok.example/post"), pdf=make_pdf(), png=make_page_png(),
                   url="https://ok.example/post", incomplete=late)
    window = open_window(qtbot, case)
    shots = window.panel.captures
    assert "Kept: web archive, PDF, picture" in shots.item(0).text()
    read: list[str] = []
    real = case.read_kept
    monkeypatch.setattr(case, "read_kept", lambda page, fmt: read.append(fmt) or real(page, fmt))
    qtbot.mouseClick(shots.viewport(), Qt.MouseButton.LeftButton, pos=item_point(shots, 0))
    qtbot.mouseDClick(shots.viewport(), Qt.MouseButton.LeftButton, pos=item_point(shots, 0))
    dialog = window.kept_dialog
    assert dialog is not None and read == ["mhtml"]  # the picture is not read until it is asked for
    bar = dialog.tabs.tabBar()
    titles = [bar.tabText(i) for i in range(bar.count())]
    assert titles == ["The page (web archive)", "Picture of the whole page"]
    picture_tab = bar.tabRect(titles.index("Picture of the whole page"))
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=picture_tab.center())
    assert read == ["mhtml", "png"]
    assert (dialog.picture.pixmap().width(), dialog.picture.pixmap().height()) == (40, 120)
    assert late in dialog.picture_note.text() and dialog.picture_note.isVisible()
    window.lock()
    qtbot.waitUntil(lambda: window.kept_dialog is None, timeout=5_000)
