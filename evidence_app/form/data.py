"""What goes on the form, read from the open case into plain frozen values.

Kept apart from the layout so the rules about *what* is printed are in one
short place and can be tested without reading a PDF:

* the table of web sites and reasons for concern: every capture with a
  concern or a note, every flagged address (the stop), and every address
  named in a note of the pair's;
* quarantined captures are listed by time, address and hash only, and their
  bytes are never read (``case.read_capture`` is not even called);
* every device reviewed is a row (who was present, the items from it), and every file brought
  in is a row under its device (or as brought in); a flagged file is listed by its number and
  SHA-256 only (not its name, note or contents), and no file's bytes are ever read for the form;
* a sealed case prints no pictures at all (the design's "print the form
  without images"), only the list of captures;
* each visit, and each row of the table whose address is a recorded page, names the server that
  answered the page (its IP address and port) and its certificate's subject, from the page's
  recorded responses (the journal's summary of the main document's response; no blob is read);
* the visited-address log is every ``visit`` event, in order, up to
  :data:`VISIT_LIST_LIMIT`; a longer review prints a summary instead (how
  many, when, and each site with its number of visits), and the full list
  stays in the police export's journal. A form of thousands of pages of
  addresses is read by no one, and took a minute and 640 MB to make.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from evidence_app.policy.concerns import CSAM, ConcernTable, load_concerns
from evidence_app.policy.sanctions import SUBSTANCE, Conclusion, load_sanctions
from evidence_app.vault.events import Kind
from evidence_app.vault.state import Status
from evidence_app.vault.timestamps import utc_now

if TYPE_CHECKING:
    from evidence_app.case.kept import KeptPage
    from evidence_app.case.open_case import Case
    from evidence_app.case.records import Capture, CaseDetails

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)


@dataclass(frozen=True)
class Server:
    """Who answered a page: the document's server (IP address and port) and, over HTTPS, its certificate."""

    ip: str
    port: int
    subject: str = ""   # the certificate's subject ("" over plain HTTP)
    issuer: str = ""

    @property
    def address(self) -> str:
        if not self.ip:
            return "not recorded"
        return f"[{self.ip}]:{self.port}" if ":" in self.ip else f"{self.ip}:{self.port}"

    @staticmethod
    def of(summary: dict) -> Server | None:  # type: ignore[type-arg]
        """From a ``responses`` record's journal summary, or None if it names no document."""
        document = summary.get("document") if isinstance(summary, dict) else None
        if not isinstance(document, dict):
            return None
        tls = document.get("tls") if isinstance(document.get("tls"), dict) else {}
        return Server(str(document.get("ip", "")), int(document.get("port", 0) or 0),
                      str(tls.get("subject", "")), str(tls.get("issuer", "")))


@dataclass(frozen=True)
class ConcernRow:
    """One row of the form's table: a web site address or device, and the reason for concern."""

    where: str          # the address, or the device for a screen capture without one
    reason: str         # the policy's concern label, or the kind of record
    detail: str         # the pair's note
    time: str           # UTC
    reference: str      # capture id, or journal record number
    server: Server | None = None  # when the address is a page whose responses were recorded


@dataclass(frozen=True)
class Visit:
    seq: int
    time: str
    url: str
    title: str
    cause: str
    server: Server | None = None  # the server that answered this visit, from its recorded responses


@dataclass(frozen=True)
class SiteVisits:
    """One site (host) in the summary of a long review: how often, and when first and last."""

    site: str
    visits: int
    first: str
    last: str
    servers: tuple[str, ...] = ()   # the servers' IP addresses seen for the site (at most SERVER_LIMIT)


@dataclass(frozen=True)
class VisitSummary:
    """The visits of a review too long to list on paper."""

    total: int
    addresses: int           # distinct addresses
    first: str
    last: str
    sites: tuple[SiteVisits, ...]   # the busiest first, at most SITE_LIMIT
    sites_total: int


@dataclass(frozen=True)
class ExportRow:
    """An export for the police, as the custody record: when, to whom, and the bundle's SHA-256."""

    time: str
    to: str
    sha256: str
    record: int


@dataclass(frozen=True)
class ConclusionText:
    """The conclusion in words, labels looked up in the policy's tables."""

    substance: str
    subject: str
    incident: str
    actions: tuple[str, ...]
    action_text: str
    summary: str
    police: bool
    time: str


