"""Cases an account kept for itself, moved into the folder every account uses.

When the cases become computer-wide (:mod:`evidence_app.school.first_run`), the cases this account
made before stay in its own folder, where the other account cannot see them. They are never left
hidden: :func:`left_behind` finds them at every start, and the application offers to move them
(:func:`move_left_behind`) until they are moved.

A case moves whole or not at all: its folder is renamed into place (on the same disk), or copied
beside its new place under a hidden name, made durable, renamed into place, and only then removed
from the old folder. A crash leaves the case in its old folder, or in both: never in neither.
A case open in another window is left where it is. The school key and the incident register move
with the cases when the shared folder has none yet (else this account's stay, and the report says
why). On Windows, a moved folder takes the shared folder's access list (``icacls /reset``): a
folder moved on one disk keeps the list it had, which lets only this account in.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence_app.case.store import CASE_ID
from evidence_app.errors import CaseInUse, StorageError
from evidence_app.school import register
from evidence_app.school.first_run import Location, Places, Scope, account_case_folder
from evidence_app.school.sharing import inherit_access
from evidence_app.vault import school_key
from evidence_app.vault.durable import fsync_dir, rename, storage_error
from evidence_app.vault.filelock import CaseFileLock

MOVING_PREFIX = ".moving-"
SCHOOL_FILES = (school_key.FILE_NAME, register.FILE_NAME)


@dataclass(frozen=True)
class LeftBehind:
    """What this account keeps in its own folder while the cases are computer-wide."""

    folder: Path
    target: Path
    case_ids: tuple[str, ...] = ()
    school_files: tuple[str, ...] = ()   # the school key and register files there that can move

    @property
    def anything(self) -> bool:
        return bool(self.case_ids or self.school_files)

    def text(self) -> str:
        """One sentence for the start screen."""
        count = len(self.case_ids)
        what = f"{count} case{'' if count == 1 else 's'}" if count else ""
        if self.school_files:
            what = (what + " and " if what else "") + "its own school key and incident register"
        return (f"This account still keeps {what} in {self.folder}, where other accounts on this computer "
                f"cannot see {'them' if count != 1 or self.school_files else 'it'}.")


@dataclass(frozen=True)
class MoveReport:
    """What was moved, and what stayed and why."""

    moved: tuple[str, ...] = ()
    in_use: tuple[str, ...] = ()          # open in another window: left where they were
    already_there: tuple[str, ...] = ()   # a case of that id is in the shared folder already
    school_files_moved: tuple[str, ...] = ()
    school_files_kept: tuple[str, ...] = ()

    def text(self) -> str:
        said = []
        if self.moved:
            said.append(f"Moved {len(self.moved)} case{'' if len(self.moved) == 1 else 's'} into the folder "
                        f"every account uses: {', '.join(self.moved)}.")
        if self.school_files_moved:
            said.append("The school key and the incident register moved with them.")
        if self.in_use:
            one = len(self.in_use) == 1
            said.append(f"{', '.join(self.in_use)} {'is' if one else 'are'} open in another window and stayed where "
                        f"{'it was' if one else 'they were'}: close {'it' if one else 'them'} there, and "
                        f"{'it' if one else 'they'} will be offered again.")
        if self.already_there:
            one = len(self.already_there) == 1
            said.append(f"{', '.join(self.already_there)} {'is' if one else 'are'} already in the shared folder; "
                        "this account's copy was left as it was.")
        if self.school_files_kept:
            said.append("This account's own school key and incident register stayed where they were, because "
                        "the shared folder already has a school key: keep the printed page of each key, since "
                        "cases made before the move can be recovered only with the old one.")
        return " ".join(said) or "There was nothing to move."


def left_behind(location: Location, places: Places) -> LeftBehind:
    """This account's cases (and school files) outside ``location``, when the cases are computer-wide."""
    source = account_case_folder(places)
    target = location.cases_folder
    if location.scope is not Scope.COMPUTER or _same(source, target) or not source.is_dir():
        return LeftBehind(source, target)
    try:
        ids = sorted(f.name for f in source.iterdir() if CASE_ID.match(f.name) and f.is_dir())
        movable, _kept = _school_plan(source, target)
    except OSError as exc:
        raise storage_error(exc, "this account's case folder") from exc
    return LeftBehind(source, target, tuple(ids), movable)


