"""Starting the application and moving between its windows.

:func:`run` is what ``evidence-app`` calls. :class:`Controller` owns the case
store, the settings, the one idle watcher and the windows, and wires the start
screen to the wizard, the sign-in and the case windows. Start-up imports only
QtWidgets: the browser (QtWebEngine) is loaded by :func:`browser_factory` when a
case window opens , which is why
``AA_ShareOpenGLContexts`` is set before the QApplication exists.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget

from evidence_app import Blocklist, Case, CaseStore, EvidenceError, KdfParams
from evidence_app.school import settings as settings_file
from evidence_app.school.settings import Settings, SettingsError
from ui import engine_flags, restart
from ui.background import wait_for_background
from ui.case_window.idle import IdleWatcher
from ui.errors import show_error
from ui.start.window import StartWindow

if TYPE_CHECKING:  # the case window and sign-in load when first needed, not at start-up
    from evidence_app.school.first_run import Location, Places
    from ui.case_window.window import CaseWindow
    from ui.settings.restart_dialog import RestartDialog
    from ui.start.sign_in import SignInDialog

BROWSER_MODULE = "ui.browser"


def browser_factory() -> tuple[Callable[[Case], QWidget] | None, str]:
    """The recorded browser's class, imported now (QtWebEngine loads here, not at start-up).

    Returns ``(factory, "")``, or ``(None, why)`` when QtWebEngine cannot load.
    """
    try:
        module = importlib.import_module(BROWSER_MODULE)
    except ImportError as exc:
        return None, str(exc)
    return module.RecordedBrowser, ""


class Controller(QObject):
    """The application's windows and the state they share."""

    def __init__(self, app: QApplication, *, cases_root: str | Path | None = None,
                 settings_path: str | Path | None = None, store: CaseStore | None = None,
                 kdf: KdfParams | None = None, with_browser: bool = True,
                 engine: engine_flags.EngineFlags | None = None,
                 launch: Callable[[Sequence[str], Mapping[str, str]], bool] | None = None) -> None:
        super().__init__()
        self.app = app
        self.launch = launch if launch is not None else restart.launch_detached  # starts the app again
        self.quit_application: Callable[[], None] = app.quit  # after a restart was launched
        self.settings_path = Path(settings_path) if settings_path is not None else None
        self.settings_problem = ""
        try:
            self.settings = settings_file.load(self.settings_path)
        except SettingsError as exc:
            self.settings = Settings()
            self.settings_problem = str(exc)
        # Before any browser exists: the listed hosts become unreachable for the engine (issue 14).
        self.engine = engine if engine is not None else engine_flags.ENGINE
        listed = self._listed_now()
        self.engine.block_listed_hosts(listed)
        root = cases_root or self.settings.cases_folder or None
        self.store = store or CaseStore(root, retention_months=self.settings.retention_months)
        self.kdf = kdf
        self.export_key_cost: int | None = None  # None: the export's standard scrypt cost (tests lower it)
        self.with_browser = with_browser
        self.idle = IdleWatcher(app, self.settings.idle_lock_minutes, self)
        self.case_windows: list["CaseWindow"] = []
        self.dialogs: list[QWidget] = []
        self.start = StartWindow(self.store)
        self.start.new_case.connect(self.new_case)
        self.start.open_case.connect(self.open_case)
        self.start.verify_bundle.connect(self.check_bundle)
        self.start.settings.connect(self.edit_settings)
        self.start.register.connect(self.open_register)
        self.start.school_key_setup.connect(self.set_up_school_key)
        self.start.delete_case.connect(self.delete_case)
        if self.settings_problem:
            self.start.problem.setText(self.settings_problem + " The default settings are used for now.")
            self.start.problem.show()
        else:
            self._show_restart_note(listed)

    # ---------------------------------------------------------------- start screen actions

    def show_start(self) -> StartWindow:
        self.start.reload()
        self.start.show()
        return self.start

    def _keep(self, dialog: QWidget) -> QWidget:
        self.dialogs.append(dialog)
        dialog.destroyed.connect(lambda: self.dialogs.remove(dialog) if dialog in self.dialogs else None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return dialog

    def new_case(self):  # -> NewCaseWizard
        from ui.start.wizard import NewCaseWizard

        wizard = NewCaseWizard(self.store, computer_name=self.settings.computer_name or self.store.machine.name,
                               computer_location=self.settings.computer_location, kdf=self.kdf,
                               school_name=self.settings.school_name, parent=self.start)
        wizard.created.connect(lambda case: self._case_created(wizard, case))
        self._keep(wizard)
        wizard.open()
        return wizard

    def _case_created(self, wizard: QWidget, case: Case) -> None:
        name = wizard.computer_name.text().strip()  # type: ignore[attr-defined]
        location = wizard.computer_location.text().strip()  # type: ignore[attr-defined]
        if (name, location) != (self.settings.computer_name, self.settings.computer_location):
            try:
                self.save_settings(self.settings.with_changes(computer_name=name, computer_location=location))
            except EvidenceError as exc:
                show_error(self.start, exc, "The computer's name was not remembered")
        self.show_case(case)

    def open_case(self, case_id: str) -> "SignInDialog | None":
        for window in self.case_windows:
            if window.case.id == case_id:
                window.raise_()
                window.activateWindow()
                return None
        from ui.start.sign_in import SignInDialog

        dialog = SignInDialog(self.store, case_id, parent=self.start)
        dialog.opened.connect(self.show_case)
        self._keep(dialog)
        dialog.open()
        return dialog

    def check_bundle(self):  # -> BundleCheckDialog
        from ui.export.verify_dialog import BundleCheckDialog

        dialog = BundleCheckDialog(self.start)
        self._keep(dialog)
        dialog.open()
        return dialog

    # ---------------------------------------------------------------- the school key, register, retention (issue 8)

    def set_up_school_key(self):  # -> SchoolKeySetupDialog
        from ui.school.key_setup import SchoolKeySetupDialog

        dialog = SchoolKeySetupDialog(self.store, self.start, kdf=self.kdf, school_name=self.settings.school_name,
                                      computer_name=self.settings.computer_name)
        dialog.finished.connect(self._school_key_setup_closed)
        self._keep(dialog)
        dialog.open()
        return dialog

    def open_register(self):  # -> RegisterDialog
        from ui.school.register_view import RegisterDialog

        dialog = RegisterDialog(self.store, self.start, school_name=self.settings.school_name)
        self._keep(dialog)
        dialog.open()
        return dialog

    def delete_case(self, case_id: str):  # -> DeleteCaseDialog
        from ui.start.delete_case import DeleteCaseDialog

        dialog = DeleteCaseDialog(self.store, case_id, self.start, today=self.start.today)
        dialog.deleted.connect(self._case_deleted)
        self._keep(dialog)
        dialog.open()
        return dialog

    def _school_key_setup_closed(self, _result: int) -> None:
        self.start.reload()

    def _case_deleted(self, report: object) -> None:
        self.start.reload()
        self.start.statusBar().showMessage(
            f"Case {getattr(report, 'case_id', '')} was deleted: its keys were destroyed, then its files.", 15_000)

    def edit_settings(self):  # -> SettingsDialog
        from ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, parent=self.start, connections=self.connections_note())
        dialog.saved.connect(self._settings_saved)
        self._keep(dialog)
        dialog.open()
        return dialog

    def _settings_saved(self, value: Settings) -> None:
        try:
            self.save_settings(value)
        except EvidenceError as exc:
            show_error(self.start, exc, "The settings were not saved")
            return
        self.offer_restart()

    def offer_restart(self) -> "RestartDialog | None":
        """After a save: if a restart would block listed hosts this run cannot, offer it (None when not)."""
        from ui.settings.restart_dialog import RestartDialog

        hosts = self.engine.restart_would_block(self._listed_now())
        if not hosts:
            return None
        dialog = RestartDialog(hosts, open_cases=len(self.case_windows), parent=self.start)
        dialog.accepted.connect(self.restart_now)
        self._keep(dialog)
        dialog.open()
        return dialog

    def restart_command(self) -> list[str]:
        """What :meth:`restart_now` runs: this application as it was started."""
        return restart.restart_command()

    def restart_now(self) -> bool:
        """Lock every open case, start Evidence App again, and quit this one; False (and told) if it cannot start."""
        for window in list(self.case_windows):
            window.close()  # locks the case: the pair sign in again in the new process
        wait_for_background()
        if not self.launch(self.restart_command(), self.engine.environment_for_restart()):
            self.show_start()
            self.start.problem.setText("Evidence App could not start again by itself. Close it and start it again "
                                       "to block the newly listed hosts fully.")
            self.start.problem.show()
            return False
        self.quit_application()
        return True

    def save_settings(self, value: Settings) -> None:
        """Save and apply; :class:`EvidenceError` (SettingsError, StorageError) if not saved."""
        settings_file.save(value, self.settings_path)
        self.settings = value
        self.idle.set_minutes(value.idle_lock_minutes)
        self.store.retention_months = value.retention_months
        listed = self._listed_now()
        self.engine.block_listed_hosts(listed)  # takes effect if no browser has started the engine yet
        self._show_restart_note(listed)

    # ---------------------------------------------------------------- connections to listed hosts (issue 14)

    def _listed_now(self) -> Blocklist | None:
        """The school's list as the file holds it now; None when none is set or it cannot be read.

        An unreadable list blocks nothing here: the browser refuses to start without it anyway.
        """
        try:
            return self.settings.check_blocklist()
        except SettingsError:
            return None

    def connections_note(self) -> str:
        """For the settings: what the engine blocks at the connection level, and what waits for a restart."""
        return self.engine.summary(self._listed_now())

    def _show_restart_note(self, listed: Blocklist | None) -> None:
        note = self.engine.restart_note(listed)
        self.start.blocklist_note.setText(note)
        self.start.blocklist_note.setVisible(bool(note))

    # ---------------------------------------------------------------- case windows

    def show_case(self, case: Case) -> "CaseWindow":
        from ui.case_window.window import CaseWindow

        factory, problem = browser_factory() if self.with_browser else (None, "")
        window = CaseWindow(case, self.idle, browser_factory=self._with_blocklist(factory) if factory else None,
                            browser_problem=problem, settings=self._current_settings)
        from ui.case_window.extras import install_case_extras

        install_case_extras(window, tsa_url=lambda: self.settings.tsa_url, key_cost=self.export_key_cost)
        from ui.case_window.trusted_time import install_trusted_time

        install_trusted_time(window, lambda: self.settings.tsa_url)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.closed.connect(lambda _id: self._case_closed(window))
        self.case_windows.append(window)
        window.show()
        self.start.hide()
        return window

    def _current_settings(self) -> Settings:
        return self.settings

    def _with_blocklist(self, factory: Callable[..., QWidget]) -> Callable[[Case], QWidget]:
        """The browser with the school's blocklist, read afresh at each build (each unlock), and its time server.

        The first build starts the browser engine: its host-resolver rules are made from the list
        as read then. Later builds can only name the hosts listed since (on the start screen).

        A blocklist that is set but cannot be read stops the browser from starting, with the
        reason: browsing without the list the school relies on would be unsafe.
        """
        def build(case: Case) -> QWidget:
            blocklist = self.settings.check_blocklist()
            case.use_blocklist(blocklist)  # the core's backstop behind the browser's own check
            self.engine.block_listed_hosts(blocklist)  # the list as read now, if this browser starts the engine
            self._show_restart_note(blocklist)
            return factory(case, blocklist=blocklist, time_server=self.settings.time_server)

        return build

    def _case_closed(self, window: "CaseWindow") -> None:
        if window in self.case_windows:
            self.case_windows.remove(window)
        if not self.case_windows:
            self.show_start()

    def shutdown(self) -> None:
        """Lock every case (the windows' close does the journaling) and stop the watcher."""
        for window in list(self.case_windows):
            window.close()
        wait_for_background()
        self.idle.uninstall()


