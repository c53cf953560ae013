"""A computer-wide case folder: two accounts, one set of cases, one school key, one register.

The computer-wide folder is moved into the test's own folder through ``EVIDENCE_APP_COMPUTER_FOLDER``.
The Windows leg runs ``icacls`` (Wine's does nothing: the access list itself is untested there).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from evidence_app import CaseStore
from evidence_app.case.store import default_root
from evidence_app.school import settings
from evidence_app.school.location import OVERRIDE_ENV, computer_wide_folder, computer_wide_settings
from evidence_app.school.settings import Settings, SettingsError
from evidence_app.school.sharing import grant_command, share_with_every_account
from tests.helpers.cases import CHEAP, make_case

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture
def computer(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "ProgramData" / "Evidence App"
    monkeypatch.setenv(OVERRIDE_ENV, str(folder))
    return folder


def test_without_a_computer_wide_folder_each_account_keeps_its_own(computer: Path) -> None:
    assert computer_wide_folder() == computer and computer_wide_settings() is None
    assert computer not in settings.default_path().parents and computer not in default_root().parents


def test_the_default_is_programdata_on_windows(monkeypatch) -> None:
    monkeypatch.delenv(OVERRIDE_ENV, raising=False)
    if os.name == "nt":
        assert computer_wide_folder() == Path(os.environ["ProgramData"]) / "Evidence App"
    else:
        assert computer_wide_folder() == Path("/var/lib/evidence-app")


def test_once_shared_every_account_uses_the_same_cases_key_and_register(computer: Path) -> None:
    written = share_with_every_account(None, Settings(school_name="Hill Primary", idle_lock_minutes=7))
    assert written == computer / "settings.json" and (computer / "cases").is_dir()
    assert settings.default_path() == written
    assert settings.load() == Settings(school_name="Hill Primary", idle_lock_minutes=7,
                                       cases_folder=str(computer / "cases"))
    assert default_root() == computer / "cases"
    store = CaseStore()  # no folder given: the computer-wide one
    school = store.create_school_key("Coordinat0r's own pass!", kdf=CHEAP)
    case = make_case(store)
    case.lock()
    # Another process (as another account would be) finds the case and reads the register with the key.
    listed = subprocess.run([sys.executable, "-m", "evidence_app", "list"], cwd=REPO, capture_output=True,
                            text=True, check=True, stdin=subprocess.DEVNULL).stdout
    assert case.id in listed
    assert [e.case_id for e in CaseStore().read_register(school)] == [case.id]


def test_on_windows_every_account_of_the_users_group_may_change_it(computer: Path) -> None:
    ran: list[list[str]] = []

    def run(argv, **kwargs):
        ran.append(argv)
        return subprocess.run(argv, **kwargs) if os.name == "nt" else SimpleNamespace(returncode=0)

    share_with_every_account(None, run=run)
    if os.name == "nt":
        assert ran == [["icacls", str(computer), "/grant", "*S-1-5-32-545:(OI)(CI)M", "/T", "/C", "/Q"]]
    else:
        assert ran == []  # POSIX: the files stay the account's own
    assert grant_command(Path("C:/x"))[2:4] == ["/grant", "*S-1-5-32-545:(OI)(CI)M"]


@pytest.mark.skipif(os.name != "nt", reason="icacls is Windows'")
def test_a_refused_grant_says_to_run_it_as_an_administrator(computer: Path) -> None:
    def refused(argv, **kwargs):
        return SimpleNamespace(returncode=5, stdout="", stderr="Access is denied.")

    with pytest.raises(SettingsError, match="Access is denied. Run this as an administrator."):
        share_with_every_account(None, run=refused)
    assert computer_wide_settings() is None


def test_a_relative_folder_is_refused(computer: Path) -> None:
    with pytest.raises(SettingsError, match="must be a full path"):
        share_with_every_account("Evidence App")


def test_the_share_cases_command(tmp_path: Path, computer: Path) -> None:
    target = tmp_path / "Shared cases"
    env = {**os.environ, OVERRIDE_ENV: str(target)}
    done = subprocess.run([sys.executable, "-m", "evidence_app", "share-cases", "--folder", str(target)], cwd=REPO,
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert f"now uses the cases in {target / 'cases'}" in done.stdout
    assert settings.load(target / "settings.json").cases_folder == str(target / "cases")


def test_another_folder_is_found_by_every_account_through_the_computer_wide_settings(tmp_path: Path,
                                                                                    computer: Path) -> None:
    """``share-cases --folder D:\\Cases``: the cases there, the settings where every start looks (ProgramData)."""
    elsewhere = tmp_path / "D" / "Cases"
    done = subprocess.run([sys.executable, "-m", "evidence_app", "share-cases", "--folder", str(elsewhere)],
                          cwd=REPO, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env={**os.environ, OVERRIDE_ENV: str(computer)})
    assert done.returncode == 0, done.stderr
    assert computer_wide_settings() == computer / "settings.json"
    assert default_root() == elsewhere / "cases" and (elsewhere / "cases").is_dir()
    assert not (elsewhere / "settings.json").exists()
