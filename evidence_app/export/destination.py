"""Will the export fit? The destination's free space and its largest file, checked before an export starts.

School USB sticks are often FAT32, which holds files up to 4 GiB - 1 byte, and the police bundle's
evidence file holds every capture in one encrypted file. A stick that is too small or FAT32 fails
only after minutes of writing; :func:`destination_problems` says so before, in plain words, with
what to do. The file system is found with psutil (the mount, or the drive, holding the folder).

:func:`refuse_unfit` is what :func:`evidence_app.export.writer.export_case` calls before it writes
anything (the form into the vault included), so every caller gets the same sentence as the dialog, and
a destination that cannot take the bundle is left as it was. It also tries the folder for writing: a
read-only stick, a write-protect switch, or a folder this account may not change.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evidence_app.errors import StorageError
from evidence_app.vault.events import Kind

if TYPE_CHECKING:
    from evidence_app.case.open_case import Case

FAT32_LARGEST = 4 * 1024**3 - 1
FAT16_LARGEST = 2 * 1024**3 - 1
# File systems by the names Linux and Windows give them, and the largest file each holds.
_LARGEST_FILE = {"vfat": FAT32_LARGEST, "fat32": FAT32_LARGEST, "msdos": FAT16_LARGEST, "fat": FAT16_LARGEST,
                 "fat16": FAT16_LARGEST, "umsdos": FAT16_LARGEST}
_FAT_NAMES = {"vfat": "FAT32", "fat32": "FAT32", "msdos": "FAT", "fat": "FAT", "fat16": "FAT", "umsdos": "FAT"}
MARGIN = 8 * 1024**2
PROBE_PREFIX = ".evidence-app-write-check-"


class DestinationUnfit(StorageError):
    """The export's folder cannot take the bundle (no room, FAT32's largest file, not writable); nothing was written."""


@dataclass(frozen=True)
class Destination:
    """What the folder's disk can take."""

    folder: Path
    free_bytes: int
    file_system: str            # as the system names it ("vfat", "NTFS", "exFAT", ...), "" when unknown
    largest_file: int | None    # bytes; None when the file system sets no practical limit

    @property
    def file_system_label(self) -> str:
        return _FAT_NAMES.get(self.file_system.lower(), self.file_system)


def _mount_of(folder: Path) -> tuple[str, str]:
    """(mount point, file system) of the disk holding ``folder``; ("", "") when not found."""
    import psutil

    target = os.path.normcase(str(folder.resolve()))
    best = ("", "")
    for part in psutil.disk_partitions(all=True):
        mount = os.path.normcase(part.mountpoint)
        inside = target == mount or target.startswith(mount.rstrip("\\/") + os.sep) or mount in ("/", "\\")
        if inside and len(mount) > len(best[0]):
            best = (mount, part.fstype or "")
    return best


def inspect(folder: Path | str) -> Destination:
    """The free space and file system of the disk holding ``folder`` (which must exist)."""
    path = Path(folder)
    free = shutil.disk_usage(path).free
    try:
        _, file_system = _mount_of(path)
    except Exception:  # noqa: BLE001 - a disk psutil cannot describe is checked for space only
        file_system = ""
    return Destination(path, free, file_system, _LARGEST_FILE.get(file_system.lower()))


def estimate_export_bytes(case: Case) -> int:
    """About how large the export will be: the case's files (captures, snapshots, forms, journal), plus a margin.

    The encrypted evidence file holds nearly all of it, so this is also its size. The pages' recorded
    responses count twice: as they are, and again as the web archive (the WACZ) made from them.
    """
    total = sum(p.stat().st_size for p in Path(case.folder).rglob("*") if p.is_file())
    responses = sum(int(e.data.get("size", 0)) for e in case.events() if e.kind == Kind.RESPONSES)
    return total + total // 10 + responses + MARGIN


def _size(count: int) -> str:
    if count >= 1024**3:
        return f"{count / 1024**3:.1f} GB"
    return f"{max(count, 1024**2) / 1024**2:.0f} MB"


def destination_problems(destination: Destination, needed: int) -> list[str]:
    """Why an export of about ``needed`` bytes will not fit on ``destination`` (empty when it will)."""
    found = []
    if destination.largest_file is not None and needed > destination.largest_file:
        found.append(
            f"This USB stick is formatted as {destination.file_system_label}, which holds files up to "
            f"{_size(destination.largest_file + 1)}, and the evidence file will be about {_size(needed)}. "
            "Use a stick formatted as exFAT or NTFS (in Windows: right-click the stick in File Explorer, "
            "Format..., File system exFAT; formatting erases the stick), or ask the officer for a larger "
            "police USB drive.")
    if needed > destination.free_bytes:
        found.append(
            f"There is not enough space in {destination.folder}: it has {_size(destination.free_bytes)} free "
            f"and the export needs about {_size(needed)}. Use a larger USB stick, or delete other files from it.")
    return found


def writable_problem(folder: Path | str) -> str:
    """Why this account cannot make a file in ``folder`` ("" when it can): a new empty file is made and removed."""
    path = Path(folder)
    probe = path / f"{PROBE_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        why = exc.strerror or str(exc)
        return (f"Nothing can be written to {path} ({why}): the USB stick may be read-only or its "
                "write-protect switch on, or this Windows account may not change that folder. Choose "
                "another folder, or slide the stick's switch off and plug it in again.")
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError:  # pragma: no cover - made a moment ago by this account; the export still goes ahead
        pass
    return ""


def check_destination(folder: Path | str, needed: int) -> list[str]:
    """Whether ``folder`` can take about ``needed`` bytes: writable, room, largest file (empty when it can).

    Room and file system come from :func:`destination_problems` (not checked when the disk cannot be
    described: the export itself then says what is wrong).
    """
    not_writable = writable_problem(folder)
    if not_writable:
        return [not_writable]
    try:
        found = inspect(folder)
    except OSError:
        return []
    return destination_problems(found, needed)


def refuse_unfit(case: Case, folder: Path | str) -> None:
    """:class:`DestinationUnfit` with every reason when ``folder`` cannot take ``case``'s export."""
    problems = check_destination(folder, estimate_export_bytes(case))
    if problems:
        raise DestinationUnfit(" ".join(problems) + " Nothing was written.")
