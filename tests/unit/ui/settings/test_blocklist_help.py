"""The blocklist's help in the settings: shown on the field, and true (each example does what it says)."""

from __future__ import annotations

import pytest

from evidence_app import Blocklist
from evidence_app.school.settings import Settings
from ui.settings.dialog import BLOCKLIST_HELP, SettingsDialog

pytestmark = pytest.mark.usefixtures("clean_qt")


def test_the_blocklist_field_carries_the_help(qtbot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    box = dialog.fields["blocklist_file"]
    assert box.toolTip() == BLOCKLIST_HELP and box.whatsThis() == BLOCKLIST_HELP


@pytest.mark.parametrize(("entry", "covered", "not_covered"), [
    ("bad.example", "https://www.bad.example/x", "https://notbad.example/"),
    ("192.0.2.7", "http://192.0.2.7:8080/", "http://192.0.2.70/"),
    ("https://bad.example/gallery/42", "https://bad.example/gallery/42?page=2", "https://bad.example/gallery/43"),
    ("https://bad.example/gallery/", "https://bad.example/gallery/42/photo.jpg", "https://bad.example/galleryx"),
    ("https://bad.example/", "https://bad.example/", "https://bad.example/gallery/42"),
    ("https://bad.example/gallery-*", "https://bad.example/gallery-2024/x", "https://bad.example/gallery/"),
])
def test_each_example_in_the_help_does_what_it_says(entry: str, covered: str, not_covered: str) -> None:
    assert entry.rstrip("*") in BLOCKLIST_HELP or entry.endswith("*")
    listing = Blocklist.from_text(entry)
    assert listing.matches(covered) and not listing.matches(not_covered)
