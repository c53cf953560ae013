"""Where this computer keeps its cases, school key and register: for every account, or for one.

The pair may sign in to Windows as two different people. The cases, the school key and the
incident register must then be reachable from both accounts, so an administrator makes the case
folder computer-wide once (``evidence-app share-cases``, at installation): a folder under
ProgramData (``C:\\ProgramData\\Evidence App``) that every account on the computer may change,
holding ``cases\\`` and the computer's ``settings.json``, which names that case folder. When it
exists, every account uses it; otherwise each account keeps its own settings and cases (the
per-user folders, the fallback).

What makes the folder shared on Windows is its access list: every account in the computer's
Users group may change it, inherited by everything made in it (``icacls ... /grant``, by the
group's well-known SID, whatever the language of Windows; :mod:`evidence_app.school.sharing`).
The cases stay encrypted (two passphrases) and the register stays readable only with the school
key. On Linux the app's files are private to the account that made them, so a computer-wide folder
serves one account only.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "Evidence App"
OVERRIDE_ENV = "EVIDENCE_APP_COMPUTER_FOLDER"  # another computer-wide folder (tests, unusual installs)
USERS_SID = "*S-1-5-32-545"  # BUILTIN\Users
CASES = "cases"
SETTINGS_FILE = "settings.json"


def computer_wide_folder() -> Path:
    """``C:\\ProgramData\\Evidence App`` on Windows, ``/var/lib/evidence-app`` elsewhere (or the override)."""
    override = os.environ.get(OVERRIDE_ENV, "")
    if override:
        return Path(override)
    if os.name == "nt":
        from platformdirs import site_data_path

        return site_data_path(APP_NAME, appauthor=False)
    return Path("/var/lib/evidence-app")


def computer_wide_settings() -> Path | None:
    """The computer-wide ``settings.json`` when an administrator has made one, else None."""
    path = computer_wide_folder() / SETTINGS_FILE
    return path if path.is_file() else None
