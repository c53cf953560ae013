"""Pages the pair chose to keep whole, as a part of :class:`~evidence_app.case.open_case.Case`.

"Keep this page" is a deliberate act of the pair, like a capture, and obeys the same rules: refused
when the case is locked, sealed, concluded or read-only here, refused for an address on the school's
blocklist (which stops the case), and a concern of suspected child sexual abuse images stores
nothing at all (even a copy of the page is a copy of its pictures): the case is flagged and sealed.

A kept page is up to three files, each hashed, encrypted and journaled the moment it is stored:

- the page as MHTML (``multipart/related``: the document and every part it showed, pictures included,
  as the browser's own "save as web archive" writes it);
- the page as PDF (as the browser prints it);
- the whole page as one PNG picture, as the browser drew it (checked as a capture's PNG is, by
  :func:`~evidence_app.case.png.check_png`); with it, when the browser said so, what the picture may
  lack (``incomplete``: pictures still loading when it was drawn). Pages kept before this picture
  existed have the first two only.

Each file is its own ``kept`` journal record (one blob per record, as everything else in the vault),
all naming the same page id (``K0001``...), in that order: MHTML, PDF, PNG. Every file is checked
before the first is stored; a crash between two records leaves the files before it, each whole and
verified (the PNG last, so a page cut short there is the MHTML and PDF page as it was kept before).
A kept page is caught by the stop as captures are (same address in any spelling, or named): it is
then quarantined, never read back for display, and withheld from the police export unless they ask.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from evidence_app.case.png import check_png
from evidence_app.case.text import MAX_NOTICE_CHARS, MAX_URL_CHARS, checked_text
from evidence_app.errors import CaseSealed, InvalidInput, Quarantined
from evidence_app.policy.concerns import CSAM
from evidence_app.policy.urls import normalise_url
from evidence_app.vault.events import Event, Kind
from evidence_app.vault.timestamps import utc_now

MHTML = "mhtml"
PDF = "pdf"
PNG = "png"
MEDIA_TYPES = {MHTML: "multipart/related", PDF: "application/pdf", PNG: "image/png"}
FORMATS = (MHTML, PDF, PNG)
MAX_KEPT_BYTES = 1 << 30  # 1 GiB a file: a page larger than that is not a page
MHTML_HEAD = 16_384       # where the MIME headers of an MHTML file must say what it is


@dataclass(frozen=True)
class KeptPage:
    """A page kept whole: its MHTML, PDF and whole-page PNG, each with the SHA-256 of the exact bytes stored."""

    id: str
    url: str
    title: str
    note: str
    concern: str
    kept_at: str
    by: tuple[str, ...]
    files: tuple[tuple[str, str, int], ...]  # (format, sha256, size): MHTML, PDF, then PNG
    quarantined: bool = False
    incomplete: str = ""  # what the whole-page picture may lack, as said when it was drawn; "" if nothing

    @property
    def sha256(self) -> str:
        """The MHTML's hash: what the quarantine record names for this page."""
        return self.files[0][1]

    def file(self, fmt: str) -> tuple[str, str, int] | None:
        return next((f for f in self.files if f[0] == fmt), None)


