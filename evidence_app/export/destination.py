"""Will the export fit? The destination's free space and its largest file, checked before an export starts.

School USB sticks are often FAT32, which holds files up to 4 GiB - 1 byte, and the police bundle's
evidence file holds every capture in one encrypted file. A stick that is too small or FAT32 fails
only after minutes of writing; :func:`destination_problems` says so before, in plain words, with
what to do. The file system is found with psutil (the mount, or the drive, holding the folder).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evidence_app.case.open_case import Case

FAT32_LARGEST = 4 * 1024**3 - 1
FAT16_LARGEST = 2 * 1024**3 - 1
# File systems by the names Linux and Windows give them, and the largest file each holds.
_LARGEST_FILE = {"vfat": FAT32_LARGEST, "fat32": FAT32_LARGEST, "msdos": FAT16_LARGEST, "fat": FAT16_LARGEST,
                 "fat16": FAT16_LARGEST, "umsdos": FAT16_LARGEST}
_FAT_NAMES = {"vfat": "FAT32", "fat32": "FAT32", "msdos": "FAT", "fat": "FAT", "fat16": "FAT", "umsdos": "FAT"}
MARGIN = 8 * 1024**2


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

    The encrypted evidence file holds nearly all of it, so this is also its size.
    """
    total = sum(p.stat().st_size for p in Path(case.folder).rglob("*") if p.is_file())
    return total + total // 10 + MARGIN


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


def check_destination(folder: Path | str, needed: int) -> list[str]:
    """:func:`destination_problems` for the disk holding ``folder`` (none when its disk cannot be read:
    the export itself then says what is wrong)."""
    try:
        found = inspect(folder)
    except OSError:
        return []
    return destination_problems(found, needed)
