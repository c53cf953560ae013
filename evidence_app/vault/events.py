"""Journal events: what happened, when (UTC), and who was signed in."""

from __future__ import annotations

import json
import sys
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
    REGISTERED = "registered"  # where the case's incident-register entry went (index, record hash)
    TIMESTAMPED = "timestamped"
    ITEM = "item"                    # a file brought in as evidence (issue 19)
    ITEM_DESCRIBED = "item described"  # its note and concern, set again
    ITEM_VIEWED = "item viewed"      # the pair chose to look at it, after the warning
    DEVICE = "device"                # a device reviewed, and who was present
    RESPONSES = "responses"
    UNPLAYABLE = "unplayable"
    PROVENANCE = "provenance"
    KEPT = "kept"                    # a page the pair chose to keep whole (MHTML, PDF): one record a file


def canonical_json(value: Mapping[str, Any]) -> bytes:
    """The one byte form of a record: sorted keys, no spaces, UTF-8."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        from evidence_app.errors import InvalidInput

        raise InvalidInput("The text holds characters that cannot be stored "
                           "(an unpaired surrogate). Please retype it.") from exc


@dataclass(frozen=True, slots=True)
class Event:
    """One journal record. ``line`` is its exact bytes; ``hash`` is their SHA-256.

    A long review holds tens of thousands of these while open, so they are slotted and
    share what repeats (kinds, names, field names, the previous record's hash).
    """

    seq: int
    time: str
    kind: str
    by: tuple[str, ...]
    data: Mapping[str, Any]
    prev: str
    hash: str
    line: bytes = field(repr=False, compare=False)

    @classmethod
    def from_line(cls, line: bytes, digest: str, prev: str | None = None,
                  names: dict[tuple[Any, ...], tuple[Any, ...]] | None = None) -> Event:
        """The event of ``line``.

        ``prev``, when given and equal, is shared rather than copied; ``names`` (one dict per
        reading of a journal, dropped with it: names are personal data) shares the ``by`` tuples.
        """
        record = json.loads(line)
        data = record["data"]
        if not isinstance(data, dict):
            raise TypeError("the record's data is not a table")
        by = tuple(record["by"])
        if names is not None:
            by = names.setdefault(by, by)
        named = record["prev"]
        return cls(seq=record["seq"], time=record["time"], kind=_shared(record["kind"]), by=by,
                   data=MappingProxyType({_shared(k) if len(k) < 40 else k: v for k, v in data.items()}),
                   prev=prev if prev is not None and named == prev else named, hash=digest, line=line)


def _shared(text: Any) -> Any:
    """Kinds and field names (never personal data) as one object each."""
    return sys.intern(text) if isinstance(text, str) else text
