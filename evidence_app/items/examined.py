"""What a file says about itself, as found by one of the readers in this folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_FIELD_CHARS = 10_000
MAX_LIST = 200


@dataclass(frozen=True)
class Attachment:
    """A file inside a message, kept as an item of its own."""

    name: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Examined:
    """The metadata (JSON-ready), the attachments, what in it is personal data, and any problem reading it."""

    metadata: dict[str, Any]
    attachments: tuple[Attachment, ...] = ()
    personal_data: tuple[str, ...] = ()
    problem: str = ""

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = dict(self.metadata)
        if self.personal_data:
            found["personal_data"] = list(self.personal_data)
        if self.problem:
            found["problem"] = self.problem
        return found


def clipped(value: Any, limit: int = MAX_FIELD_CHARS) -> str:
    """Text for the journal: never None, never unbounded, no unpaired surrogates."""
    text = "" if value is None else str(value)
    text = text.encode("utf-8", errors="replace").decode("utf-8")
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit:,} more characters not kept)"
