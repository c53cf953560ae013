"""The start screen: first run, the case list, the four actions, and a light start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_app import Status
from tests.helpers.cases import make_case
from ui.start.window import FIRST_RUN_TEXT, StartWindow
from ui.texts import status_words

REPO = Path(__file__).resolve().parents[4]

pytestmark = pytest.mark.usefixtures("clean_qt")


def test_first_run_explains_in_two_sentences(qtbot, store) -> None:
    window = StartWindow(store)
    qtbot.addWidget(window)
    window.show()
    assert window.intro.text() == FIRST_RUN_TEXT
    assert FIRST_RUN_TEXT.count(". ") + 1 == 2 and FIRST_RUN_TEXT.endswith(".")
    assert window.table.isHidden()
    assert not window.buttons["open"].isEnabled()
    assert {b.accessibleName() for b in window.buttons.values()} == {
        "New case", "Open the chosen case", "Verify an export bundle", "Settings", "Incident register",
        "Delete the chosen case"}
    # no school key yet: the register waits for it; nothing is due for deletion
    assert {b.accessibleName() for b in window.buttons.values() if b.isVisible()} == {
        "New case", "Verify an export bundle", "Settings"}
    assert all(b.isEnabled() for name, b in window.buttons.items() if name != "open")


def test_lists_cases_newest_first_with_date_and_status(qtbot, store) -> None:
    first = make_case(store)
    first.lock()
    second = make_case(store)
    second.flag_csam("https://bad.example/", "")
    second.lock()
    window = StartWindow(store)
    qtbot.addWidget(window)
    window.show()
    assert window.table.isVisible()
    rows = [[window.table.item(r, c).text() for c in range(3)] for r in range(window.table.rowCount())]
    assert [row[0] for row in rows] == [second.id, first.id]
    assert rows[0][2] == status_words(Status.SEALED) and rows[1][2] == "Open"
    assert all(row[1][:1].isdigit() for row in rows)
    assert window.selected_case() == second.id
    assert window.buttons["open"].isEnabled()
    # No personal data on the start screen: nothing was decrypted to list the cases.
    assert "Alice" not in str(rows) and "Year 9" not in str(rows)


def test_open_button_emits_the_chosen_case(qtbot, store) -> None:
    made = make_case(store)
    made.lock()
    window = StartWindow(store)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.open_case) as signal:
        window.buttons["open"].click()
    assert signal.args == [made.id]


def test_start_up_does_not_load_the_browser(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from ui.app import Controller, _create_application\n"
        "app = _create_application()\n"
        f"c = Controller(app, cases_root={str(tmp_path / 'cases')!r}, settings_path={str(tmp_path / 's.json')!r})\n"
        "c.show_start(); app.processEvents()\n"
        "print([m for m in sys.modules if 'WebEngine' in m])\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=120, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_f1_opens_the_help_from_the_start_screen(qtbot, store) -> None:
    from PySide6.QtCore import Qt

    from ui.help import help_text
    from ui.start.window import StartWindow

    window = StartWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.help_window is not None and window.help_window.isVisible()
    words = window.help_window.text.toPlainText()
    assert "Conclude" in words and "Print or save the form" in words and "STOP" in words
    assert "# How to investigate" in help_text()


def test_a_past_case_is_found_by_its_day_without_any_name_on_screen(qtbot, store) -> None:
    from tests.helpers.cases import make_case
    from ui.start.window import StartWindow

    cases = [make_case(store) for _ in range(3)]
    for case in cases:
        case.lock()
    window = StartWindow(store)
    qtbot.addWidget(window)
    window.show()
    headers = [window.table.horizontalHeaderItem(c).text() for c in range(window.table.columnCount())]
    assert headers == ["Case", "Started", "Status", "Kept until", "Last used"]
    assert all(window.table.item(r, 4).text()[:1].isdigit() and "T" not in window.table.item(r, 4).text()
               for r in range(3))  # when each was last used, in words
    assert window.find_box.isVisible()
    qtbot.keyClicks(window.find_box, cases[1].id[-6:].lower())
    shown = [window.table.item(r, 0).text() for r in range(3) if not window.table.isRowHidden(r)]
    assert shown == [cases[1].id]
    window.find_box.clear()
    qtbot.keyClicks(window.find_box, window.table.item(0, 1).text().split("(")[-1].rstrip(")"))  # its weekday
    assert all(not window.table.isRowHidden(r) for r in range(3))
    assert "Alice" not in " ".join(window.table.item(r, c).text() for r in range(3) for c in range(5))
