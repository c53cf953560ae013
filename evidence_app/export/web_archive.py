"""The recorded responses in the police bag as one WACZ, ``data/web-archive/responses.wacz``.

The WACZ is made twice from the case's ``responses`` records (:mod:`evidence_app.web.wacz`):
once to learn its size and SHA-256, which the tar header and the manifest need first, and
once into the encrypted bag, checked to be the same bytes. Nothing of it is written to disk
but encrypted, and memory holds one page's record at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from evidence_app.vault.events import Event, Kind
from evidence_app.web.responses import page_responses_from_bytes
from evidence_app.web.wacz import RecordedPage, checked, measure, wacz_chunks

if TYPE_CHECKING:
    from evidence_app.export.bag import BagTarWriter

Reader = Callable[[list[Event]], Iterable[tuple[Event, bytes]]]

WACZ_FILE = "web-archive/responses.wacz"


def recorded_pages(events: list[Event], read: Reader) -> Iterator[RecordedPage]:
    """Each ``responses`` record of the journal, read (``read`` gives each event's blob, hash checked), in order.

    A page's title is the one its visit journaled (the latest visit of its address before the record).
    """
    titles: dict[str, str] = {}
    chosen: list[Event] = []
    page_titles: dict[int, str] = {}
    for event in events:
        if event.kind == Kind.VISIT:
            titles[event.data["url"]] = str(event.data.get("title", ""))
        elif event.kind == Kind.RESPONSES:
            chosen.append(event)
            page_titles[event.seq] = titles.get(event.data["page_url"], "")
    for event, data in read(chosen):
        yield RecordedPage(event.data["id"], event.time, page_responses_from_bytes(data), page_titles[event.seq])


def add_web_archive(bag: BagTarWriter, events: list[Event], read: Reader, *, case_id: str, created: str) -> str:
    """Add the WACZ of the journal's recorded pages to the bag (their records are read twice); return its SHA-256."""
    size, sha256 = measure(wacz_chunks(recorded_pages(events, read), case_id=case_id, created=created))
    return bag.add_payload_stream(WACZ_FILE, size, checked(wacz_chunks(recorded_pages(events, read), case_id=case_id,
                                                                       created=created), size, sha256), sha256)
