"""Kept pages in the police bundle: ``kept/K0001.mhtml``, ``.pdf`` and ``.png``, each with the hash journaled.

``kept/K0001.json`` says what the case knows of the page: its address and title, when and by whom it
was kept, the note and concern, and each file's SHA-256, size and journal record (the PNG's, when the
browser said so, with ``incomplete``: what the picture of the whole page may lack, e.g. pictures
still loading when it was drawn). Pages kept before the PNG existed have the first two files only. A kept page of
flagged content is withheld unless the police asked for flagged content; ``kept/withheld.json`` then
lists it by number and hashes. The MHTML opens in Chromium-based browsers (and Webrecorder's tools);
the PDF and PNG anywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from evidence_app.vault.events import Event, Kind

if TYPE_CHECKING:
    from evidence_app.case.kept import KeptPage
    from evidence_app.case.open_case import Case
    from evidence_app.export.bag import BagTarWriter

KEPT_FILE = re.compile(r"^data/kept/(K[0-9]{4,})\.(mhtml|pdf|png)$")


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8") + b"\n"


def exported_kept(case: Case, events: list[Event], include_quarantined: bool) -> tuple[list[Event], list[KeptPage]]:
    """The kept files' records going into the bag, and the kept pages withheld (flagged, not asked for)."""
    pages = {k.id: k for k in case.kept_pages()}
    included = [e for e in events if e.kind == Kind.KEPT and (include_quarantined or not pages[e.data["id"]].quarantined)]
    return included, [k for k in pages.values() if k.quarantined and not include_quarantined]


def kept_bytes(included: list[Event]) -> int:
    return sum(int(e.data["size"]) for e in included)


def add_kept(case: Case, bag: BagTarWriter, included: Iterable[tuple[Event, bytes]], withheld: list[KeptPage]) -> None:
    """Each kept file (read one at a time, hash re-checked), then one description per page."""
    pages = {k.id: k for k in case.kept_pages()}
    described: dict[str, dict[str, Any]] = {}
    for event, data in included:
        page_id, fmt = event.data["id"], event.data["format"]
        bag.add_payload(f"kept/{page_id}.{fmt}", data, sha256=event.data["sha256"])
        page = pages[page_id]
        entry = described.setdefault(page_id, {
            "id": page_id, "url": page.url, "title": page.title, "kept_at_utc": page.kept_at,
            "kept_by": list(page.by), "note": page.note, "concern": page.concern,
            "quarantined": page.quarantined, "files": {}})
        entry["files"][fmt] = {"file": f"{page_id}.{fmt}", "sha256": event.data["sha256"], "size": event.data["size"],
                               "media_type": event.data["media_type"], "journal_record": event.seq}
        if event.data.get("incomplete"):
            entry["files"][fmt]["incomplete"] = event.data["incomplete"]
    for page_id, entry in described.items():
        bag.add_payload(f"kept/{page_id}.json", _json(entry))
    if withheld:
        bag.add_payload("kept/withheld.json", _json({
            "explanation": "Pages kept whole of content flagged as suspected child sexual abuse imagery, withheld "
                           "from this export; the police may ask for them.",
            "pages": [{"id": k.id, "url": k.url, "kept_at_utc": k.kept_at,
                       "files": [{"format": f, "sha256": sha, "size": size} for f, sha, size in k.files]}
                      for k in withheld]}))