@dataclass(frozen=True)
class FormData:
    details: CaseDetails
    status: Status
    head: str
    records: int
    fingerprint: str
    made_at: str
    first_event: str
    last_event: str
    rows: tuple[ConcernRow, ...]
    captures: tuple[Capture, ...]
    visits: tuple[Visit, ...]           # empty when the review is summarised (see visit_summary)
    notes: tuple[tuple[str, str], ...]   # (time, text)
    conclusion: ConclusionText | None
    flagged: bool
    pictures: bool                      # False for a sealed case: no image is printed
    exports: tuple[ExportRow, ...] = ()
    visit_summary: VisitSummary | None = None
    kept: tuple[KeptPage, ...] = ()     # pages kept whole (MHTML and PDF): listed, never drawn


VISIT_LIST_LIMIT = 500
"""Up to this many visits the form lists each one; beyond, it prints a summary of sites."""
SITE_LIMIT = 200
SERVER_LIMIT = 4


def _site(url: str) -> str:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    return host or (url.split(":", 1)[0] + ":" if ":" in url[:20] else "(not a web address)")


def summarise_visits(visits: list[Visit]) -> VisitSummary:
    sites: dict[str, list] = {}
    for visit in visits:
        entry = sites.setdefault(_site(visit.url), [0, visit.time, visit.time, {}])
        entry[0] += 1
        entry[2] = visit.time
        if visit.server is not None and visit.server.ip:
            entry[3][visit.server.ip] = None
    ranked = sorted(sites.items(), key=lambda item: (-item[1][0], item[0]))
    return VisitSummary(total=len(visits), addresses=len({v.url for v in visits}), first=visits[0].time,
                        last=visits[-1].time, sites_total=len(sites),
                        sites=tuple(SiteVisits(site, n, first, last, tuple(ips)[:SERVER_LIMIT])
                                    for site, (n, first, last, ips) in ranked[:SITE_LIMIT]))


def page_servers(events: list) -> tuple[dict[int, Server], dict[str, Server]]:  # type: ignore[type-arg]
    """Each visit's server (by the visit's record number), and the last server seen for each page address.

    A page's responses are journaled after its visit, once it has settled: a ``responses`` record
    belongs to the earliest visit of its address that has none yet.
    """
    waiting: dict[str, list[int]] = {}
    by_visit: dict[int, Server] = {}
    by_url: dict[str, Server] = {}
    for event in events:
        if event.kind == Kind.VISIT:
            waiting.setdefault(event.data["url"], []).append(event.seq)
        elif event.kind == Kind.RESPONSES:
            server = Server.of(event.data.get("summary", {}))
            if server is None:
                continue
            by_url[event.data["page_url"]] = server
            if waiting.get(event.data["page_url"]):
                by_visit[waiting[event.data["page_url"]].pop(0)] = server
    return by_visit, by_url


def conclusion_text(conclusion: Conclusion, time: str) -> ConclusionText:
    tables = load_sanctions()
    table = tables.for_subject(conclusion.subject)
    incident = table.incident(conclusion.incident) if conclusion.incident else None
    labels = tuple((found.label if (found := table.action(a)) is not None else a) for a in conclusion.actions)
    return ConclusionText(
        substance=SUBSTANCE.get(conclusion.substance, conclusion.substance), subject=table.label,
        incident=incident.text if incident is not None else "", actions=labels,
        action_text=conclusion.action_text, summary=conclusion.summary,
        police=tables.police_action in conclusion.actions, time=time)


def _device(capture: Capture, details: CaseDetails) -> str:
    if capture.url:
        return capture.url
    return f"{capture.kind.capitalize()} capture on {details.computer_name or 'the review computer'}"


