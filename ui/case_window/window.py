"""The case window: the browser's room in the middle, the side panel on the right.

The browser (``ui/browser/``) is built by ``browser_factory(case)`` whenever
the case is unlocked, and shut down (its queued journal writes flushed, its
pages and off-the-record profile deleted) *before* the case locks; the next
unlock builds a fresh one. :meth:`CaseWindow.set_browser_widget` puts any
widget in the central area; without one a placeholder holds its place.

Locking (by hand, by the idle timer, or by closing the window) journals the
lock through the core, empties every widget that shows case data (side panel,
thumbnails, notes, the timeline's model), closes its dialogs, and leaves only
the unlock form, which needs both passphrases. The addresses of the open tabs
are kept in memory (like an unsaved note) and opened again, journaled, after
the unlock.

The procedure, in the policy's order, is reachable from the Case menu and the
side panel's checklist buttons: browse (Ctrl+L, the address bar), capture,
describe, conclude (Ctrl+Shift+O, :mod:`ui.form.conclusion`), print or save the
signed form (Ctrl+P, :mod:`ui.form.preview`), export for the police (Ctrl+E,
added by :mod:`ui.case_window.extras`). F1 shows the help. Ctrl+W closes a
browser tab, never the case; closing the case (menu or the window's ×) asks
first, with Cancel the default.

The stop (suspected child sexual abuse imagery; DESIGN.md "The stop"): the
browser's red button, Ctrl+Shift+X and choosing that concern (for the next
capture or for one already taken) ask for one confirmation (:mod:`ui.case_window.stop`);
an address on the school's blocklist halts at once. :meth:`CaseWindow.halt`
then, in this order: tears the browser down (nothing more is fetched, shown or
captured), seals the case through ``case.flag_csam`` (which withholds every
capture of the address), and puts the referral screen
(:mod:`ui.case_window.referral`) where the browser was. A sealed case never builds a
browser again: reopening it shows the referral screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from evidence_app import Case, CaseSealed, EvidenceError, Status
from evidence_app.school import settings as settings_file
from evidence_app.school.settings import Settings
from ui.background import run_in_background
from ui.case_window.idle import IdleWatcher
from ui.case_window.side_panel import SidePanel
from ui.case_window.stop import STOP_KEYS, StopConfirm, StopRequest
from ui.case_window.timeline import TimelineDialog
from ui.errors import describe, show_error
from ui.items.dialog import ItemsDialog, dropped_files
from ui.screen_fit import fit_to_screen
from ui.start.sign_in import UnlockForm

LOCK_KEYS = "Ctrl+Shift+L"
ADD_FILES_KEYS = "Ctrl+Shift+F"
FILES_KEYS = "Ctrl+Shift+I"
BrowserFactory = Callable[[Case], QWidget]
SettingsSource = Callable[[], Settings]

WORK_PAGE, LOCKED_PAGE = 0, 1
CONCLUDED_TEXT = ("This case is concluded: it takes no new evidence, so there is no browser.\n\n"
                  "Next: print or save the signed form, then export for the police if they need it.")
BROWSER_PLACEHOLDER = ("The recorded browser goes here.\n\n"
                       "Every page you visit in it is saved to this case, with the time.")


class CaseWindow(QMainWindow):
    """One open case. ``idle`` is the application's single idle watcher (optional in tests)."""

    locked = Signal()
    unlocked = Signal()
    closing = Signal()
    closed = Signal(str)
    stop_requested = Signal(str)  # the stop was asked for (the address); it still needs confirming
    sealed = Signal(str)          # the stop happened: the browser is gone and the case sealed (the address)

    def __init__(self, case: Case, idle: IdleWatcher | None = None, parent: QWidget | None = None, *,
                 browser_factory: BrowserFactory | None = None, browser_problem: str = "",
                 settings: SettingsSource | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.settings_source = settings or _saved_settings
        self.referral: QWidget | None = None
        self.stop_confirm: StopConfirm | None = None
        self.annotate_dialog: QWidget | None = None
        self.kept_dialog: QWidget | None = None  # a kept page shown again (the side panel's double-click)
        self.items_dialog: ItemsDialog | None = None
        self._halted = False
        self.idle = idle
        self.browser_factory = browser_factory
        self.setWindowTitle(f"Case {case.id} · Evidence App")
        self.setAccessibleName("Case window")
        fit_to_screen(self, 1280, 800)
        self._opened_at = time.monotonic()
        self._last_head = ""
        self._unlocking = False
        self._closed = False
        self._close_confirmed = False

        self.browser_area = QWidget()
        self.browser_area.setAccessibleName("Browser area")
        self._browser_layout = QVBoxLayout(self.browser_area)
        self._browser_layout.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel(BROWSER_PLACEHOLDER if not browser_problem else
                                  f"The browser could not start: {browser_problem}")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: #666; font-size: 13pt; border: 2px dashed #bbb;")
        self.placeholder.setAccessibleName("Browser placeholder")
        self._browser_layout.addWidget(self.placeholder)
        self.browser_widget: QWidget | None = None

        self.panel = SidePanel()
        self.panel.note_requested.connect(self.add_note)
        self.panel.captures.capture_chosen.connect(self.describe_capture)
        self.panel.captures.kept_chosen.connect(self.show_kept)
        self.unlock_form = UnlockForm()
        self.unlock_form.submitted.connect(self.unlock)
        self.unlock_form.recovery_submitted.connect(self.unlock_with_school_key)
        splitter = QSplitter()
        splitter.addWidget(self.browser_area)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setChildrenCollapsible(False)
        self.pages = QStackedWidget()
        self.pages.addWidget(splitter)
        self.pages.addWidget(self.unlock_form)
        self.setCentralWidget(self.pages)
        self.timeline: TimelineDialog | None = None
        self.unsaved_note_question: QMessageBox | None = None
        self._stashed_note = ""

        self.actions_by_name: dict[str, QAction] = {}
        self.conclusion_dialog: QWidget | None = None
        self.form_dialog: QWidget | None = None
        self.close_question: QMessageBox | None = None
        self.help_window: QWidget | None = None
        self._restore_urls: list[str] = []
        menu = self.case_menu = self.menuBar().addMenu("&Case")
        # In the policy's order: browse, capture, describe, conclude, the form, (the export: ui.case_window.extras).
        # Not Ctrl+L nor Ctrl+W for locking and closing: browser users press them for the address bar and a tab.
        for name, text, keys, slot in (
            ("address", "Go to the &address bar", "Ctrl+L", self.focus_address),
            ("timeline", "&Timeline and journal check", "Ctrl+T", self.show_timeline),
            ("note", "Write a &note", "Ctrl+Shift+N", self.focus_note),
            ("conclude", "C&onclude the review…", "Ctrl+Shift+O", self.open_conclusion),
            ("form", "&Print or save the form…", "Ctrl+P", self.print_form),
            ("lock", "&Lock now", LOCK_KEYS, self.lock),
            ("close_tab", "Close this &browser tab", "Ctrl+W", self.close_browser_tab),
            ("close", "&Close the case…", "", self.ask_to_close),
            ("stop", "&Stop: suspected child abuse imagery…", STOP_KEYS, self._stop_key),
            ("add_files", "Add &files…", ADD_FILES_KEYS, self.add_files),
            ("files", "Files and de&vices…", FILES_KEYS, self.show_items),
        ):
            action = QAction(text, self)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda *_, s=slot: s())
            menu.addAction(action)
            self.addAction(action)
            self.actions_by_name[name] = action
        help_menu = self.menuBar().addMenu("&Help")
        help_action = QAction("&How to investigate, and what each control does", self)
        help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        help_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        help_action.triggered.connect(lambda *_: self.show_help())
        help_menu.addAction(help_action)
        self.addAction(help_action)
        self.actions_by_name["help"] = help_action
        self.panel.checklist.step_chosen.connect(self.go_to_step)
        self.statusBar().showMessage(f"F1 help · Ctrl+L address · Ctrl+P form · {LOCK_KEYS} lock · "
                                     f"{STOP_KEYS} stop: suspected child abuse imagery")

        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._on_tick)
        self.tick.start()
        if idle is not None:
            idle.idle.connect(self.lock)
        self.setAcceptDrops(True)  # files dropped on the window are added to the case
        self.refresh()
        self._show_unlocked_state()

    # ---------------------------------------------------------------- files and devices (ui/items)

    def show_items(self) -> ItemsDialog | None:
        """The case's files and devices (Ctrl+Shift+I)."""
        if self.case.locked or self._halted:
            return None
        if self.items_dialog is None:
            dialog = ItemsDialog(self.case, self)
            dialog.stop_requested.connect(self.ask_to_stop)
            dialog.sealed.connect(lambda: self.halt(StopRequest("", "concern")))
            dialog.changed.connect(self.refresh)
            self.items_dialog = dialog
        self.items_dialog.refresh()
        self.items_dialog.show()
        self.items_dialog.raise_()
        return self.items_dialog

    def add_files(self) -> None:
        """Add files… (Ctrl+Shift+F): the list, then the file chooser."""
        dialog = self.show_items()
        if dialog is not None and self.case.status is Status.OPEN and not self.case.read_only:
            dialog.choose_files()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if dropped_files(event) and not self.case.locked and self.case.status is Status.OPEN:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        files = dropped_files(event)
        dialog = self.show_items() if files else None
        if dialog is not None:
            event.acceptProposedAction()
            dialog.add_files(files)

    # ---------------------------------------------------------------- the browser's room

    def set_browser_widget(self, widget: QWidget) -> None:
        """Put the browser in the central area (replacing the placeholder or an earlier one)."""
        if self.browser_widget is not None:
            self._browser_layout.removeWidget(self.browser_widget)
            self.browser_widget.deleteLater()
        self.placeholder.hide()
        self.browser_widget = widget
        self._browser_layout.addWidget(widget)
        widget.setVisible(not self.case.locked)
        QTimer.singleShot(0, self.focus_address)  # a newly opened case has the keyboard in the address bar
        # The browser's own messages (captures saved or refused...) show on its status line under the
        # page, in colour: the window's status bar does not repeat them (the same sentence twice).
        for name, slot in (("captured", lambda *_: self.refresh()),
                           ("stop_requested", self._on_browser_stop), ("blocked", self._on_blocked)):
            signal = getattr(widget, name, None)
            if signal is not None:
                signal.connect(slot)

    def _say(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def _build_browser(self) -> None:
        if self._halted or self.case.status is Status.SEALED:
            self.show_referral()  # a sealed case is never browsed again: no browser is even built
            return
        if self.browser_factory is None or self.case.locked:
            return
        if self.case.status is Status.CONCLUDED:
            self.placeholder.setText(CONCLUDED_TEXT)
            self.placeholder.show()
            return
        try:
            self.set_browser_widget(self.browser_factory(self.case))
            urls, self._restore_urls = self._restore_urls, []
            restore = getattr(self.browser_widget, "restore", None)
            if urls and callable(restore):
                restore(urls)
        except Exception as exc:  # noqa: BLE001 - the case stays usable without its browser
            self.placeholder.setText(f"The browser could not start: {describe(exc)}")
            self.placeholder.show()

    def _drop_browser(self) -> None:
        """Flush and tear down the browser before the case locks (its writes go first)."""
        widget, self.browser_widget = self.browser_widget, None
        if widget is None:
            return
        open_urls = getattr(widget, "open_urls", None)
        if callable(open_urls) and not self._halted:
            self._restore_urls = list(open_urls())  # brought back at the next unlock
        shutdown = getattr(widget, "halt" if self._halted else "shutdown", None)
        if callable(shutdown):
            shutdown()
        widget.hide()
        self._browser_layout.removeWidget(widget)
        widget.deleteLater()
        if self.referral is None:
            self.placeholder.show()

    # ---------------------------------------------------------------- the stop

    def _stop_key(self) -> None:
        self.request_stop()

    def request_stop(self, url: str | None = None) -> StopConfirm | None:
        """The red control or Ctrl+Shift+X: hide the page, then ask for the one confirmation."""
        browser = self.browser_widget
        if url is None:
            current = getattr(browser, "current_url", None)
            url = current() if callable(current) else ""
            cover = getattr(browser, "cover", None)
            if callable(cover):
                cover(True)
        shown = self.items_dialog.open_item_ids() if self.items_dialog is not None else ()
        return self.ask_to_stop(StopRequest(url or "", "button", shown))

    def _on_browser_stop(self, url: str) -> None:
        form = getattr(self.browser_widget, "form", None)
        concern = getattr(form, "blocks_capture", False)
        self.ask_to_stop(StopRequest(url, "concern" if concern else "button",
                                     note=form.note() if concern and form is not None else ""))

    def ask_to_stop(self, request: StopRequest) -> StopConfirm | None:
        if self._halted or self.case.locked or self.case.status is Status.SEALED:
            return None
        self.stop_requested.emit(request.url)
        if self.stop_confirm is not None:
            self.stop_confirm.raise_()
            return self.stop_confirm
        dialog = StopConfirm(request, self)
        dialog.confirmed.connect(self.halt)
        dialog.rejected.connect(self._stop_cancelled)
        dialog.finished.connect(self._stop_confirm_closed)
        self.stop_confirm = dialog
        dialog.open()
        return dialog

    def _stop_cancelled(self) -> None:
        cancel = getattr(self.browser_widget, "cancel_stop", None)
        if callable(cancel) and not self._halted:
            cancel()

    def _stop_confirm_closed(self, _result: int) -> None:
        dialog, self.stop_confirm = self.stop_confirm, None
        if dialog is not None:
            dialog.deleteLater()

    def _on_blocked(self, blocked: object) -> None:
        """A blocklisted address was refused before it was requested: the stop, with no question asked."""
        describe_ = getattr(blocked, "describe", None)
        self.halt(StopRequest(str(getattr(blocked, "url", "")), "blocklist",
                              note=describe_() if callable(describe_) else ""))

    def halt(self, request: StopRequest) -> None:
        """The stop, at once and in this order: browser down, every capture path off, case sealed, referral."""
        if self._halted:
            return
        self._halted = True
        if self.stop_confirm is not None:
            self.stop_confirm.close()
        if self.kept_dialog is not None:
            self.kept_dialog.close()  # a kept page on screen goes first, with the annotation
        if self.annotate_dialog is not None:
            self.annotate_dialog.close()
        if self.items_dialog is not None:
            self.items_dialog.close_viewer()  # a picture on screen goes first
            self.items_dialog.close()
        self._drop_browser()  # the browser's halt(): requests refused, pages hidden and deleted, captures off
        for name in ("stop", "note", "conclude", "address", "close_tab", "add_files", "files"):
            self.actions_by_name[name].setEnabled(False)
        if self.conclusion_dialog is not None:
            self.conclusion_dialog.close()
        error: BaseException | None = None
        try:
            self.case.flag_csam(request.url, note=request.note, captures=request.captures)
        except CaseSealed:
            pass  # sealed already (another window, or the core's own add_capture stop)
        except Exception as exc:  # noqa: BLE001 - whatever failed, the stop ends on the referral screen
            error = exc
        self.show_referral()
        try:
            self.refresh()
        except Exception as exc:  # noqa: BLE001
            error = error or exc
        self.sealed.emit(request.url)
        if error is not None:
            sealed = getattr(self.case, "status", None) is Status.SEALED
            show_error(self, error, "The case is sealed, but something after it failed" if sealed
                       else "The seal was not saved")

    def show_referral(self) -> QWidget:
        """Put the referral screen where the browser was (built once)."""
        if self.referral is None:
            from evidence_app.policy.referral import load_referral
            from ui.case_window.referral import ReferralScreen, school_contacts

            settings = self.settings_source()
            self.referral = ReferralScreen(load_referral(), self.case.id, school_contacts(settings),
                                           school_name=settings.school_name)
            self.referral.print_requested.connect(self.print_form)  # type: ignore[attr-defined]
            self.referral.export_requested.connect(self.start_police_export)  # type: ignore[attr-defined]
            self._browser_layout.addWidget(self.referral)
        self.placeholder.hide()
        self.referral.show()
        self.actions_by_name["stop"].setEnabled(False)
        return self.referral

    def print_form(self) -> QWidget | None:
        """The incident form; a sealed case's form never has images in it (the core sees to it)."""
        if self.case.locked:
            return None
        if self.form_dialog is not None:
            self.form_dialog.raise_()
            return self.form_dialog
        from ui.form import open_form

        dialog = open_form(self.case, self)
        dialog.destroyed.connect(self._form_gone)
        self.form_dialog = dialog
        return dialog

    def _form_gone(self) -> None:
        self.form_dialog = None

    def open_conclusion(self) -> QWidget | None:
        """The policy's conclusion (substance, whom, action); afterwards the case takes no new evidence."""
        if self.case.locked or self._halted or self.case.status is not Status.OPEN or self.case.read_only:
            self._say("Only an open case on its own computer can be concluded.")
            return None
        if self.conclusion_dialog is not None:
            self.conclusion_dialog.raise_()
            return self.conclusion_dialog
        from ui.form.conclusion import open_conclusion

        dialog = open_conclusion(self.case, self)
        dialog.concluded.connect(self._concluded)
        dialog.destroyed.connect(self._conclusion_gone)
        self.conclusion_dialog = dialog
        return dialog

    def _conclusion_gone(self) -> None:
        self.conclusion_dialog = None

    def _concluded(self, _event: object) -> None:
        self._drop_browser()  # a concluded case takes no new evidence: nothing more is browsed
        self.placeholder.setText(CONCLUDED_TEXT)
        self.refresh()
        self._show_unlocked_state()
        self._say("The conclusion is saved to the case. Next: print or save the signed form (Ctrl+P).")

    def focus_address(self) -> None:
        """Ctrl+L, as in every browser: the keyboard goes to the address bar."""
        focus = getattr(self.browser_widget, "focus_address", None)
        if callable(focus) and not self.case.locked:
            focus()

    def close_browser_tab(self) -> None:
        """Ctrl+W, as in every browser: close the current tab (never the case)."""
        close = getattr(self.browser_widget, "close_current_tab", None)
        if callable(close) and not self.case.locked:
            close()

    def go_to_step(self, key: str) -> object:
        """A checklist button: take the pair to that step of the procedure."""
        if key == "sites":
            return self.focus_address()
        if key == "concern":
            return self.focus_note()
        if key == "conclusion":
            return self.open_conclusion()
        if key == "form":
            return self.print_form()
        if key == "export":
            return self.start_police_export()
        return None

    def show_help(self) -> QWidget:
        """F1: the procedure in plain words and what each control does."""
        from ui.help import HelpWindow

        if self.help_window is None:
            self.help_window = HelpWindow(self)
        self.help_window.show()
        self.help_window.raise_()
        self.help_window.activateWindow()
        return self.help_window

    def start_police_export(self) -> QWidget | None:
        """The police export (ui.case_window.extras adds it to every case window; see ui.export.dialog)."""
        extras = getattr(self, "extras", None)
        open_export = getattr(extras, "open_export", None)
        if callable(open_export):
            return open_export()
        self._say("The police export is not available in this window.")
        return None

    # ---------------------------------------------------------------- describing a capture afterwards

    def describe_capture(self, capture_id: str) -> QWidget | None:
        """Change a capture's note and concern (the side panel's double-click); CSAM there is the stop."""
        if self.case.locked or self._halted or self.case.status is not Status.OPEN or self.case.read_only:
            return None
        capture = next((c for c in self.case.captures() if c.id == capture_id), None)
        if capture is None or capture.quarantined:
            return None
        if self.annotate_dialog is not None:
            self.annotate_dialog.close()
        from ui.case_window.annotate import AnnotateDialog

        dialog = AnnotateDialog(self.case, capture, self)
        dialog.saved.connect(self._capture_described)
        dialog.stop_requested.connect(self._capture_stop)
        dialog.finished.connect(self._annotate_closed)
        self.annotate_dialog = dialog
        dialog.open()
        return dialog

    def show_kept(self, page_id: str) -> QWidget | None:
        """Show a kept page again, as it was kept, from the case's bytes (offline; never a withheld one)."""
        if self.case.locked or self._halted:
            return None
        kept = next((k for k in self.case.kept_pages() if k.id == page_id), None)
        if kept is None or kept.quarantined:
            return None
        if self.kept_dialog is not None:
            self.kept_dialog.close()
        from ui.browser.kept_view import KeptPageView

        try:
            dialog = KeptPageView(self.case, page_id, self)
        except EvidenceError as exc:
            show_error(self, exc, "The kept page cannot be shown")
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "kept_dialog", None))
        self.kept_dialog = dialog
        dialog.show()
        return dialog

    def _capture_described(self, capture_id: str) -> None:
        self._say(f"The note and concern of {capture_id} were saved to the case.")
        self.refresh()

    def _capture_stop(self, request: object) -> None:
        cover = getattr(self.browser_widget, "cover", None)
        if callable(cover):
            cover(True)
        if isinstance(request, StopRequest):
            self.ask_to_stop(request)

    def _annotate_closed(self, _result: int) -> None:
        dialog, self.annotate_dialog = self.annotate_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    # ---------------------------------------------------------------- showing the case

    def refresh(self) -> None:
        """Bring the panel (and the timeline) up to date with the case's journal."""
        if self.case.locked:
            return
        self._last_head = self.case.head
        self.panel.show_case(self.case)
        self.panel.show_elapsed(time.monotonic() - self._opened_at)
        if self.timeline is not None and self.timeline.isVisible():
            self.timeline.reload()

    def _on_tick(self) -> None:
        if self.case.locked:
            return
        self.panel.show_elapsed(time.monotonic() - self._opened_at)
        if self.case.head != self._last_head:  # the browser (or anyone) added to the journal
            self.refresh()

    def focus_note(self) -> None:
        if not self.case.locked:
            self.panel.note_box.setFocus()

    def add_note(self, text: str) -> None:
        try:
            self.case.add_note(text)
        except EvidenceError as exc:
            show_error(self, exc, "The note was not added")
            return
        self.panel.note_box.clear()
        self.statusBar().showMessage("Note saved to the case.", 5000)
        self.refresh()

    def show_timeline(self) -> TimelineDialog | None:
        if self.case.locked:
            return None
        if self.timeline is None:
            self.timeline = TimelineDialog(self.case, self)
        else:
            self.timeline.reload()
        self.timeline.show()
        self.timeline.raise_()
        self.timeline.activateWindow()
        return self.timeline

    # ---------------------------------------------------------------- locking

    def lock(self) -> None:
        """Lock the case and forget everything shown about it (safe to call twice)."""
        error: EvidenceError | None = None
        self._drop_browser()
        if not self.case.locked:
            try:
                self.case.lock()
            except EvidenceError as exc:  # the keys are dropped even when the lock record fails
                error = exc
        if self.idle is not None:
            self.idle.stop()
        self._stashed_note = self.panel.note_box.toPlainText() or self._stashed_note
        self.panel.clear()
        if self.timeline is not None:
            self.timeline.forget()
            self.timeline.close()
            self.timeline.deleteLater()
            self.timeline = None
        self.menuBar().setEnabled(False)
        for name in ("timeline", "note", "lock", "stop", "conclude", "form", "address", "close_tab",
                     "add_files", "files"):
            self.actions_by_name[name].setEnabled(False)
        for dialog in (self.kept_dialog, self.conclusion_dialog, self.form_dialog, self.annotate_dialog):
            if dialog is not None:
                dialog.close()  # nothing of the case stays on screen (a full-size capture closes with its dialog)
        if self.items_dialog is not None:
            self.items_dialog.close_viewer()
            self.items_dialog.close()
            self.items_dialog.deleteLater()
            self.items_dialog = None
        self.pages.setCurrentIndex(LOCKED_PAGE)
        self.unlock_form.reset()
        self.unlock_form.pair.first.setFocus()
        self.statusBar().showMessage("The case is locked and its journal saved. Both passphrases unlock it.")
        self.locked.emit()
        if error is not None and not self._closed:
            show_error(self, error, "The lock was not recorded")

    def unlock(self, passphrases: tuple[str, str]) -> None:
        case = self.case
        self._start_unlock(lambda: case.unlock(passphrases))

    def unlock_with_school_key(self) -> None:
        """One investigator's passphrase and the school key, from the unlock form (see ui.start.recovery)."""
        self._start_unlock(self.unlock_form.recovery.unlock_work(self.case))

    def _start_unlock(self, work: Callable[[], object]) -> None:
        if self._unlocking or not self.case.locked:
            return
        self._unlocking = True
        self.unlock_form.set_busy(True)
        run_in_background(self, work, self._unlocked, self._unlock_failed)

    def _unlocked(self, _: object) -> None:
        self._unlocking = False
        self.unlock_form.reset()
        self._show_unlocked_state()
        self.refresh()
        if self._stashed_note:
            self.panel.note_box.setPlainText(self._stashed_note)
            self._stashed_note = ""
            self.statusBar().showMessage("Your unsaved note was kept: add it with Ctrl+Enter.", 8000)
        else:
            self.statusBar().showMessage("Unlocked. The pages that were open are opened again.", 8000)
        self.unlocked.emit()

    def _unlock_failed(self, exc: BaseException) -> None:
        self._unlocking = False
        self.unlock_form.set_busy(False)
        self.unlock_form.show_error(exc)

    def _show_unlocked_state(self) -> None:
        self.pages.setCurrentIndex(WORK_PAGE)
        self.menuBar().setEnabled(True)
        sealed = self._halted or self.case.status is Status.SEALED
        writable = not sealed and self.case.status is Status.OPEN and not self.case.read_only
        for name, action in self.actions_by_name.items():
            action.setEnabled(writable or name not in ("stop", "note", "conclude", "address", "close_tab", "add_files"))
        if self.browser_widget is None:
            self._build_browser()
        if self.idle is not None:
            self.idle.start()

    # ---------------------------------------------------------------- closing

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self._unlocking:
            event.ignore()
            return
        draft = self.panel.note_box.toPlainText().strip() if not self.case.locked else ""
        if draft:
            event.ignore()
            self.ask_about_unsaved_note()
            return
        if event.spontaneous() and not self._close_confirmed:  # the window's ×: ask, as the menu does
            event.ignore()
            self.ask_to_close()
            return
        self.closing.emit()
        self._closed = True
        self.lock()
        self._stashed_note = ""
        self.tick.stop()
        if self.idle is not None:
            self.idle.idle.disconnect(self.lock)
        self.closed.emit(self.case.id)
        event.accept()

    def ask_to_close(self) -> QMessageBox | None:
        """Closing the case locks it: ask first (Cancel is the default), so no stray key closes it."""
        if self._closed:
            return None
        box = self.close_question
        if box is None:
            box = QMessageBox(QMessageBox.Icon.Question, "Close the case",
                              "Close this case? It will be locked and its journal saved; both passphrases "
                              "open it again.", QMessageBox.StandardButton.Cancel, self)
            self.close_confirm_button = box.addButton("Close the case", QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.setAccessibleName("Close the case?")
            box.buttonClicked.connect(self._close_answered)
            self.close_question = box
        box.open()
        return box

    def _close_answered(self, button: object) -> None:
        if button is getattr(self, "close_confirm_button", None):
            self._close_confirmed = True
            if not self.close():
                self._close_confirmed = False

    def ask_about_unsaved_note(self) -> QMessageBox:
        """A typed note was never added: ask before closing loses it (never blocks)."""
        box = self.unsaved_note_question
        if box is None:
            box = QMessageBox(QMessageBox.Icon.Question, "Unsaved note",
                              "You typed a note that was not added to the case. "
                              "Close the case and lose it?",
                              QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.setAccessibleName("Unsaved note")
            box.finished.connect(self._unsaved_note_answered)
            self.unsaved_note_question = box
        box.open()
        return box

    def _unsaved_note_answered(self, result: int) -> None:
        if result == QMessageBox.StandardButton.Discard.value:
            self.panel.note_box.clear()
            self.close()


def _saved_settings() -> Settings:
    """This computer's saved settings (for the referral screen's contacts), or the defaults."""
    try:
        return settings_file.load()
    except EvidenceError:
        return Settings()
