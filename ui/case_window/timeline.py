"""The timeline: every journal event in order, filtered by kind and text, whether the
journal's hash chain checks out, and which events a trusted time covers.

An event is covered by a trusted time when an RFC 3161 token stamps its head or
a later one (:func:`evidence_app.case.trusted_time.coverage`): a third party then
vouches that it existed by that time, whatever this computer's clock said.

The check (``case.verify()`` re-reads and re-hashes everything on disk) runs
in the background with a busy bar. :meth:`TimelineDialog.forget` empties the
model when the case locks.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from evidence_app import Case, Event, Kind, TamperDetected, VerifyReport
from evidence_app.case.trusted_time import Coverage, coverage
from ui.background import run_in_background
from ui.case_window.capture_view import capture_kind_words
from ui.errors import describe
from ui.start.sign_in import busy_bar
from ui.texts import KIND_WORDS, concern_words, kind_words, local_time

COLUMNS = ("#", "Time", "Trusted time", "What", "Who", "Details")
KIND_FIELD = len(COLUMNS)  # each row keeps its event's kind after the columns, for the filter
ALL_KINDS = ""
Index = QModelIndex | QPersistentModelIndex


def _short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def event_details(event: Event) -> str:
    """One line saying what the event holds, in plain words."""
    d = event.data
    kind = event.kind
    if kind == Kind.CREATED:
        people = " and ".join(f"{p['name']} ({p['position']})" for p in d.get("investigators", []))
        return _short(f"Reason: {d.get('reason', '')} · Group: {d.get('group', '')} · "
                      f"Under review: {d.get('subject', '') or 'not given'} · By {people} · "
                      f"Computer: {d.get('computer_name', '')}, {d.get('computer_location', '')}")
    if kind == Kind.KEY:
        return f"The case's own signing key, used to sign the form and the export (fingerprint {d.get('fingerprint', '?')})"
    if kind == Kind.OPENED:
        return (f"On {d.get('computer', '?')}" + (" (read-only: not the designated computer)"
                                                 if d.get("read_only") else ""))
    if kind in (Kind.LOCKED, Kind.UNLOCKED, Kind.CLOSED):
        return f"On {d.get('computer', '?')}"
    if kind == Kind.VISIT:
        title = f" · {d['title']}" if d.get("title") else ""
        return _short(f"{d.get('url', '')}{title}")
    if kind == Kind.CAPTURE:
        concern = f" · Concern: {concern_words(d['concern'])}" if d.get("concern") else ""
        note = f" · {d['note']}" if d.get("note") else ""
        return _short(f"{d.get('id')} ({capture_kind_words(str(d.get('kind', '')))}) of {d.get('url') or 'the screen'} · "
                      f"SHA-256 {str(d.get('sha256', ''))[:16]}…{concern}{note}")
    if kind == Kind.ANNOTATED:
        concern = concern_words(d["concern"]) if d.get("concern") else "no concern"
        return _short(f"{d.get('capture')}: {concern}" + (f" · {d['note']}" if d.get("note") else ""))
    if kind == Kind.CONCLUDED:
        return _short(d.get("summary", "") or "Concluded")
    if kind == Kind.NOTE:
        return _short(d.get("text", ""), 1000)
    if kind == Kind.SNAPSHOT:
        return _short(f"{d.get('id')} of {d.get('url', '')}")
    if kind == Kind.REFUSED:
        return _short(f"{d.get('what', '')}: {d.get('url', '')} {d.get('detail', '')}".strip())
    if kind == Kind.RESOURCES:
        return _short(f"For {d.get('page_url', '')}")
    if kind == Kind.FLAGGED:
        return _short(f"{d.get('url', '')} {d.get('note', '')}".strip())
    if kind == Kind.QUARANTINED:
        return "Withheld (screenshots, files and kept pages): " + ", ".join(d.get("captures", []))
    if kind == Kind.ITEM:
        concern = f" · Concern: {concern_words(d['concern'])}" if d.get("concern") else ""
        within = f" · attached to {d['parent']}" if d.get("parent") else ""
        return _short(f"{d.get('id')} {d.get('name', '')} ({d.get('size', 0):,} bytes){within} · "
                      f"SHA-256 {str(d.get('sha256', ''))[:16]}…{concern}")
    if kind == Kind.KEPT:
        concern = f" · Concern: {concern_words(d['concern'])}" if d.get("concern") else ""
        what = "web archive (MHTML)" if d.get("format") == "mhtml" else "PDF"
        return _short(f"{d.get('id')} {what} of {d.get('url', '')} · SHA-256 {str(d.get('sha256', ''))[:16]}…{concern}")
    if kind == Kind.ITEM_DESCRIBED:
        concern = concern_words(d["concern"]) if d.get("concern") else "no concern"
        return _short(f"{d.get('item')}: {concern}" + (f" · {d['note']}" if d.get("note") else ""))
    if kind == Kind.ITEM_VIEWED:
        return f"{d.get('item')} shown on screen, after the warning"
    if kind == Kind.DEVICE:
        return _short(f"{d.get('id')} {d.get('description', '')} · present: {d.get('present', '')}")
    if kind == Kind.FORM:
        return f"Form {d.get('id', '')} made, signed and kept in the case · SHA-256 {str(d.get('sha256', ''))[:16]}…"
    if kind == Kind.EXPORTED:
        to = d.get("to") or {}
        who = f" to {to.get('name', '')}, {to.get('force', '')} (reference {to.get('reference', '')})" if to else ""
        return _short(f"Exported for the police{who}")
    if kind == Kind.SEALED:
        return _short(f"The case was sealed: {d.get('reason', '')}")
    if kind == Kind.RELEASED:
        return _short(f"Released by the police, reference {d.get('reference', '')}"
                      + (f" · {d['note']}" if d.get("note") else ""))
    if kind == Kind.RECOVERED:
        return _short(f"Opened with the school key and {d.get('investigator', '?')}'s passphrase, "
                      f"on {d.get('computer', '?')}")
    if kind == Kind.REPAIRED:
        return "Opened after a crash: anything half-written was set aside and recorded"
    if kind == Kind.REGISTERED:
        return (f"Entry {int(d.get('index', -1)) + 1} of the incident register ({d.get('event', '')}), "
                f"school key {d.get('school_key', '')}")
    if kind == Kind.TIMESTAMPED:
        return _short(f"{authority_name(str(d.get('authority', '?')))} vouches that the journal up to event {d.get('seq', '?')} "
                      f"({d.get('reason', '')}) existed by {trusted_words(str(d.get('time', '')))}")
    return _short({k: v for k, v in d.items() if k not in ("blob", "machine")})


def trusted_words(stamp: str) -> str:
    """An authority's time (``2026-11-29T03:44:03Z``) in this computer's local time."""
    return local_time(stamp.replace("Z", ".000Z") if len(stamp) == 20 else stamp)


def authority_name(subject: str) -> str:
    """The authority's common name from its certificate's subject (``O=…,CN=Name`` gives ``Name``)."""
    for part in subject.split(","):
        key, _, value = part.partition("=")
        if key.strip().upper() == "CN" and value.strip():
            return value.strip()
    return subject


def covered_words(covered: Coverage | None) -> str:
    return f"✓ by {trusted_words(covered.time)}" if covered is not None else "—"


class TimelineModel(QAbstractTableModel):
    """The journal as a table. Holds plain strings only, dropped by :meth:`set_events`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, ...]] = []
        self.covered: dict[int, Coverage] = {}

    def set_events(self, events: list[Event]) -> None:
        self.beginResetModel()
        self.covered = coverage(events)
        self.rows = [(str(e.seq), local_time(e.time), covered_words(self.covered.get(e.seq)), kind_words(e.kind),
                      ", ".join(e.by), event_details(e), str(e.kind)) for e in events]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            covered = self.covered.get(index.row())
            return (f"{authority_name(covered.authority)} time-stamped the journal up to event {covered.stamped_seq} at "
                    f"{trusted_words(covered.time)}: this event existed by then." if covered is not None else
                    "No trusted time covers this event yet (no time-stamp authority set, or not reached yet).")
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2 and index.row() in self.covered:
            return QColor("#1b6e20")
        if role == Qt.ItemDataRole.UserRole:
            return row[KIND_FIELD]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class TimelineFilter(QSortFilterProxyModel):
    """Rows of one kind (or all) whose text contains the filter text, ignoring case."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = ALL_KINDS
        self.text = ""

    def set_filter(self, kind: str, text: str) -> None:
        self.beginFilterChange()
        self.kind = kind
        self.text = text.casefold().strip()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, TimelineModel)
        row = model.rows[source_row]
        if self.kind and row[KIND_FIELD] != self.kind:
            return False
        return not self.text or any(self.text in cell.casefold() for cell in row[:KIND_FIELD])


class TimelineDialog(QDialog):
    """The case's journal in a window of its own (not modal: the case window stays usable)."""

    def __init__(self, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.setWindowTitle(f"Timeline of case {case.id}")
        self.setAccessibleName("Timeline")
        self.resize(1000, 600)
        self.model = TimelineModel(self)
        self.proxy = TimelineFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setAccessibleName("Journal events")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.kinds = QComboBox()
        self.kinds.setAccessibleName("Show events of kind")
        self.search = QLineEdit()
        self.search.setAccessibleName("Search the timeline")
        self.search.setPlaceholderText("Search (Ctrl+F): a web address, a word from a note…")
        self.search.setClearButtonEnabled(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Journal check")
        self.progress = busy_bar("Checking the journal")
        self.check_button = QPushButton("&Check again")
        self.check_button.setAccessibleName("Check the journal again")
        self.check_button.setShortcut(QKeySequence("Ctrl+R"))
        close = QPushButton("Close")
        close.setAccessibleName("Close the timeline")
        close.clicked.connect(self.close)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Show:"))
        filters.addWidget(self.kinds)
        filters.addWidget(self.search, 1)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.progress)
        status_row.addWidget(self.check_button)
        status_row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(status_row)

        find = QAction("Search the timeline", self)  # an action: a hidden button's shortcut never fires
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        find.triggered.connect(lambda *_: (self.search.setFocus(Qt.FocusReason.ShortcutFocusReason),
                                           self.search.selectAll()))
        self.addAction(find)
        self.kinds.currentIndexChanged.connect(self._apply_filter)
        self.search.textChanged.connect(self._apply_filter)
        self.check_button.clicked.connect(self.check)
        self.checking = False
        self.reload()
        self.check()

    def reload(self) -> None:
        """Re-read the journal (new events since the window opened)."""
        events = list(self.case.events())
        self.model.set_events(events)
        chosen = self.kinds.currentData() or ALL_KINDS
        self.kinds.blockSignals(True)
        self.kinds.clear()
        self.kinds.addItem("All events", ALL_KINDS)
        for kind, words in KIND_WORDS.items():
            self.kinds.addItem(words, str(kind))
        self.kinds.setCurrentIndex(max(0, self.kinds.findData(chosen)))
        self.kinds.blockSignals(False)
        self._apply_filter()

    def set_filter(self, kind: str = ALL_KINDS, text: str = "") -> None:
        index = self.kinds.findData(str(kind))
        self.kinds.setCurrentIndex(max(0, index))
        self.search.setText(text)

    def _apply_filter(self) -> None:
        self.proxy.set_filter(self.kinds.currentData() or ALL_KINDS, self.search.text())

    def visible_rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.proxy.index(r, c).data() for c in range(len(COLUMNS)))
                for r in range(self.proxy.rowCount())]

    # ---------------------------------------------------------------- the check

    def check(self) -> None:
        if self.checking:
            return
        self.checking = True
        self.progress.show()
        self.check_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText("Checking the journal and every stored file…")
        run_in_background(self, self.case.verify, self._checked, self._check_failed)

    def _checked(self, report: VerifyReport) -> None:
        self._check_done()
        self.status.setStyleSheet("color: #1b6e20; font-weight: bold;")
        self.status.setText(f"✓ Journal intact ({report.records} records, {report.blobs} stored files "
                            "checked)." + self._trusted_summary())
        self.status.setToolTip(f"Head of the hash chain: {report.head}")

    def _trusted_summary(self) -> str:
        covered = self.model.covered
        if not covered:
            return ""
        last = max(covered)
        after = len(self.model.rows) - last - 1
        return (f" A trusted time covers events 0 to {last}" + (f"; the {after} after them are not covered yet."
                                                                 if after else "."))

    def _check_failed(self, exc: BaseException) -> None:
        self._check_done()
        self.status.setStyleSheet("color: #a31515; font-weight: bold;")
        prefix = "✗ " if isinstance(exc, TamperDetected) else ""
        self.status.setText(prefix + describe(exc))

    def _check_done(self) -> None:
        self.checking = False
        self.progress.hide()
        self.check_button.setEnabled(True)

    def forget(self) -> None:
        """Empty everything: the case is being locked."""
        self.model.set_events([])
        self.kinds.clear()
        self.search.clear()
        self.status.clear()
        self.status.setToolTip("")
