"""The coordinator's view names what the register check found, as a person reads it in the window.

Each test makes the attack with plain file edits (or the public key), then the coordinator opens
the register from the start screen with the mouse and keyboard and reads the sentences shown.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit

from evidence_app.school import register
from evidence_app.vault import school_key
from tests.helpers.cases import CHEAP, make_case, make_store
from tests.helpers.person import Person

pytestmark = pytest.mark.usefixtures("clean_qt")
COORDINATOR = "Head's own pass 2026!"


@pytest.fixture
def school(store):
    return store.create_school_key(COORDINATOR, kdf=CHEAP)


def read_register(qtbot, qapp: QApplication, controller) -> tuple[Person, object]:
    """From the start screen: "Incident register…", the coordinator's passphrase, "Read the register"."""
    person = Person(qtbot, qapp)
    controller.start.reload()
    start = person.window("Evidence App")
    person.press_button(start, "Incident register")
    dialog = person.window("Incident register")
    person.type(COORDINATOR, into=person.find(dialog, "The eSafeguarding coordinator's passphrase", QLineEdit))
    person.press_button(dialog, "Read the register")
    person.find(dialog, "Register entries", timeout=20_000)
    return person, dialog


def shoot(widget, name: str) -> None:
    folder = os.environ.get("REGISTER_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / name), "PNG")


def test_an_unsealed_case_and_a_forged_deletion_are_named(qtbot, qapp, controller, store, school) -> None:
    case = make_case(store, group="Year 10")
    older = (store.root / case.id / "state.json").read_bytes()
    case.flag_csam("https://bad.example/")
    case.lock()
    (store.root / case.id / "state.json").write_bytes(older)  # the un-seal: an older status file put back
    register.append(store.root, school_key.load_public(store.root), case_id=case.id, event="deleted",
                    incident="Year 10: none", action="Case deleted", by="Alice Hughes")  # forged with the public key
    person, dialog = read_register(qtbot, qapp, controller)
    assert person.sees_text(dialog, "2 problems found when the register was checked against the cases")
    assert person.sees_text(dialog, f"Case {case.id} says \"open\" on disk, but the register says it was sealed on")
    assert person.sees_text(dialog, "Treat the case as sealed: do not open it for browsing, and tell the police.")
    assert person.sees_text(dialog, f"Entry 3 of the register (deleted, case {case.id}")
    assert person.sees_text(dialog, "is forged: it is not signed, yet it comes after signed entries")
    forged_row = [dialog.table.item(2, c).text() for c in range(dialog.table.columnCount())]
    assert forged_row[4].startswith("NOT GENUINE")
    shoot(dialog, "register-checks.png")


def test_a_case_made_under_a_swapped_school_key_is_listed(qtbot, qapp, controller, store, school, tmp_path) -> None:
    genuine = (store.root / school_key.FILE_NAME).read_bytes()
    insider_home = make_store(tmp_path / "insider")
    insider = insider_home.create_school_key("Insider's 0wn pass phrase!", kdf=CHEAP)
    (store.root / school_key.FILE_NAME).write_bytes((insider_home.root / school_key.FILE_NAME).read_bytes())
    case = make_case(store)
    case.lock()
    (store.root / school_key.FILE_NAME).write_bytes(genuine)
    kept = register.records_on_disk(store.root)[:-1]
    (store.root / register.FILE_NAME).write_bytes(register.MAGIC + b"".join(kept))  # its entry cut
    person, dialog = read_register(qtbot, qapp, controller)
    assert person.sees_text(dialog, f"Case {case.id} cannot be opened with this school key: it was made for another "
                                    f"school key (fingerprint {insider.public.fingerprint}; this one is "
                                    f"{school.public.fingerprint}).")
    assert person.sees_text(dialog, f"Case {case.id} has no entry in the register")


def test_a_genuine_register_says_it_was_checked(qtbot, qapp, controller, store, school) -> None:
    make_case(store).lock()
    person, dialog = read_register(qtbot, qapp, controller)
    assert person.sees_text(dialog, "Checked against every case on this computer: each entry is signed by its own "
                                    f"case, none is missing, and every case here opens with this school key "
                                    f"(fingerprint {school.public.fingerprint}).")