def move_left_behind(found: LeftBehind, *, run: Callable[..., Any] = subprocess.run) -> MoveReport:
    """Move what :func:`left_behind` found into its target folder (see the module's text for how)."""
    source, target = found.folder, found.target
    try:
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, "the folder every account uses") from exc
    school_moved, school_kept = _move_school_files(source, target, run)
    moved, in_use, already = [], [], []
    for case_id in found.case_ids:
        folder = source / case_id
        if (target / case_id).exists():
            already.append(case_id)
            continue
        lock = CaseFileLock(folder)
        try:
            lock.acquire()  # nobody has it open now (on Windows an open file would stop the rename anyway)
        except CaseInUse:
            in_use.append(case_id)
            continue
        except OSError as exc:
            raise storage_error(exc, f"case {case_id}") from exc
        lock.release()
        _move(folder, target / case_id, f"case {case_id}")
        inherit_access(target / case_id, run=run)
        moved.append(case_id)
    return MoveReport(moved=tuple(moved), in_use=tuple(in_use), already_there=tuple(already),
                      school_files_moved=school_moved, school_files_kept=school_kept)


def _school_plan(source: Path, target: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the school files to move, those to keep): they move only into a folder without a school key of its own.

    A key already in the shared folder that is byte for byte this account's is the same key (a move
    that stopped part-way): it counts as moving. A register never replaces another.
    """
    key, book = school_key.FILE_NAME, register.FILE_NAME
    present = tuple(n for n in SCHOOL_FILES if (source / n).is_file())
    if (source / key).is_file():
        if (target / key).is_file():
            if (target / key).read_bytes() != (source / key).read_bytes():
                return (), present
        elif (target / book).exists():
            return (), present
    if (source / book).is_file() and (target / book).exists():
        return tuple(n for n in present if n != book), (book,)
    return present, ()


def _move_school_files(source: Path, target: Path, run: Callable[..., Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The key first, then the register (see :func:`_school_plan`)."""
    try:
        moving, keeping = _school_plan(source, target)
    except OSError as exc:
        raise storage_error(exc, "the school key") from exc
    for name in moving:
        if name == school_key.FILE_NAME and (target / name).is_file():
            os.remove(source / name)  # the very same key is in place already
            continue
        _move(source / name, target / name, "the school key" if name == school_key.FILE_NAME
              else "the incident register")
        inherit_access(target / name, run=run)
    return moving, keeping


def _move(source: Path, target: Path, what: str) -> None:
    """Rename ``source`` to ``target``; across disks, a durable copy under a hidden name, renamed, then the old removed."""
    try:
        rename(source, target, what)
        fsync_dir(target.parent)
        fsync_dir(source.parent)
        return
    except StorageError as exc:
        cause = exc.__cause__
        if not (isinstance(cause, OSError) and cause.errno == errno.EXDEV):
            raise
    staging = target.parent / f"{MOVING_PREFIX}{target.name}"
    try:
        if staging.exists():
            _remove(staging)  # an earlier copy that a crash cut short: the original is still in place
        if source.is_dir():
            _copy_tree(source, staging)
        else:
            _copy_synced(source, staging)
        fsync_dir(staging.parent)
        rename(staging, target, what)
        fsync_dir(target.parent)
    except OSError as exc:
        _remove_quietly(staging)  # the original is untouched; a half copy must not stay beside the cases
        raise storage_error(exc, what) from exc
    except BaseException:
        _remove_quietly(staging)
        raise
    try:  # the case is whole in its new place: only now does the old one go
        _remove(source)
        fsync_dir(source.parent)
    except OSError as exc:
        raise storage_error(exc, f"the old copy of {what} in {source.parent} (the moved one is whole)") from exc


def _copy_tree(source: Path, target: Path) -> None:
    """Copy a folder, each file and folder made durable; the first error is raised as it is (a full disk, ...)."""
    for folder, _dirs, files in os.walk(source, onerror=_raise):
        here = target / Path(folder).relative_to(source)
        here.mkdir(mode=0o700)
        for name in files:
            _copy_synced(Path(folder) / name, here / name)
        fsync_dir(here)


def _raise(exc: OSError) -> None:
    raise exc


def _copy_synced(source: str | Path, target: str | Path) -> None:
    shutil.copy2(source, target)
    fd = os.open(target, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        os.remove(path)


def _remove_quietly(path: Path) -> None:
    try:
        if path.exists():
            _remove(path)
    except OSError:
        pass  # the store clears an old hidden copy at a later listing


def _same(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except OSError:
        return first == second
