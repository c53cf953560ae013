"""The settings dialog: blocklist file read before saving, retention months, time-stamp server; plain errors."""

from __future__ import annotations

import pytest

from evidence_app.school import settings as settings_file
from evidence_app.school.settings import Settings
from ui.settings.dialog import SettingsDialog

pytestmark = pytest.mark.usefixtures("clean_qt")


def dialog_for(qtbot, current: Settings = Settings()) -> SettingsDialog:
    dialog = SettingsDialog(current)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def test_fields_show_the_current_values(qtbot, tmp_path) -> None:
    listed = tmp_path / "list.txt"
    listed.write_text("bad.example\n")
    dialog = dialog_for(qtbot, Settings(retention_months=24, blocklist_file=str(listed),
                                        tsa_url="https://tsa.example/tsr"))
    assert dialog.retention_months.value() == 24
    assert (dialog.retention_months.minimum(), dialog.retention_months.maximum()) == (1, 120)
    assert dialog.fields["blocklist_file"].text() == str(listed)
    assert dialog.fields["tsa_url"].text() == "https://tsa.example/tsr"


def test_a_missing_blocklist_is_shown_and_nothing_saved(qtbot, tmp_path) -> None:
    dialog = dialog_for(qtbot)
    dialog.fields["blocklist_file"].setText(str(tmp_path / "nowhere.txt"))
    with qtbot.assertNotEmitted(dialog.saved):
        dialog.save()
    assert "does not exist" in dialog.message.text() and dialog.isVisible()


def test_a_malformed_blocklist_names_the_line(qtbot, tmp_path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("# the school's list\nok.example\nftp://files.example/\n")
    dialog = dialog_for(qtbot)
    dialog.fields["blocklist_file"].setText(str(bad))
    dialog.save()
    assert "Line 3 of the blocklist" in dialog.message.text()


def test_a_bad_time_stamp_address_is_refused(qtbot) -> None:
    dialog = dialog_for(qtbot)
    dialog.fields["tsa_url"].setText("freetsa.org/tsr")
    dialog.save()
    assert "must start with http:// or https://" in dialog.message.text()


def test_good_values_are_saved_and_applied(qtbot, controller, store, tmp_path, settings_path) -> None:
    good = tmp_path / "list.txt"
    good.write_text("bad.example\n")
    dialog = controller.edit_settings()
    dialog.retention_months.setValue(36)
    dialog.fields["blocklist_file"].setText(str(good))
    dialog.fields["tsa_url"].setText("http://127.0.0.1:8080/tsr")
    dialog.save()
    assert not dialog.isVisible() and dialog.message.text() == ""
    saved = settings_file.load(settings_path)
    assert (saved.retention_months, saved.blocklist_file, saved.tsa_url) == (36, str(good),
                                                                            "http://127.0.0.1:8080/tsr")
    assert store.retention_months == 36  # new conclusions use it


def test_the_app_builds_its_store_with_the_retention_setting(qtbot, qapp, tmp_path, clean_qt) -> None:
    from ui.app import Controller

    path = tmp_path / "settings.json"
    settings_file.save(Settings(retention_months=7), path)
    made = Controller(qapp, cases_root=tmp_path / "cases", settings_path=path)
    try:
        assert made.store.retention_months == 7
    finally:
        made.shutdown()


def test_a_bad_time_server_is_refused(qtbot) -> None:
    dialog = dialog_for(qtbot)
    dialog.fields["time_server"].setText("ntp://time.example")
    with qtbot.assertNotEmitted(dialog.saved):
        dialog.save()
    assert "The time server must be a computer's name or IP address" in dialog.message.text()


def test_the_time_server_is_saved_and_reaches_the_browser(qtbot, controller, store, settings_path) -> None:
    from tests.helpers.cases import make_case

    dialog = controller.edit_settings()
    assert dialog.fields["time_server"].text() == ""
    dialog.fields["time_server"].setText("time.school.example")
    dialog.save()
    assert not dialog.isVisible() and settings_file.load(settings_path).time_server == "time.school.example"
    built: list[dict[str, object]] = []
    build = controller._with_blocklist(lambda case, **given: built.append(given))
    case = make_case(store)
    try:
        build(case)
    finally:
        case.lock()
    assert built == [{"blocklist": None, "time_server": "time.school.example"}]
