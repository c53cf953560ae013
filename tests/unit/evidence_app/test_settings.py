"""The settings file: defaults, round trip, validation with plain-English errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_app import EvidenceError
from evidence_app import settings as settings_module
from evidence_app.settings import Settings, SettingsError, load, save


def test_defaults_when_nothing_saved(tmp_path: Path) -> None:
    loaded = load(tmp_path / "none" / "settings.json")
    assert loaded == Settings()
    assert loaded.idle_lock_minutes == 5


def test_round_trip_creates_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "settings.json"
    wanted = Settings(idle_lock_minutes=12, computer_name="ICT-OFFICE-01",
                      computer_location="ICT office, main building", cases_folder=str(tmp_path),
                      school_name="Hill Primary", police_contact="101")
    assert save(wanted, path) == path
    assert load(path) == wanted
    assert path.stat().st_mode & 0o077 == 0


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        Settings().idle_lock_minutes = 3  # type: ignore[misc]


@pytest.mark.parametrize("minutes", [0, 61, -5, 2.5, True, "5"])
def test_idle_minutes_checked(minutes: object) -> None:
    with pytest.raises(SettingsError, match="idle lock"):
        Settings(idle_lock_minutes=minutes)  # type: ignore[arg-type]


def test_relative_case_folder_refused() -> None:
    with pytest.raises(SettingsError, match="full path"):
        Settings(cases_folder="cases")


def test_text_limits() -> None:
    with pytest.raises(SettingsError, match="computer's name is too long"):
        Settings(computer_name="x" * 501)
    with pytest.raises(SettingsError, match="one line"):
        Settings(computer_location="a\nb")
    with pytest.raises(SettingsError, match="must be text"):
        Settings(school_name=3)  # type: ignore[arg-type]


def test_with_changes_is_checked() -> None:
    changed = Settings().with_changes(idle_lock_minutes=10)
    assert changed.idle_lock_minutes == 10
    with pytest.raises(SettingsError):
        changed.with_changes(idle_lock_minutes=0)


def test_damaged_file_is_a_plain_error(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"{not json")
    with pytest.raises(SettingsError, match="damaged") as info:
        load(path)
    assert isinstance(info.value, EvidenceError)
    path.write_text(json.dumps([1, 2]))
    with pytest.raises(SettingsError, match="does not hold"):
        load(path)
    path.write_text(json.dumps({"idle_lock_minutes": 500}))
    with pytest.raises(SettingsError, match="between 1 and 60"):
        load(path)


def test_unknown_keys_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"idle_lock_minutes": 7, "from_the_future": True}))
    assert load(path) == Settings(idle_lock_minutes=7)


def test_default_path_is_per_user_config() -> None:
    path = settings_module.default_path()
    assert path.name == "settings.json"
    assert "Evidence App" in str(path)

