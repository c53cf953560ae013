"""The start screen: the cases on this computer, and what can be done from here.

It lists cases without any passphrase (id, date started, status: the core's
summaries hold no personal data) with New case, Open case, Verify a bundle and
Settings. With no cases yet it says in two sentences what the app is for and
what to do first.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMainWindow,
                               QPushButton, QSizePolicy, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from evidence_app import CaseStore, CaseSummary, EvidenceError

from .texts import local_date, status_words

FIRST_RUN_TEXT = (
    "Evidence App helps two senior members of staff look into a suspected misuse of the internet "
    "the way the school's e-safety policy asks, recording every site visited and every screenshot "
    "in an encrypted case that only the two of you can open. "
    "To begin, choose New case: you will describe the concern, then each of you chooses a "
    "passphrase of your own.")
CASES_TEXT = ("Choose a case and Open case (both investigators will need their passphrases), "
              "or start a New case.")


class StartWindow(QMainWindow):
    """The first window. The application wires its signals to the other windows."""

    new_case = Signal()
    open_case = Signal(str)
    verify_bundle = Signal()
    settings = Signal()

    def __init__(self, store: CaseStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Evidence App")
        self.setAccessibleName("Evidence App start screen")
        self.resize(900, 560)

        title = QLabel("Evidence App")
        title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("What to do")
        self.intro.setStyleSheet("font-size: 12pt;")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Case", "Started", "Status"])
        self.table.setAccessibleName("Cases on this computer")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _: self._open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a31515;")
        self.problem.hide()

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name, text, keys, accessible, slot in (
            ("new", "&New case", "Ctrl+N", "New case", self.new_case.emit),
            ("open", "&Open case", "Ctrl+O", "Open the chosen case", self._open_selected),
            ("verify", "&Verify a bundle…", "Ctrl+Shift+V", "Verify an export bundle", self.verify_bundle.emit),
            ("settings", "&Settings", "Ctrl+,", "Settings", self.settings.emit),
        ):
            button = QPushButton(text)
            button.setAccessibleName(accessible)
            button.setToolTip(f"{accessible} ({keys})")
            button.clicked.connect(slot)
            action = QAction(accessible, self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(button.click)
            self.addAction(action)
            self.buttons[name] = button
            row.addWidget(button)
            if name == "open":
                row.addStretch(1)
        self.buttons["new"].setDefault(True)
        quit_action = QAction("Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)

        self.buttons["new"].setStyleSheet("font-weight: bold; padding: 6px 18px;")
        self.empty_space = QWidget()
        self.empty_space.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        column = QVBoxLayout()
        column.setSpacing(12)
        column.addWidget(title)
        column.addWidget(self.intro)
        column.addWidget(self.table, 1)
        column.addWidget(self.empty_space, 1)
        column.addWidget(self.problem)
        column.addLayout(row)
        body = QWidget()
        body.setLayout(column)
        self.setCentralWidget(body)
        self.reload()

    def reload(self) -> None:
        """Re-read the case list (no passphrase needed, nothing decrypted)."""
        try:
            cases = self.store.list()
            self.problem.hide()
        except EvidenceError as exc:
            cases = []
            self.problem.setText(str(exc))
            self.problem.show()
        self.show_cases(cases)

    def show_cases(self, cases: list[CaseSummary]) -> None:
        self.table.setRowCount(0)
        for summary in reversed(cases):  # newest first
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate((summary.id, local_date(summary.created),
                                           status_words(summary.status))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, summary.id)
                self.table.setItem(row, column, item)
        first_run = not cases
        self.table.setVisible(not first_run)
        self.empty_space.setVisible(first_run)
        self.buttons["open"].setVisible(not first_run)
        self.intro.setText(FIRST_RUN_TEXT if first_run else CASES_TEXT)
        if cases:
            self.table.selectRow(0)
        self._update_buttons()

    def selected_case(self) -> str | None:
        items = self.table.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def _update_buttons(self) -> None:
        self.buttons["open"].setEnabled(self.selected_case() is not None)

    def _open_selected(self) -> None:
        case_id = self.selected_case()
        if case_id:
            self.open_case.emit(case_id)