def _item_rows(case: Case, concerns: ConcernTable) -> list[ConcernRow]:
    """A row per device reviewed and per file brought in (a flagged file withheld but for its hash)."""
    devices = {d.id: d for d in case.devices()}
    items = case.items()
    names = {i.id: i.name for i in items if not i.quarantined}
    rows = [ConcernRow(where=f"Device: {d.description}", reason="Device reviewed",
                       detail=f"Present: {d.present}. Files from it: "
                              + (", ".join(f"{i} {names.get(i, '(withheld)')}" for i in d.items) or "none"),
                       time=d.added_at, reference=d.id) for d in devices.values()]
    for item in items:
        source = f"Device: {devices[item.device].description}" if item.device in devices else "File brought in"
        if item.quarantined:
            rows.append(ConcernRow(where=f"{source} · file {item.id} (withheld: flagged content)",
                                   reason=f"{concerns.label(CSAM)} (file quarantined: not shown)",
                                   detail=f"SHA-256 {item.sha256}", time=item.added_at, reference=item.id))
            continue
        within = f" (attached to {item.parent})" if item.parent else ""
        reason = concerns.label(item.concern) if item.concern else "Brought in as evidence"
        detail = "\n".join(part for part in (item.note, f"SHA-256 {item.sha256}",
                                            ("Personal data: " + "; ".join(item.personal_data))
                                            if item.personal_data else "") if part)
        rows.append(ConcernRow(where=f"{source} · {item.name}{within}", reason=reason, detail=detail,
                               time=item.added_at, reference=item.id))
    return rows


def gather(case: Case) -> FormData:
    """Everything the form prints, read once from ``case`` (no capture bytes are read here)."""
    details = case.details
    events = list(case.events())
    concerns = load_concerns()
    captures = tuple(case.captures())
    rows: list[ConcernRow] = []
    for capture in captures:
        if not (capture.concern or capture.note.strip()):
            continue
        reason = concerns.label(capture.concern) if capture.concern else "Noted by the reviewers"
        if capture.quarantined:
            reason = f"{reason} (capture quarantined: not shown)"
        rows.append(ConcernRow(where=_device(capture, details), reason=reason, detail=capture.note,
                               time=capture.captured_at, reference=capture.id))
    notes: list[tuple[str, str]] = []
    conclusion: ConclusionText | None = None
    exports: list[ExportRow] = []
    flagged = False
    for event in events:
        if event.kind == Kind.FLAGGED:
            flagged = True
            rows.append(ConcernRow(where=event.data["url"] or "(address not recorded)",
                                   reason="Suspected child sexual abuse images: investigation halted, "
                                          "refer to the police", detail=event.data.get("note", ""),
                                   time=event.time, reference=f"record {event.seq}"))
        elif event.kind == Kind.NOTE:
            notes.append((event.time, event.data["text"]))
            for url in dict.fromkeys(m.group(0).rstrip(".,;:)") for m in _URL.finditer(event.data["text"])):
                rows.append(ConcernRow(where=url, reason="Named in the reviewers' notes",
                                       detail=event.data["text"], time=event.time,
                                       reference=f"record {event.seq}"))
        elif event.kind == Kind.CONCLUDED:
            conclusion = conclusion_text(Conclusion.from_json(event.data), event.time)
        elif event.kind == Kind.EXPORTED:
            to = event.data.get("to")
            exports.append(ExportRow(event.time, f"{to['name']}, {to['force']}, reference {to['reference']}"
                                     if to else "not recorded", event.data["sha256"], event.seq))
    kept = tuple(case.kept_pages())
    for page in kept:
        if page.concern or page.note.strip():
            reason = concerns.label(page.concern) if page.concern else "Noted by the reviewers"
            if page.quarantined:
                reason = f"{reason} (kept page quarantined: not shown)"
            rows.append(ConcernRow(where=page.url, reason=reason, detail=page.note, time=page.kept_at,
                                   reference=page.id))
    rows.extend(_item_rows(case, concerns))
    by_visit, by_url = page_servers(events)
    rows = [replace(row, server=by_url[row.where]) if row.where in by_url else row for row in rows]
    rows.sort(key=lambda row: row.time)
    every_visit = [Visit(e.seq, e.time, e.data["url"], e.data.get("title", ""), e.data.get("cause", ""),
                         by_visit.get(e.seq)) for e in events if e.kind == Kind.VISIT]
    summary = summarise_visits(every_visit) if len(every_visit) > VISIT_LIST_LIMIT else None
    visits = () if summary is not None else tuple(every_visit)
    status = case.status
    return FormData(
        details=details, status=status, head=events[-1].hash, records=len(events),
        fingerprint=case.signing_key.fingerprint, made_at=utc_now(), first_event=events[0].time,
        last_event=events[-1].time, rows=tuple(rows), captures=captures, visits=visits, notes=tuple(notes),
        conclusion=conclusion, flagged=flagged, pictures=status is not Status.SEALED and not flagged,
        exports=tuple(exports), visit_summary=summary, kept=kept)
