"""Fixtures for the UI tests: real cases in tmp_path, the app's controller, the idle watcher.

Nothing of the core is mocked. Dialogs are opened with ``open()`` and driven
through their buttons, so no test can hang on ``exec()``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractListModel, QCoreApplication, QEvent, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from tests.helpers.cases import CHEAP
from ui import gc_guard
from ui.app import Controller
from ui.background import wait_for_background
from ui.case_window.idle import IdleWatcher
from ui.engine_flags import EngineFlags


@pytest.fixture(autouse=True)
def collect_on_this_thread(qapp: QApplication) -> None:
    """As the application does (ui.gc_guard): garbage is collected on the GUI thread, never on a worker's."""
    gc_guard.install(qapp)


@pytest.fixture
def clean_qt(qapp: QApplication) -> Iterator[None]:
    """Close every window a test left open and let background work finish."""
    yield
    wait_for_background()
    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    qapp.processEvents()
    # Deletions asked for during the test (dialogs closing themselves) happen now, while the objects
    # their signals reach still exist, not in the middle of the next test's event loop.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()
    gc.collect()  # this test's garbage goes now, on this thread, not during the next test


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "settings.json"


@pytest.fixture
def controller(qapp: QApplication, store, settings_path: Path, clean_qt: None) -> Iterator[Controller]:
    made = Controller(qapp, store=store, settings_path=settings_path, kdf=CHEAP,  # the real browser, as the app runs
                      engine=EngineFlags({}))  # the process's own browser-engine flags stay untouched
    made.show_start()
    yield made
    made.shutdown()


@pytest.fixture
def idle(qapp: QApplication) -> Iterator[IdleWatcher]:
    watcher = IdleWatcher(qapp, 5)
    yield watcher
    watcher.uninstall()
    watcher.deleteLater()


def model_text(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    found: list[str] = []
    root = QModelIndex()
    for row in range(model.rowCount(root)):
        for column in range(1 if isinstance(model, QAbstractListModel) else model.columnCount(root)):
            index = model.index(row, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole):
                value = index.data(role)
                if isinstance(value, str):
                    found.append(value)
    return found


def reachable_text(app: QApplication) -> str:
    """Every string any widget of the application would show or hand to a screen reader."""
    found: list[str] = []
    for widget in app.allWidgets():
        found += [widget.windowTitle(), widget.toolTip(), widget.accessibleName(),
                  widget.accessibleDescription(), widget.statusTip(), widget.whatsThis()]
        if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
            found.append(widget.text())
        if isinstance(widget, QLineEdit):
            found.append(widget.placeholderText())
        if isinstance(widget, (QPlainTextEdit, QTextEdit)):
            found.append(widget.toPlainText())
        if isinstance(widget, QGroupBox):
            found.append(widget.title())
        if isinstance(widget, QComboBox):
            found += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView):
            found += model_text(widget)
        if isinstance(widget, QMainWindow):
            found.append(widget.statusBar().currentMessage())
    return "\n".join(found)


def all_widgets_of(window: QWidget, kind: type) -> list:
    return window.findChildren(kind)
