"""Files and devices in the police bundle: each file whole under ``items/``, with its metadata and hashes.

``items/I0001.jpg`` holds the original bytes (streamed, hashes re-checked on the way), and
``items/I0001.json`` what the case knows of it: its original name, size, modification time, who added
it and when, its three hashes, the note and concern, the device it came from, the message it was
attached to, and what it said about itself. A flagged file is withheld unless the police asked for
flagged content; ``items/withheld.json`` then lists it by number and hash. ``items/devices.json``
lists the devices reviewed.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from evidence_app.vault.events import Kind

if TYPE_CHECKING:
    from evidence_app.case.open_case import Case
    from evidence_app.export.bag import BagTarWriter
    from evidence_app.items.records import Item

_SUFFIX = re.compile(r"\.([A-Za-z0-9]{1,10})$")
ITEM_FILE = re.compile(r"^data/items/(I[0-9]{4,})\.(?!json$)[a-z0-9]{1,10}$")  # the file, not its .json


def bag_name(item: Item) -> str:
    """``items/I0001.jpg``: the number and the original's suffix (lower case), or ``.bin``; never the name."""
    found = _SUFFIX.search(item.name)
    suffix = found.group(1).lower() if found and found.group(1).lower() != "json" else "bin"
    return f"items/{item.id}.{suffix}"


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8") + b"\n"


def exported_items(case: Case, include_quarantined: bool) -> tuple[list[Item], list[Item]]:
    """The items going into the bag, and those withheld (flagged, and the police did not ask for them)."""
    items = case.items()
    return ([i for i in items if include_quarantined or not i.quarantined],
            [i for i in items if i.quarantined and not include_quarantined])


def add_items(case: Case, bag: BagTarWriter, included: list[Item], withheld: list[Item]) -> None:
    devices = {d.id: d for d in case.devices()}
    records = {e.data["id"]: e.seq for e in case.events() if e.kind == Kind.ITEM}
    for item in included:
        bag.add_payload_stream(bag_name(item), item.size, case.item_chunks(item.id), item.sha256)
        device = devices.get(item.device)
        bag.add_payload(f"items/{item.id}.json", _json({
            "id": item.id, "file": bag_name(item).split("/")[-1], "original_name": item.name, "size": item.size,
            "modified_utc": item.modified, "added_at_utc": item.added_at, "added_by": list(item.by),
            "sha256": item.sha256, "md5": item.md5, "sha1": item.sha1, "media_type": item.media_type,
            "picture_or_video": item.visual, "note": item.note, "concern": item.concern,
            "device": {"id": device.id, "description": device.description, "present": device.present}
            if device else None, "attached_to": item.parent or None, "metadata": item.metadata,
            "personal_data": list(item.personal_data), "quarantined": item.quarantined,
            "journal_record": records.get(item.id)}))
    if withheld:
        bag.add_payload("items/withheld.json", _json({
            "explanation": "Files flagged as suspected child sexual abuse imagery, withheld from this export; "
                           "the police may ask for them.",
            "items": [{"id": i.id, "sha256": i.sha256, "md5": i.md5, "sha1": i.sha1, "size": i.size,
                       "added_at_utc": i.added_at} for i in withheld]}))
    if devices:
        bag.add_payload("items/devices.json", _json({"devices": [
            {"id": d.id, "description": d.description, "present": d.present, "recorded_at_utc": d.added_at,
             "recorded_by": list(d.by), "items": list(d.items)} for d in devices.values()]}))
