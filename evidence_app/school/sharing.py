"""Making the case folder computer-wide: the folder, its access list, the computer's settings in it.

See :mod:`evidence_app.school.location` for why and where. ``evidence-app share-cases`` runs it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evidence_app.school.location import (
    CASES,
    SETTINGS_FILE,
    USERS_SID,
    computer_wide_folder,
)
from evidence_app.school.settings import Settings, SettingsError, save
from evidence_app.vault.durable import storage_error


def grant_command(folder: Path) -> list[str]:
    """``icacls``: every account of the Users group may change ``folder`` and all that is made in it."""
    return ["icacls", str(folder), "/grant", f"{USERS_SID}:(OI)(CI)M", "/T", "/C", "/Q"]


def reset_command(path: Path) -> list[str]:
    """``icacls /reset``: ``path`` and all in it take the access list of the folder that holds them."""
    return ["icacls", str(path), "/reset", "/T", "/C", "/Q"]


def inherit_access(path: Path, *, run: Callable[..., Any] = subprocess.run) -> None:
    """On Windows, let ``path`` (just moved into the shared folder) take that folder's access list.

    A folder moved on the same disk keeps the access list it had (in an account's own AppData: that
    account only), so a case moved there would stay closed to the other account. Nothing to do elsewhere.
    """
    if os.name != "nt":
        return
    result = run(reset_command(path), capture_output=True, text=True, errors="replace", stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        said = (result.stderr or result.stdout or "").strip().rstrip(".")
        raise SettingsError(f"{path} was moved into the folder every account uses, but other accounts may not "
                            f"open it yet{': ' + said if said else ''}. Run \"evidence-app share-cases\" once as "
                            "an administrator to let every account in.")


def share_with_every_account(folder: Path | str | None = None, settings: Settings | None = None, *,
                             home: Path | str | None = None, run: Callable[..., Any] = subprocess.run) -> Path:
    """Make ``folder`` (default: :func:`computer_wide_folder`) this computer's place for cases; return its settings file.

    Creates ``folder`` and ``folder/cases``, lets every account change them (Windows), and writes the
    computer's settings (``settings`` or the defaults, ``cases_folder`` pointing at ``folder/cases``)
    into ``home``: the computer-wide folder every start reads (default :func:`computer_wide_folder`;
    made and shared too when it is not ``folder``), so another ``folder`` is found by every account.
    """
    base = Path(folder) if folder is not None else computer_wide_folder()
    settings_home = Path(home) if home is not None else computer_wide_folder()
    if not base.is_absolute():
        raise SettingsError(f"The computer-wide folder must be a full path, not {str(base)!r}.")
    cases = base / CASES
    shared = [base] if settings_home == base else [base, settings_home]
    try:
        cases.mkdir(parents=True, exist_ok=True)
        settings_home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, f"the computer-wide folder {base} (run this as an administrator)") from exc
    if os.name == "nt":
        for place in shared:
            result = run(grant_command(place), capture_output=True, text=True, errors="replace",
                         stdin=subprocess.DEVNULL)
            if result.returncode != 0:
                said = (result.stderr or result.stdout or "").strip().rstrip(".")
                raise SettingsError(f"Could not let every account on this computer use {place}"
                                    f"{': ' + said if said else ''}. Run this as an administrator.")
    return save((settings or Settings()).with_changes(cases_folder=str(cases)), settings_home / SETTINGS_FILE)
