"""The chain of custody, read off the journal: who held the case, when, where, and to whom it went."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from evidence_app.vault.events import Event, Kind

_DESCRIPTIONS = {
    Kind.CREATED: "case created",
    Kind.OPENED: "case opened",
    Kind.LOCKED: "case locked",
    Kind.UNLOCKED: "case unlocked",
    Kind.REPAIRED: "case repaired after an interruption",
    Kind.FLAGGED: "suspected child abuse imagery flagged",
    Kind.SEALED: "case sealed",
    Kind.CONCLUDED: "case concluded",
    Kind.FORM: "incident form generated",
    Kind.EXPORTED: "case exported",
    Kind.TIMESTAMPED: "journal time-stamped by a trusted authority",
    Kind.ITEM: "file brought in as evidence",
    Kind.ITEM_VIEWED: "file viewed on screen",
    Kind.DEVICE: "device reviewed",
}


@dataclass(frozen=True)
class Recipient:
    """The officer the export is for."""

    name: str
    force: str
    reference: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "force": self.force, "reference": self.reference}

    def describe(self) -> str:
        return f"{self.name}, {self.force}, reference {self.reference}"


def custody_entries(events: Iterable[Event]) -> list[dict[str, Any]]:
    """One entry a custody-relevant event: time, what, who, on which computer, to whom."""
    entries = []
    for event in events:
        if event.kind not in _DESCRIPTIONS:
            continue
        data = event.data
        entry: dict[str, Any] = {"time": event.time, "record": event.seq, "event": _DESCRIPTIONS[Kind(event.kind)],
                                 "by": list(event.by) or [p["name"] for p in data.get("investigators", [])]}
        if "computer" in data:
            entry["computer"] = data["computer"]
        if event.kind == Kind.CREATED:
            entry["computer"] = data["computer_name"]
        if event.kind == Kind.OPENED:
            entry["designated_computer"] = data["designated"]
        if event.kind == Kind.EXPORTED:
            entry["to"] = data["to"]
            entry["bundle_sha256"] = data["sha256"]
        entries.append(entry)
    return entries


def custody_text(entries: list[dict[str, Any]]) -> str:
    lines = ["Chain of custody", "================", ""]
    for entry in entries:
        line = f"{entry['time']}  {entry['event']}"
        if entry.get("by"):
            line += f"  by {' and '.join(entry['by'])}"
        if entry.get("computer"):
            line += f"  on {entry['computer']}"
        if entry.get("designated_computer") is False:
            line += " (not the designated computer: read-only)"
        if entry.get("to"):
            to = entry["to"]
            line += f"  to {to['name']}, {to['force']}, reference {to['reference']}"
        lines.append(line)
    return "\n".join(lines) + "\n"
