"""What the police export, retention and recovery add to a case window, installed by one call.

``install_case_extras(window)`` (the application calls it for every case
window) adds to the window's Case menu:

* "Export for the police…" (Ctrl+E), also on read-only and sealed cases;
* "Police have released it…", shown only for a sealed case not yet released;

and puts :class:`~ui.start.recovery.SchoolKeyBanner` above the window's pages, shown
while the case is open with the school key. Everything is driven by the
window's own ``locked``/``unlocked`` signals, so the window itself needs no
knowledge of any of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.export.dialog import ExportDialog, open_export
from ui.school.police_release import PoliceReleaseDialog
from ui.start.recovery import SchoolKeyBanner
from ui.start.retention import can_be_released, long_date

if TYPE_CHECKING:
    from ui.case_window.window import CaseWindow


class CaseExtras(QObject):
    """The export and release actions and the school-key banner of one case window."""

    def __init__(self, window: CaseWindow, *, tsa_url: Callable[[], str], key_cost: int | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.tsa_url = tsa_url
        self.key_cost = key_cost
        self.export_dialog: ExportDialog | None = None
        self.release_dialog: PoliceReleaseDialog | None = None

        self.banner = SchoolKeyBanner()
        pages = window.takeCentralWidget()
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(pages, 1)
        window.setCentralWidget(holder)

        menu = window.case_menu
        first = menu.actions()[0] if menu.actions() else None
        self.export_action = QAction("&Export for the police…", window)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.export_action.triggered.connect(self.open_export)
        self.release_action = QAction("&Police have released it…", window)
        self.release_action.triggered.connect(self.open_release)
        for action in (self.export_action, self.release_action):
            menu.insertAction(first, action)  # type: ignore[arg-type]
            window.addAction(action)
        menu.insertSeparator(first)  # type: ignore[arg-type]
        window.actions_by_name["export"] = self.export_action
        menu.aboutToShow.connect(self.update)
        window.locked.connect(self._locked)
        window.unlocked.connect(self.update)
        self.update()

    @Slot()
    def update(self) -> None:
        """Show what fits the case now (called on unlock and whenever the menu opens)."""
        case = self.window.case
        self.banner.update_for(case)
        self.export_action.setEnabled(not case.locked)
        self.release_action.setVisible(can_be_released(case))

    @Slot()
    def _locked(self) -> None:
        self.banner.update_for(self.window.case)
        self.export_action.setEnabled(False)
        self.release_action.setVisible(False)
        if self.export_dialog is not None:
            self.export_dialog.case_locked()
        if self.release_dialog is not None:
            self.release_dialog.close()

    # ---------------------------------------------------------------- export

    @Slot()
    def open_export(self) -> ExportDialog | None:
        if self.window.case.locked:
            return None
        if self.export_dialog is not None:
            self.export_dialog.raise_()
            return self.export_dialog
        dialog = open_export(self.window.case, self.window, tsa_url=self.tsa_url(), key_cost=self.key_cost,
                             idle=self.window.idle)
        dialog.form_requested.connect(self.open_form)
        dialog.exported.connect(self._exported)
        dialog.destroyed.connect(self._export_gone)
        self.export_dialog = dialog
        return dialog

    @Slot()
    def _export_gone(self) -> None:
        self.export_dialog = None

    @Slot(object)
    def _exported(self, result: object) -> None:
        self.window.statusBar().showMessage(f"Exported for the police to {getattr(result, 'folder', '')}.", 15_000)
        self.window.refresh()

    @Slot()
    def open_form(self) -> QWidget | None:
        if self.window.case.locked:
            return None
        from ui.form import open_form

        return open_form(self.window.case, self.window)

    # ---------------------------------------------------------------- the police's release

    @Slot()
    def open_release(self) -> PoliceReleaseDialog | None:
        if not can_be_released(self.window.case):
            return None
        dialog = PoliceReleaseDialog(self.window.case, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.released.connect(self._released)
        dialog.destroyed.connect(self._release_gone)
        self.release_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _release_gone(self) -> None:
        self.release_dialog = None

    @Slot(str)
    def _released(self, retain_until: str) -> None:
        self.update()
        self.window.refresh()
        self.window.statusBar().showMessage(
            f"The police's release is recorded. The case will be due for deletion on {long_date(retain_until)}.",
            15_000)


def install_case_extras(window: CaseWindow, *, tsa_url: Callable[[], str] = lambda: "",
                        key_cost: int | None = None) -> CaseExtras:
    """Add the export, the police's release and the school-key banner to ``window``."""
    extras = CaseExtras(window, tsa_url=tsa_url, key_cost=key_cost)
    window.extras = extras  # type: ignore[attr-defined]
    return extras
