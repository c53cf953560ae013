"""The first run's question: does this computer keep its cases for every account, or for this one?

The pair may sign in to the computer as two different people. Their cases, the school key and the
incident register must then be in a folder both accounts reach: the computer-wide folder
(``C:\\ProgramData\\Evidence App``, :mod:`evidence_app.school.location`), which only an administrator
may make (``root`` on Linux). Otherwise each account keeps its own (the per-user folders, the fallback).

The answer is remembered where the next start looks first: the computer-wide folder's
``settings.json`` (then every account uses it, whoever chose it), or this account's own settings
file. With neither, nothing is chosen yet and the application asks (:func:`current_location`). A
refused computer-wide choice (not an administrator, or the folder could not be made) leaves
nothing changed: the account's own folder serves for now, and the question comes again next time.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from evidence_app.school.location import CASES, SETTINGS_FILE, computer_wide_folder
from evidence_app.school.settings import FILE_NAME, Settings, SettingsError, load, save
from evidence_app.school.sharing import share_with_every_account

APP_NAME = "Evidence App"


class Scope(Enum):
    """Who the cases are for."""

    COMPUTER = "computer"   # every account that signs in to this computer
    ACCOUNT = "account"     # only the account that chose it


class NeedsAdministrator(SettingsError):
    """The computer-wide folder was chosen by an account that is not an administrator."""


@dataclass(frozen=True)
class Places:
    """Where the answer and the cases can be: the computer-wide folder, and this account's own folders."""

    computer: Path            # C:\ProgramData\Evidence App (or /var/lib/evidence-app)
    account_settings: Path    # this account's settings.json
    account_cases: Path       # this account's case folder (unless its settings name another)

    @classmethod
    def of_this_computer(cls) -> Places:
        """The real places: :func:`computer_wide_folder` and platformdirs' per-user folders."""
        from platformdirs import user_config_path, user_data_path

        return cls(computer=computer_wide_folder(),
                   account_settings=user_config_path(APP_NAME, appauthor=False) / FILE_NAME,
                   account_cases=user_data_path(APP_NAME, appauthor=False) / CASES)

    @property
    def computer_settings(self) -> Path:
        return self.computer / SETTINGS_FILE


@dataclass(frozen=True)
class Location:
    """Where this start finds its settings and cases; ``scope`` None: nothing was chosen yet."""

    scope: Scope | None
    settings_path: Path
    cases_folder: Path

    @property
    def chosen(self) -> bool:
        return self.scope is not None


def _cases_named_in(path: Path, default: Path) -> Path:
    """The case folder a settings file names, or ``default`` (also when the file cannot be read:
    the application reports a damaged settings file itself)."""
    try:
        named = load(path).cases_folder
    except SettingsError:
        named = ""
    return Path(named) if named else default


def current_location(places: Places) -> Location:
    """The computer-wide settings when they exist, else this account's when it has any, else not chosen."""
    if places.computer_settings.is_file():
        return Location(Scope.COMPUTER, places.computer_settings,
                        _cases_named_in(places.computer_settings, places.computer / CASES))
    account_cases = account_case_folder(places)
    if places.account_settings.is_file():
        return Location(Scope.ACCOUNT, places.account_settings, account_cases)
    return Location(None, places.account_settings, account_cases)


def account_case_folder(places: Places) -> Path:
    """This account's own case folder: the one its settings name, else the per-user default."""
    if places.account_settings.is_file():
        return _cases_named_in(places.account_settings, places.account_cases)
    return places.account_cases


def is_administrator() -> bool:
    """Whether this process may make the computer-wide folder: an elevated administrator on Windows, root elsewhere."""
    if os.name == "nt":
        import ctypes

        try:
            return bool(ctypes.windll.shell32.IsUserAnAdmin())  # type: ignore[attr-defined]
        except (AttributeError, OSError):
            return False
    return os.geteuid() == 0


def how_to_get_an_administrator(places: Places) -> str:
    """What to do when the computer-wide folder is wanted and this account may not make it."""
    if os.name == "nt":
        how = ("close Evidence App, right-click it and choose \"Run as administrator\", then choose again; or ask "
               "whoever looks after the school's computers to run \"evidence-app share-cases\" once, as an "
               "administrator")
    else:
        how = ("start Evidence App once as root (sudo), or run \"sudo evidence-app share-cases\" once")
    return (f"Only an administrator of this computer can make the folder every account uses ({places.computer}). "
            f"To do it, {how}. Until then this account keeps its own cases, and nothing is lost: cases made now "
            "can be moved into the shared folder later, and you will be asked again at the next start.")


def choose(scope: Scope, places: Places, *, administrator: bool | None = None,
           share: Callable[..., Path] = share_with_every_account) -> Location:
    """Remember ``scope`` and return the location every later start will use.

    :attr:`Scope.COMPUTER` when the computer-wide folder exists already (another account made it) is
    simply used; otherwise it is made (``share``: the folder, its access list, the computer's settings,
    carrying this account's settings over), which needs an administrator: else
    :class:`NeedsAdministrator`, and nothing is changed. :attr:`Scope.ACCOUNT` saves this account's
    settings, which marks the choice made.
    """
    if scope is Scope.COMPUTER:
        if not places.computer_settings.is_file():
            allowed = is_administrator() if administrator is None else administrator
            if not allowed:
                raise NeedsAdministrator(how_to_get_an_administrator(places))
            carried = _account_settings(places).with_changes(cases_folder="")
            share(places.computer, carried, home=places.computer)
        location = current_location(places)
        if location.scope is not Scope.COMPUTER:  # pragma: no cover - share writes the settings or raises
            raise SettingsError(f"The computer-wide settings were not found in {places.computer} after making them.")
        return location
    save(_account_settings(places), places.account_settings)
    return Location(Scope.ACCOUNT, places.account_settings, account_case_folder(places))


def for_now(places: Places) -> Location:
    """The fallback for this start only, not remembered: this account's own settings and cases."""
    return Location(None, places.account_settings, account_case_folder(places))


def _account_settings(places: Places) -> Settings:
    try:
        return load(places.account_settings)
    except SettingsError:
        return Settings()
