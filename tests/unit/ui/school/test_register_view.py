"""The incident register: unlocked with the school key, the policy's columns, PDF and CSV with a warning."""

from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from evidence_app import Conclusion
from evidence_app.school.register import COLUMNS, FILE_NAME, MAGIC
from tests.helpers.cases import CHEAP, make_case
from tests.helpers.pdf import needs_poppler, pdf_text
from ui.school.register_view import CSV_WARNING, TABLE_PAGE, RegisterDialog

pytestmark = [pytest.mark.usefixtures("clean_qt"), needs_poppler]
COORDINATOR = "Head's own pass 2026!"


@pytest.fixture
def school(store):
    return store.create_school_key(COORDINATOR, kdf=CHEAP)


@pytest.fixture
def two_cases(store, school):
    first = make_case(store, reported_by="Mrs Ceri Morgan (class teacher)")
    first.conclude(Conclusion(substance="no", subject="pupil"))
    first.lock()
    second = make_case(store)
    second.lock()
    return first.id, second.id


def opened(qtbot, controller) -> RegisterDialog:
    controller.start.reload()
    assert controller.start.buttons["register"].isVisible()
    controller.start.buttons["register"].click()
    return next(d for d in controller.dialogs if isinstance(d, RegisterDialog))


def read(qtbot, dialog: RegisterDialog, *, coordinator: str = "", words: str = "") -> None:
    if words:
        dialog.secret.use_words()
        dialog.secret.words.setPlainText(words)
    else:
        dialog.secret.passphrase.setText(coordinator)
    dialog.read_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)


def cells(dialog: RegisterDialog) -> list[list[str]]:
    return [[dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
            for r in range(dialog.table.rowCount())]


def test_shortcut_and_rows_after_create_and_conclude(qtbot, controller, two_cases) -> None:
    actions = [a for a in controller.start.actions() if a.shortcut() == QKeySequence("Ctrl+R")]
    assert len(actions) == 1
    dialog = opened(qtbot, controller)
    read(qtbot, dialog, coordinator=COORDINATOR)
    assert dialog.pages.currentIndex() == TABLE_PAGE, dialog.message.text()
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    assert headers == list(COLUMNS)
    rows = cells(dialog)
    first, second = two_cases
    assert [(r[2], r[4].split(" (")[0]) for r in rows] == [
        (first, "Investigation opened by two senior members of staff"), (first, "Concluded"),
        (second, "Investigation opened by two senior members of staff")]
    assert rows[0][6] == "Mrs Ceri Morgan (class teacher)" and rows[0][5] == "Alice Hughes and Bartosz Nowak"
    assert rows[0][1].endswith("UTC") and rows[0][0][:4].isdigit()
    assert "3 entries for 2 cases" in dialog.summary.text()
    assert dialog.secret.passphrase.text() == ""


def test_words_work_and_a_wrong_passphrase_is_refused(qtbot, controller, school, two_cases) -> None:
    dialog = opened(qtbot, controller)
    read(qtbot, dialog, coordinator="Not the coordinator 9!")
    assert "not the coordinator's passphrase" in dialog.message.text() and dialog.table.rowCount() == 0
    read(qtbot, dialog, words=school.to_words())
    assert dialog.table.rowCount() == 3


def test_csv_export_warns_that_it_is_not_encrypted(qtbot, controller, two_cases, tmp_path) -> None:
    dialog = opened(qtbot, controller)
    read(qtbot, dialog, coordinator=COORDINATOR)
    box = dialog.ask_csv()
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text() == CSV_WARNING and "not encrypted" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert dialog.file_dialog is None
    box = dialog.ask_csv()
    go = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    go.click()
    assert dialog.file_dialog is not None and dialog.file_dialog.isVisible()
    dialog.file_dialog.reject()
    target = tmp_path / "register.csv"
    dialog.save_csv(target)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0] == list(COLUMNS) and len(rows) == 4
    assert rows[1:] == cells(dialog)
    assert "not encrypted" in dialog.status.text()


def test_pdf_export_has_the_rows(qtbot, controller, two_cases, tmp_path) -> None:
    controller.settings = controller.settings.with_changes(school_name="Ysgol y Dderwen")
    dialog = opened(qtbot, controller)
    read(qtbot, dialog, coordinator=COORDINATOR)
    box = dialog.ask_pdf()
    assert "outside Evidence App's encryption" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    target = tmp_path / "register.pdf"
    dialog.save_pdf(target)
    text = " ".join(pdf_text(target).split())
    first, second = two_cases
    assert text.count(first) == 2 and text.count(second) == 1
    assert "Ysgol y Dderwen" in text and "Mrs Ceri Morgan" in text and "Page 1 of 1" in text


def test_a_tampered_register_is_shown_plainly(qtbot, controller, store, two_cases) -> None:
    path = store.root / FILE_NAME
    raw = bytearray(path.read_bytes())
    raw[len(MAGIC) + 60] ^= 1
    path.write_bytes(bytes(raw))
    dialog = opened(qtbot, controller)
    read(qtbot, dialog, coordinator=COORDINATOR)
    # The damaged entry is named in red above the rows; the entries that still check are shown.
    assert "Entry 1 of the register cannot be read with this school key" in dialog.checks.text()
    assert dialog.pages.currentIndex() == TABLE_PAGE and dialog.table.rowCount() == 2


def test_closing_forgets_the_rows(qtbot, controller, two_cases) -> None:
    dialog = opened(qtbot, controller)
    read(qtbot, dialog, coordinator=COORDINATOR)
    dialog.reject()
    assert dialog.entries == [] and dialog.table.rowCount() == 0
