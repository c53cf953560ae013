"""The settings dialog: idle lock, this computer, the case folder, the school's contacts,
the blocklist file, how long cases are kept, and the time-stamp authority.

Values are checked by :class:`evidence_app.school.settings.Settings` itself; a bad one
is shown in plain words and nothing is saved. The blocklist file is read
before saving (``Settings.check_blocklist``), so a missing or malformed list
is reported here, with the line at fault, rather than when a case is open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from evidence_app.school.settings import (
    MAX_IDLE_MINUTES,
    MAX_RETENTION_MONTHS,
    MIN_IDLE_MINUTES,
    MIN_RETENTION_MONTHS,
    Settings,
    SettingsError,
)
from ui.folders import documents_folder
from ui.start.sign_in import MESSAGE_STYLE

TEXT_FIELDS = (
    ("computer_name", "Computer &name", "e.g. ICT-OFFICE-01"),
    ("computer_location", "Computer &location", "e.g. ICT office, main building"),
    ("cases_folder", "Case &folder", "Empty: the standard folder for this account"),
    ("school_name", "&School", "e.g. Hill Primary School"),
    ("safeguarding_lead_contact", "Safeguarding lead", "Name and telephone"),
    ("police_contact", "&Police", "e.g. 101, or your local police contact"),
    ("local_authority_contact", "Local &authority", "LADO or children's services telephone"),
    ("blocklist_file", "&Blocklist file", "Empty: no blocklist. The school's list of forbidden addresses"),
    ("tsa_url", "&Time-stamp server", "Empty: none. Optional, e.g. https://freetsa.org/tsr"),
    ("time_server", "Time ser&ver (NTP)", "Empty: none. Optional, e.g. time.cloudflare.com"),
)
FILE_FIELDS = {"cases_folder": "Choose the case folder", "blocklist_file": "Choose the blocklist file"}
BLOCKLIST_HELP = (
    "A text file, one entry a line; # starts a comment.\n"
    "• A host name (bad.example) covers that site and every site under it (www.bad.example). "
    "An IP address (192.0.2.7) covers that computer.\n"
    "• A page's address (https://bad.example/gallery/42) covers that page however it is written, "
    "also with anything added after a ?.\n"
    "• An address ending in / (https://bad.example/gallery/) covers that folder and everything in it. "
    "The site's own address (https://bad.example/) is its home page only: to list a whole site, "
    "write its host name.\n"
    "• An address ending in * covers every address that starts so.\n"
    "• A SHA-256 hash (64 characters) of an address, for lists the school receives hashed.\n"
    "A listed address is refused before anything is requested from it, and the case is sealed.\n"
    "Host names and IP addresses are also made unreachable when Evidence App starts, so that nothing can "
    "even connect to them (a page's hints to connect early). Hosts listed while it runs are refused at "
    "once, redirects included, and blocked that fully after it is restarted: saving offers to restart now. "
    "Pages, folders and hashed entries are refused before any request, redirects included; their hosts "
    "stay reachable for their other pages.")


class SettingsDialog(QDialog):
    """Edit the settings; emits :attr:`saved` with the new, checked value."""

    saved = Signal(object)

    def __init__(self, current: Settings, parent: QWidget | None = None, connections: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.setMinimumWidth(560)
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(MIN_IDLE_MINUTES, MAX_IDLE_MINUTES)
        self.idle_minutes.setSuffix(" minutes")
        self.idle_minutes.setValue(current.idle_lock_minutes)
        self.idle_minutes.setAccessibleName("Lock the case after this long without use")
        self.retention_months = QSpinBox()
        self.retention_months.setRange(MIN_RETENTION_MONTHS, MAX_RETENTION_MONTHS)
        self.retention_months.setSuffix(" months")
        self.retention_months.setValue(current.retention_months)
        self.retention_months.setAccessibleName("Keep a case this long after it is concluded")
        self.retention_months.setToolTip("After this, the pair are asked to delete the case. A sealed case is "
                                         "kept until the police release it, then for this long.")
        form = QFormLayout()
        form.addRow("Lock a case after &idle", self.idle_minutes)
        form.addRow("&Keep concluded cases for", self.retention_months)
        self.fields: dict[str, QLineEdit] = {}
        for name, label, placeholder in TEXT_FIELDS:
            box = QLineEdit(getattr(current, name))
            box.setPlaceholderText(placeholder)
            box.setAccessibleName(label.replace("&", ""))
            if name == "blocklist_file":
                box.setToolTip(BLOCKLIST_HELP)
                box.setWhatsThis(BLOCKLIST_HELP)
            self.fields[name] = box
            if name in FILE_FIELDS:
                browse = QPushButton("Choose…")
                browse.setAccessibleName(FILE_FIELDS[name])
                browse.clicked.connect(self._choose_folder if name == "cases_folder" else self._choose_blocklist)
                row = QHBoxLayout()
                row.addWidget(box, 1)
                row.addWidget(browse)
                label_widget = QLabel(label)  # with its field as buddy: the & marks Alt+letter, not a literal &
                label_widget.setBuddy(box)
                form.addRow(label_widget, row)
            else:
                form.addRow(label, box)
        note = QLabel("A new case folder is used after the app is restarted. With a time-stamp server, each "
                      "export is time-stamped by it, and so is each case's journal at its first screenshot of "
                      "a session, the seal, the conclusion and each export. Offline, the journal's stamps wait "
                      "in the case and are asked for again every few minutes; nothing waits for them. With a "
                      "time server, the browser's provenance, journaled when a case is opened, records how far "
                      "this computer's clock is from it.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self.connections = QLabel(connections)  # what the browser engine blocks at the connection level
        self.connections.setWordWrap(True)
        self.connections.setStyleSheet("color: #555;")
        self.connections.setAccessibleName("Connections to listed hosts")
        self.connections.setVisible(bool(connections))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(MESSAGE_STYLE)
        self.message.setAccessibleName("Problem with the settings")
        save = QPushButton("&Save")
        save.setAccessibleName("Save the settings")
        save.setDefault(True)
        save.setShortcut(QKeySequence("Ctrl+S"))
        cancel = QPushButton("Cancel")
        cancel.setAccessibleName("Cancel")
        cancel.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        save.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)  # wrapped notes below the form, not in it: a form row clips their height
        layout.addWidget(self.connections)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def _choose_folder(self) -> None:
        dialog = QFileDialog(self, "Choose the case folder")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setDirectory(self.fields["cases_folder"].text().strip() or documents_folder())
        dialog.fileSelected.connect(self.fields["cases_folder"].setText)
        dialog.open()

    def _choose_blocklist(self) -> None:
        dialog = QFileDialog(self, "Choose the blocklist file")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setDirectory(documents_folder())  # never the program's own folder
        dialog.setNameFilter("Text files (*.txt);;All files (*)")
        dialog.fileSelected.connect(self.fields["blocklist_file"].setText)
        dialog.open()

    def value(self) -> Settings:
        """The settings as typed; :class:`SettingsError` if one is not allowed."""
        return Settings(idle_lock_minutes=self.idle_minutes.value(), retention_months=self.retention_months.value(),
                        **{name: box.text().strip() for name, box in self.fields.items()})

    def save(self) -> None:
        try:
            value = self.value()
            value.check_blocklist()
        except SettingsError as exc:
            self.message.setText(str(exc))
            self.adjustSize()  # room for the sentence, so the notes above it are not squeezed
            return
        self.saved.emit(value)
        self.accept()
