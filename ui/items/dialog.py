"""The case's files and devices: the list, and the buttons to add, describe, view and record a device.

The list shows words only (name, kind, size, device, note, concern): no thumbnail, no icon drawn
from a file's bytes. A picture or video is shown only through View…, after the warning. Files can be
dropped onto this dialog or onto the case window. Files added while a device is chosen in "Files
come from" are listed under that device on the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from evidence_app import Case, EvidenceError, Status
from evidence_app.items.records import Item
from ui.errors import describe, show_error
from ui.folders import documents_folder
from ui.items.adding import FileAdder
from ui.items.describe import DescribeItemDialog
from ui.items.texts import kind_words, size_words
from ui.items.viewer import DetailsView, ItemView, view_warning
from ui.texts import local_time

ADD_KEYS = "Ctrl+Shift+F"
COLUMNS = ("Item", "Name", "Kind", "Size", "From device", "Added", "Note", "Concern")


def dropped_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The local files a drag carries (folders and web addresses are not files)."""
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and Path(u.toLocalFile()).is_file()]


class ItemsDialog(QDialog):
    """Files and devices of one case. :attr:`stop_requested` carries a StopRequest naming an item."""

    stop_requested = Signal(object)
    sealed = Signal()  # the core sealed the case while files were being added
    changed = Signal()

    def __init__(self, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.adder: FileAdder | None = None
        self.viewer: ItemView | None = None
        self.warning: QMessageBox | None = None
        self.sub_dialog: QDialog | None = None
        self.setWindowTitle(f"Files and devices · case {case.id}")
        self.setAccessibleName("Files and devices")
        self.setAcceptDrops(True)
        self.list = QTreeWidget()
        self.list.setAccessibleName("Files in the case")
        self.list.setHeaderLabels(list(COLUMNS))
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.itemDoubleClicked.connect(lambda *_: self.describe_chosen())
        self.device = QComboBox()
        self.device.setAccessibleName("Files come from")
        self.hint = QLabel("Drop files here or on the case window, or choose Add files… ("
                           f"{ADD_KEYS}). Pictures and videos are never shown until you choose View….")
        self.hint.setWordWrap(True)
        self.result = QLabel()
        self.result.setWordWrap(True)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("add", "&Add files…", self.choose_files), ("device", "Add a &device…", self.add_device),
                                ("describe", "&Describe…", self.describe_chosen), ("view", "&View…", self.view_chosen),
                                ("details", "De&tails…", self.details_chosen)):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda *_, s=slot: s())
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        form = QFormLayout()
        form.addRow("Files come from:", self.device)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.result)
        layout.addLayout(buttons)
        QShortcut(QKeySequence(ADD_KEYS), self, activated=self.choose_files)
        self.resize(1000, 520)
        self.refresh()

    # ---------------------------------------------------------------- the list

    def refresh(self) -> None:
        if self.case.locked:
            self.list.clear()
            return
        chosen = self.device.currentData()
        self.device.clear()
        self.device.addItem("(not from a device: brought in by email, on a stick…)", "")
        devices = self.case.devices()
        for found in devices:
            self.device.addItem(f"{found.id}: {found.description}", found.id)
        self.device.setCurrentIndex(max(self.device.findData(chosen), 0))
        names = {d.id: d.description for d in devices}
        current = self.list.currentItem()
        keep = current.data(0, Qt.ItemDataRole.UserRole) if current is not None else None
        self.list.clear()
        for item in self.case.items():
            row = QTreeWidgetItem([item.id, ("  ↳ " if item.parent else "") + item.name, kind_words(item),
                                   size_words(item.size), names.get(item.device, ""), local_time(item.added_at),
                                   item.note, item.concern])
            row.setData(0, Qt.ItemDataRole.UserRole, item.id)
            self.list.addTopLevelItem(row)
            if item.id == keep:
                self.list.setCurrentItem(row)
        for column in range(len(COLUMNS) - 2):
            self.list.resizeColumnToContents(column)
        writable = self.case.status is Status.OPEN and not self.case.read_only
        for key in ("add", "device", "describe"):
            self.buttons[key].setEnabled(writable)

    def chosen(self) -> Item | None:
        row = self.list.currentItem()
        if row is None:
            self.result.setText("Choose a file in the list first.")
            return None
        return self.case.item(str(row.data(0, Qt.ItemDataRole.UserRole)))

    # ---------------------------------------------------------------- adding

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Add files to the case", documents_folder())
        if paths:
            self.add_files(paths)

    def add_files(self, paths: Sequence[Path | str]) -> FileAdder | None:
        if self.adder is not None or not paths:
            return None
        self.adder = FileAdder(self.case, paths, self, device=str(self.device.currentData() or ""))
        self.adder.finished.connect(self._added)
        self.adder.sealed.connect(self._sealed_by_import)
        self.adder.start()
        return self.adder

    def _added(self, added: list[str], problems: list[str]) -> None:
        self.adder = None
        words = f"{len(added)} file(s) added, hashed and encrypted." if added else "No file was added."
        self.result.setText(" ".join([words, *problems]))
        self.refresh()
        self.changed.emit()

    def _sealed_by_import(self, _sentence: str) -> None:
        self.sealed.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        files = dropped_files(event)
        if files:
            event.acceptProposedAction()
            self.add_files(files)

    # ---------------------------------------------------------------- devices

    def add_device(self) -> QDialog:
        dialog = QDialog(self)
        dialog.setWindowTitle("A device reviewed")
        dialog.setAccessibleName("A device reviewed")
        description = QLineEdit()
        description.setAccessibleName("Device")
        description.setPlaceholderText("e.g. pupil's phone, a black iPhone")
        present = QLineEdit()
        present.setAccessibleName("Who was present")
        present.setPlaceholderText("e.g. both investigators, the pupil and a parent")
        problem = QLabel()
        problem.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        form = QFormLayout(dialog)
        form.addRow("Device:", description)
        form.addRow("Who was present:", present)
        form.addRow(problem)
        form.addRow(buttons)

        def save() -> None:
            try:
                device = self.case.add_device(description.text().strip(), present.text().strip())
            except EvidenceError as exc:
                problem.setText(describe(exc))
                return
            dialog.accept()
            self.refresh()
            self.device.setCurrentIndex(self.device.findData(device.id))
            self.result.setText(f"{device.id} recorded. Files you add now are listed under it.")

        buttons.accepted.connect(save)
        buttons.rejected.connect(dialog.reject)
        self.sub_dialog = dialog
        dialog.open()
        return dialog

    # ---------------------------------------------------------------- one item

    def describe_chosen(self) -> DescribeItemDialog | None:
        item = self.chosen()
        if item is None or item.quarantined or self.case.status is not Status.OPEN or self.case.read_only:
            return None
        dialog = DescribeItemDialog(self.case, item, self)
        dialog.saved.connect(lambda *_: (self.refresh(), self.changed.emit()))
        dialog.stop_requested.connect(self.stop_requested.emit)
        self.sub_dialog = dialog
        dialog.open()
        return dialog

    def details_chosen(self) -> DetailsView | None:
        item = self.chosen()
        if item is None:
            return None
        view = DetailsView(item, self)
        self.sub_dialog = view
        view.open()
        return view

    def view_chosen(self) -> QMessageBox | None:
        """View…: the warning first; the picture only if the pair choose "View it"."""
        item = self.chosen()
        if item is None:
            return None
        if item.quarantined:
            self.result.setText(f"{item.id} was flagged: it is kept for the police and never shown.")
            return None
        if not item.visual:
            self.details_chosen()
            return None
        box, view = view_warning(self)
        box.buttonClicked.connect(lambda button: self._show(item) if button is view else None)
        self.warning = box
        box.open()
        return box

    def _show(self, item: Item) -> None:
        try:
            viewer = ItemView(self.case, item, self)
        except EvidenceError as exc:
            show_error(self, exc, "The file could not be shown")
            return
        viewer.stop_requested.connect(self.stop_requested.emit)
        viewer.finished.connect(lambda *_: setattr(self, "viewer", None))
        self.viewer = viewer
        viewer.show()
        viewer.activateWindow()  # the stop's keys reach it at once

    def close_viewer(self) -> None:
        """The stop or the lock: the picture goes off the screen at once, and a file being added stops."""
        if self.adder is not None:
            self.adder.cancel.set()
        for window in (self.warning, self.viewer, self.sub_dialog):
            if window is not None:
                window.close()
        self.viewer = None

    def open_item_ids(self) -> tuple[str, ...]:
        """The item on screen now, if any: the stop pressed anywhere withholds it too."""
        return (self.viewer.item.id,) if self.viewer is not None and self.viewer.isVisible() else ()