def check_kept(fmt: str, data: bytes) -> None:
    """Refuse bytes that are not what they claim to be (a plain sentence)."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise InvalidInput(f"The page's {fmt.upper()} is empty: nothing was kept.")
    if len(data) > MAX_KEPT_BYTES:
        raise InvalidInput(f"The page's {fmt.upper()} is larger than 1 GB: nothing was kept.")
    if fmt == PDF and not bytes(data[:5]) == b"%PDF-":
        raise InvalidInput("What the browser gave as the page's PDF is not a PDF: nothing was kept.")
    if fmt == PNG:
        try:
            check_png(data)
        except InvalidInput as exc:
            raise InvalidInput("What the browser gave as the picture of the whole page is not a whole, readable "
                               "PNG: nothing was kept.") from exc
    if fmt == MHTML:
        head = bytes(data[:MHTML_HEAD]).lower()
        if b"mime-version:" not in head or b"multipart/related" not in head or b"boundary=" not in head:
            raise InvalidInput("What the browser gave as the page's web archive is not MHTML: nothing was kept.")


class KeptPages:
    """The kept-page rules; mixed into :class:`~evidence_app.case.open_case.Case` (its lock, journal, blobs)."""

    def keep_page(self, *, mhtml: bytes, pdf: bytes, url: str, title: str = "", note: str = "",
                  concern: str = "", png: bytes | None = None, incomplete: str = "") -> KeptPage:
        """Keep the page at ``url`` as MHTML, PDF and (``png``) the whole page's picture: hashed,
        encrypted, journaled, then returned. ``incomplete`` (only with ``png``) is journaled with the
        picture: what it may lack, as the browser said when it drew it."""
        kept_at = utc_now()
        check_kept(MHTML, mhtml)
        check_kept(PDF, pdf)
        if png is not None:
            check_kept(PNG, png)
        elif incomplete:
            raise InvalidInput("A notice of what the page's picture lacks needs the picture: nothing was kept.")
        checked_text(url, "web address", MAX_URL_CHARS)
        checked_text(title, "page title")
        checked_text(note, "note")
        checked_text(incomplete, "notice of what the picture may lack", MAX_NOTICE_CHARS)
        self._check_concern(concern)  # type: ignore[attr-defined]
        with self._mutex:  # type: ignore[attr-defined]
            self._require_evidence_allowed()  # type: ignore[attr-defined]
            self._stop_if_listed(url)  # type: ignore[attr-defined]
            if concern == CSAM:
                del mhtml, pdf, png
                self.flag_csam(url, note=note)  # type: ignore[attr-defined]
                raise CaseSealed("The page was not kept: the concern chosen was child sexual abuse images, and "
                                 "even a copy of the page is a copy of them. The case is now sealed; follow the "
                                 "referral steps.")
            page_id = f"K{len(self._kept_ids()) + 1:04d}"
            common = {"id": page_id, "url": url, "title": title, "note": note, "concern": concern,
                      "kept_at": kept_at}
            files = [(MHTML, bytes(mhtml)), (PDF, bytes(pdf))] + ([(PNG, bytes(png))] if png is not None else [])
            for fmt, data in files:
                described = common | {"format": fmt, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                                      "media_type": MEDIA_TYPES[fmt]}
                if fmt == PNG and incomplete:
                    described["incomplete"] = incomplete
                self._store_and_journal(  # type: ignore[attr-defined]
                    data, f"kept page {page_id} ({fmt.upper()})", Kind.KEPT,
                    lambda blob_id, described=described: described | {"blob": blob_id})
            return self.kept_page(page_id)

    def _kept_events(self) -> list[Event]:
        return [e for e in self._events if e.kind == Kind.KEPT]  # type: ignore[attr-defined]

    def _kept_ids(self) -> list[str]:
        return list(dict.fromkeys(e.data["id"] for e in self._kept_events()))

    def kept_pages(self) -> list[KeptPage]:
        """Every kept page, in order, and whether it is quarantined (a page's files are written under
        the case's lock, so no reader sees one without the others)."""
        with self._mutex:  # type: ignore[attr-defined]
            self._require_keys()  # type: ignore[attr-defined]
            grouped: dict[str, list[Event]] = {}
            for event in self._kept_events():
                grouped.setdefault(event.data["id"], []).append(event)
            return [self._kept_from(events) for events in grouped.values()]

    def _kept_from(self, events: list[Event]) -> KeptPage:
        d = events[0].data
        return KeptPage(id=d["id"], url=d["url"], title=d["title"], note=d["note"], concern=d["concern"],
                        kept_at=d["kept_at"], by=events[0].by,
                        files=tuple((e.data["format"], e.data["sha256"], e.data["size"]) for e in events),
                        quarantined=d["id"] in self._quarantined,  # type: ignore[attr-defined]
                        incomplete=next((e.data["incomplete"] for e in events if e.data.get("incomplete")), ""))

    def kept_page(self, page_id: str) -> KeptPage:
        found = [k for k in self.kept_pages() if k.id == page_id]
        if not found:
            raise InvalidInput(f"There is no kept page {page_id!r} in this case.")
        return found[0]

    def kept_event(self, page_id: str, fmt: str) -> Event:
        """The journal record of one file of a kept page."""
        for event in self._kept_events():
            if event.data["id"] == page_id and event.data["format"] == fmt:
                return event
        raise InvalidInput(f"There is no {fmt.upper()} of a kept page {page_id!r} in this case.")

    def read_kept(self, page_id: str, fmt: str) -> bytes:
        """A kept page's MHTML, PDF or PNG, hash re-checked; refused if the page is quarantined."""
        with self._mutex:  # type: ignore[attr-defined]
            self._require_keys()  # type: ignore[attr-defined]
            event = self.kept_event(page_id, fmt)
            if page_id in self._quarantined:  # type: ignore[attr-defined]
                raise Quarantined(f"Kept page {page_id} is of flagged content. It is kept for the police and is "
                                  "never shown, printed or copied.")
            return self._checked_blob(event)  # type: ignore[attr-defined,no-any-return]

    def _kept_caught(self, target: str, by_address: bool, ids: tuple[str, ...] | list[str]) -> list[KeptPage]:
        """The kept pages a stop takes: those of the flagged address ``target`` (normalised) or named in it."""
        return [k for k in self.kept_pages() if (by_address and normalise_url(k.url) == target) or k.id in ids]

