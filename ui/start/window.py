"""The start screen: the cases on this computer, and what can be done from here.

It lists cases without any passphrase (id, date started, status: the core's
summaries hold no personal data) with New case, Open case, Verify a bundle and
Settings. With no cases yet it says in two sentences what the app is for and
what to do first.

The school-key hooks (issue 8): while this computer has no school key, an
offer to set it up (:mod:`ui.school.key_offer`); "Incident register…"; a
"Kept until" column that flags cases due for deletion (:mod:`ui.start.retention`,
``today`` is a seam for tests) and "Delete case…" for those.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evidence_app import CaseStore, CaseSummary, EvidenceError
from ui.school.key_offer import SchoolKeyOffer
from ui.start.retention import is_due, retention_words, today_utc
from ui.texts import local_date, status_words, weekday

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
    register = Signal()
    school_key_setup = Signal()
    delete_case = Signal(str)

    def __init__(self, store: CaseStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.today: date | None = None  # None: the real date (tests set a day)
        self.setWindowTitle("Evidence App")
        self.setAccessibleName("Evidence App start screen")
        self.resize(900, 560)

        title = QLabel("Evidence App")
        title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("What to do")
        self.intro.setStyleSheet("font-size: 12pt;")
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Case", "Started", "Status", "Kept until", "Last used"])
        self.table.setAccessibleName("Cases on this computer")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for column in (0, 1):  # the case number and the date fit; status and "Kept until" share the rest
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _: self._open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a31515;")
        self.problem.hide()
        # Cases this account kept for itself while the cases are computer-wide (ui.app.Starter): named
        # here until they are moved, whatever the list shows.
        self.elsewhere = QLabel()
        self.elsewhere.setWordWrap(True)
        self.elsewhere.setStyleSheet("color: #8a4b00;")
        self.elsewhere.setAccessibleName("Cases kept elsewhere")
        self.elsewhere.hide()
        self.blocklist_note = QLabel()  # hosts listed since the browser engine started (ui.engine_flags)
        self.blocklist_note.setWordWrap(True)
        self.blocklist_note.setStyleSheet("color: #7a4a00;")
        self.blocklist_note.setAccessibleName("Blocklist notice")
        self.blocklist_note.hide()

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name, text, keys, accessible, slot in (
            ("new", "&New case", "Ctrl+N", "New case", self.new_case.emit),
            ("open", "&Open case", "Ctrl+O", "Open the chosen case", self._open_selected),
            ("delete", "&Delete case…", "Ctrl+Shift+D", "Delete the chosen case", self._delete_selected),
            ("register", "Incident &register…", "Ctrl+R", "Incident register", self.register.emit),
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
        help_action = QAction("Help", self)
        help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        help_action.triggered.connect(lambda *_: self.show_help())
        self.addAction(help_action)
        self.help_window: QWidget | None = None
        quit_action = QAction("Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)

        self.buttons["new"].setStyleSheet("font-weight: bold; padding: 6px 18px;")
        self.buttons["delete"].setToolTip("Delete a case whose retention date has come (Ctrl+Shift+D)")
        self.school_key_offer = SchoolKeyOffer()
        self.school_key_offer.setup_requested.connect(self.school_key_setup)
        self.due_note = QLabel()
        self.due_note.setWordWrap(True)
        self.due_note.setStyleSheet("color: #a31515; font-weight: bold;")
        self.due_note.setAccessibleName("Cases due for deletion")
        self.due_note.hide()
        # Finding a past case without any name on the screen: its day, its month, its status, when last used.
        self.find_box = QLineEdit()
        self.find_box.setAccessibleName("Find a case")
        self.find_box.setPlaceholderText("Find a case: type a day, a month (e.g. Tue, 12 Nov, Mar 2026), "
                                         "a status or part of its number")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.textChanged.connect(self._filter)
        self.empty_space = QWidget()
        self.empty_space.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        column = QVBoxLayout()
        column.setSpacing(12)
        column.addWidget(title)
        column.addWidget(self.intro)
        column.addWidget(self.school_key_offer)
        column.addWidget(self.due_note)
        column.addWidget(self.find_box)
        column.addWidget(self.table, 1)
        column.addWidget(self.empty_space, 1)
        column.addWidget(self.problem)
        column.addWidget(self.elsewhere)
        column.addWidget(self.blocklist_note)
        column.addLayout(row)
        body = QWidget()
        body.setLayout(column)
        self.setCentralWidget(body)
        self.reload()

    def show_help(self) -> QWidget:
        """F1: the procedure in plain words and what each control does."""
        from ui.help import HelpWindow

        if self.help_window is None:
            self.help_window = HelpWindow(self)
        self.help_window.show()
        self.help_window.raise_()
        return self.help_window

    def reload(self) -> None:
        """Re-read the case list (no passphrase needed, nothing decrypted)."""
        try:
            cases = self.store.list()
            self.problem.hide()
            self.school_key_offer.setVisible(self.store.school_public() is None)
        except EvidenceError as exc:
            cases = []
            self.problem.setText(str(exc))
            self.problem.show()
            self.school_key_offer.hide()
        self.show_cases(cases)

    def show_cases(self, cases: list[CaseSummary]) -> None:
        today = self.today or today_utc()
        self.due = {s.id for s in cases if is_due(s, today)}
        self.table.setRowCount(0)
        for summary in reversed(cases):  # newest first
            row = self.table.rowCount()
            self.table.insertRow(row)
            day = weekday(summary.created)
            started = local_date(summary.created) + (f" ({day})" if day else "")
            for column, text in enumerate((summary.id, started, status_words(summary.status),
                                           retention_words(summary, today),
                                           local_date(summary.last_used) if summary.last_used else "")):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, summary.id)
                if summary.id in self.due:
                    item.setForeground(QBrush(QColor("#a31515")))
                self.table.setItem(row, column, item)
        count = len(self.due)
        self.due_note.setText(f"{count} case{' is' if count == 1 else 's are'} past {'its' if count == 1 else 'their'} "
                              "retention date. Choose it, then Delete case… (both investigators are needed)."
                              if count else "")
        self.due_note.setVisible(bool(count))
        first_run = not cases
        self.table.setVisible(not first_run)
        self.find_box.setVisible(len(cases) > 1)
        self._filter(self.find_box.text())
        self.empty_space.setVisible(first_run)
        self.buttons["open"].setVisible(not first_run)
        self.buttons["register"].setVisible(self.school_key_offer.isHidden())
        self.intro.setText(FIRST_RUN_TEXT if first_run else CASES_TEXT)
        if cases:
            self.table.selectRow(0)
        self._update_buttons()

    def _filter(self, text: str) -> None:
        """Show only the cases whose row reads every word typed (case-insensitive)."""
        words = text.lower().split()
        for row in range(self.table.rowCount()):
            cells = " ".join(self.table.item(row, c).text().lower() for c in range(self.table.columnCount())
                             if self.table.item(row, c) is not None)
            self.table.setRowHidden(row, not all(word in cells for word in words))

    def selected_case(self) -> str | None:
        items = self.table.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def _update_buttons(self) -> None:
        chosen = self.selected_case()
        self.buttons["open"].setEnabled(chosen is not None)
        self.buttons["delete"].setVisible(chosen is not None and chosen in getattr(self, "due", set()))

    def _open_selected(self) -> None:
        case_id = self.selected_case()
        if case_id:
            self.open_case.emit(case_id)

    def _delete_selected(self) -> None:
        case_id = self.selected_case()
        if case_id and case_id in self.due:
            self.delete_case.emit(case_id)
