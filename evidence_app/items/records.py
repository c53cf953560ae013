"""The frozen values the case hands out for files and devices brought in as evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Item:
    """A file brought into the case. The hashes are of its original bytes, kept unchanged.

    ``visual`` (a picture or a video) means the app never shows it until the pair choose to, after a
    warning. ``parent`` names the message an attachment came from; ``device`` the device it came from.
    """

    id: str
    name: str
    size: int
    modified: str
    added_at: str
    by: tuple[str, ...]
    sha256: str
    md5: str
    sha1: str
    media_type: str
    visual: bool
    note: str
    concern: str
    device: str = ""
    parent: str = ""
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)
    quarantined: bool = False

    @property
    def personal_data(self) -> tuple[str, ...]:
        return tuple(self.metadata.get("personal_data", ()))


@dataclass(frozen=True)
class Device:
    """A device reviewed (e.g. a pupil's phone), who was present, and the items that came from it."""

    id: str
    description: str
    present: str
    added_at: str
    by: tuple[str, ...]
    items: tuple[str, ...] = ()
