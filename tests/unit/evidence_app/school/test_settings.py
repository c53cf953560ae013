"""The settings file: defaults, round trip, validation with plain-English errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evidence_app import EvidenceError
from evidence_app.school import settings as settings_module
from evidence_app.school.settings import Settings, SettingsError, load, save


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
    if os.name == "posix":  # Windows has no mode bits: its folder's ACL decides
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



# ---------------------------------------------------------------- blocklist, retention, time stamps (issue 8.5)

def test_new_settings_defaults_and_round_trip(tmp_path: Path) -> None:
    assert Settings().retention_months == 12
    assert Settings().blocklist_file == "" and Settings().tsa_url == ""
    listed = tmp_path / "blocklist.txt"
    listed.write_text("bad.example\n")
    wanted = Settings(blocklist_file=str(listed), retention_months=36, tsa_url="https://tsa.example/tsr")
    path = tmp_path / "settings.json"
    save(wanted, path)
    assert load(path) == wanted


@pytest.mark.parametrize("months", [0, 121, -1, 1.5, True, "12"])
def test_retention_months_checked(months: object) -> None:
    with pytest.raises(SettingsError, match="retention period"):
        Settings(retention_months=months)  # type: ignore[arg-type]


@pytest.mark.parametrize("months", [1, 120])
def test_retention_months_bounds_allowed(months: int) -> None:
    assert Settings(retention_months=months).retention_months == months


@pytest.mark.parametrize("url", ["ftp://tsa.example/", "tsa.example", "https://", "http:///x", "https://a b/",
                                 "javascript:alert(1)", "https://[::1/"])
def test_tsa_url_checked(url: str) -> None:
    with pytest.raises(SettingsError, match="time-stamp authority"):
        Settings(tsa_url=url)


@pytest.mark.parametrize("url", ["", "http://127.0.0.1:8080/tsr", "https://freetsa.org/tsr"])
def test_tsa_url_allowed(url: str) -> None:
    assert Settings(tsa_url=url).tsa_url == url


def test_blocklist_path_must_be_full() -> None:
    with pytest.raises(SettingsError, match="blocklist file must be a full path"):
        Settings(blocklist_file="blocklist.txt")


def test_blocklist_file_checked_only_when_asked(tmp_path: Path) -> None:
    assert Settings().check_blocklist() is None
    missing = Settings(blocklist_file=str(tmp_path / "nowhere.txt"))  # loads: the file may come back later
    with pytest.raises(SettingsError, match="does not exist"):
        missing.check_blocklist()
    bad = tmp_path / "bad.txt"
    bad.write_text("ftp://files.example/x\n")
    with pytest.raises(SettingsError, match="Line 1 of the blocklist"):
        Settings(blocklist_file=str(bad)).check_blocklist()
    good = tmp_path / "good.txt"
    good.write_text("# the school's list\nbad.example\nhttps://worse.example/page\n")
    blocklist = Settings(blocklist_file=str(good)).check_blocklist()
    assert blocklist is not None and blocklist.matches("http://BAD.example/anything")


def test_bad_retention_in_file_is_a_plain_error(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"retention_months": 0}))
    with pytest.raises(SettingsError, match="between 1 and 120 months"):
        load(path)


@pytest.mark.parametrize("host", ["https://time.example", "time example", "time.example:123", "-bad.example",
                                  "time..example", "tïme.example", "time.example/ntp"])
def test_time_server_checked(host: str) -> None:
    with pytest.raises(SettingsError, match="The time server must be a computer's name or IP address"):
        Settings(time_server=host)


@pytest.mark.parametrize("host", ["", "time.cloudflare.com", "ntp.school.local.", "192.0.2.10", "2001:db8::123"])
def test_time_server_allowed_and_saved(host: str, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save(Settings(time_server=host), path)
    assert load(path).time_server == host