def _create_application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    from ui import bindings

    bindings.install()  # before any signal is emitted: PySide6 6.12.0 drops references to None and True
    # QtWebEngine may only be imported after the QApplication exists if this is set first.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Evidence App")
    app.setApplicationDisplayName("Evidence App")
    app.setStyle("Fusion")
    from ui import gc_guard

    gc_guard.install(app)  # collect garbage on this thread only, never on a worker's
    font = app.font()
    if font.pointSize() < 10:
        font.setPointSize(10)
        app.setFont(font)
    return app


class Starter(QObject):
    """The first run's question, then the start screen, then the offer to move an account's own cases.

    Nothing chosen yet (:func:`~evidence_app.school.first_run.current_location`): the
    :class:`~ui.start.location.CaseLocationDialog` comes first, and the start screen opens on what
    it decided. With the cases computer-wide, what this account kept for itself is offered for
    moving at every start while any is left, and named on the start screen when it stays.
    """

    def __init__(self, app: QApplication, *, places: "Places | None" = None, administrator: bool | None = None,
                 **options: object) -> None:
        super().__init__()
        from evidence_app.school.first_run import Places

        self.app = app
        self.places = places or Places.of_this_computer()
        self.administrator = administrator  # None: ask the system
        self.options = options  # for the Controller (tests: kdf, with_browser)
        self.controller: Controller | None = None
        self.dialog: QWidget | None = None

    def begin(self) -> QWidget:
        """The dialog on the first run, else the start screen."""
        from evidence_app.school.first_run import current_location
        from ui.start.location import CaseLocationDialog

        location = current_location(self.places)
        if location.chosen:
            return self.open(location)
        dialog = CaseLocationDialog(self.places, administrator=self.administrator)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.decided.connect(self.open)
        self.dialog = dialog
        dialog.show()
        return dialog

    def open(self, location: "Location") -> StartWindow:
        """The start screen on ``location``'s settings and cases; then the offer to move what was left behind."""
        from evidence_app.case.moving import left_behind

        controller = Controller(self.app, cases_root=location.cases_folder, settings_path=location.settings_path,
                                **self.options)  # type: ignore[arg-type]
        self.controller = controller
        start = controller.show_start()
        try:
            found = left_behind(location, self.places)
        except EvidenceError as exc:
            show_error(start, exc, "This account's own cases could not be listed")
            return start
        if found.anything:
            from ui.start.location import MoveCasesDialog

            offer = MoveCasesDialog(found, start)
            offer.moved.connect(lambda _report: self._moved(start))
            offer.rejected.connect(lambda: self._still_left(location))
            controller._keep(offer)
            offer.open()
            self.dialog = offer
        return start

    def _moved(self, start: StartWindow) -> None:
        start.elsewhere.hide()
        start.reload()

    def _still_left(self, location: "Location") -> None:
        """After the offer closes: name on the start screen what this account still keeps for itself."""
        from evidence_app.case.moving import left_behind

        if self.controller is None:
            return
        elsewhere = self.controller.start.elsewhere
        try:
            found = left_behind(location, self.places)
        except EvidenceError as exc:
            elsewhere.setText(str(exc))
            elsewhere.show()
            return
        elsewhere.setText(f"{found.text()} Evidence App will offer to move them again at the next start.")
        elsewhere.setVisible(found.anything)

    def shutdown(self) -> None:
        if self.controller is not None:
            self.controller.shutdown()


def run(cases_root: str | None = None) -> int:
    """Start the application (the first run's question first, unless ``cases_root`` is given); return its exit code."""
    app = _create_application()
    if cases_root is not None:
        controller = Controller(app, cases_root=cases_root)
        app.aboutToQuit.connect(controller.shutdown)
        controller.show_start()
        return app.exec()
    starter = Starter(app)
    app.aboutToQuit.connect(starter.shutdown)
    starter.begin()
    return app.exec()
