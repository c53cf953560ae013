"""Journal events: what happened, when (UTC), and who was signed in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Mapping

GENESIS = "0" * 64


class Kind(StrEnum):
    """Every kind of event the journal holds."""

    CREATED = "created"
    KEY = "key"
    OPENED = "opened"
    LOCKED = "locked"
    UNLOCKED = "unlocked"
    CLOSED = "closed"
    VISIT = "visit"
    CAPTURE = "capture"
    ANNOTATED = "annotated"
    SNAPSHOT = "snapshot"
    RESOURCES = "resources"
    REFUSED = "refused"
    NOTE = "note"
    FLAGGED = "flagged"
    QUARANTINED = "quarantined"
    SEALED = "sealed"
    CONCLUDED = "concluded"
    FORM = "form"
    EXPORTED = "exported"
    RECOVERED = "recovered"
    RELEASED = "released"
    REPAIRED = "repaired"


def canonical_json(value: Mapping[str, Any]) -> bytes:
    """The one byte form of a record: sorted keys, no spaces, UTF-8."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        from evidence_app.errors import InvalidInput

        raise InvalidInput("The text holds characters that cannot be stored "
                           "(an unpaired surrogate). Please retype it.") from exc


@dataclass(frozen=True)
class Event:
    """One journal record. ``line`` is its exact bytes; ``hash`` is their SHA-256."""

    seq: int
    time: str
    kind: str
    by: tuple[str, ...]
    data: Mapping[str, Any]
    prev: str
    hash: str
    line: bytes = field(repr=False, compare=False)

    @classmethod
    def from_line(cls, line: bytes, digest: str) -> Event:
        record = json.loads(line)
        return cls(seq=record["seq"], time=record["time"], kind=record["kind"],
                   by=tuple(record["by"]), data=MappingProxyType(record["data"]),
                   prev=record["prev"], hash=digest, line=line)
