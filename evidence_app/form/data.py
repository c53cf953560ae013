"""What goes on the form, read from the open case into plain frozen values.

Kept apart from the layout so the rules about *what* is printed are in one
short place and can be tested without reading a PDF:

* the table of web sites and reasons for concern: every capture with a
  concern or a note, every flagged address (the stop), and every address
  named in a note of the pair's;
* quarantined captures are listed by time, address and hash only, and their
  bytes are never read (``case.read_capture`` is not even called);
* a sealed case prints no pictures at all (the design's "print the form
  without images"), only the list of captures;
* the visited-address log is every ``visit`` event, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evidence_app.policy.concerns import load_concerns
from evidence_app.policy.sanctions import SUBSTANCE, Conclusion, load_sanctions
from evidence_app.vault.events import Kind
from evidence_app.vault.state import Status
from evidence_app.vault.timestamps import utc_now

if TYPE_CHECKING:
    from evidence_app.case.open_case import Case
    from evidence_app.case.records import Capture, CaseDetails

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)


@dataclass(frozen=True)
class ConcernRow:
    """One row of the form's table: a web site address or device, and the reason for concern."""

    where: str          # the address, or the device for a screen capture without one
    reason: str         # the policy's concern label, or the kind of record
    detail: str         # the pair's note
    time: str           # UTC
    reference: str      # capture id, or journal record number


@dataclass(frozen=True)
class Visit:
    seq: int
    time: str
    url: str
    title: str
    cause: str


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
    visits: tuple[Visit, ...]
    notes: tuple[tuple[str, str], ...]   # (time, text)
    conclusion: ConclusionText | None
    flagged: bool
    pictures: bool                      # False for a sealed case: no image is printed
    exports: tuple[ExportRow, ...] = ()


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
    rows.sort(key=lambda row: row.time)
    visits = tuple(Visit(e.seq, e.time, e.data["url"], e.data.get("title", ""), e.data.get("cause", ""))
                   for e in events if e.kind == Kind.VISIT)
    status = case.status
    return FormData(
        details=details, status=status, head=events[-1].hash, records=len(events),
        fingerprint=case.signing_key.fingerprint, made_at=utc_now(), first_event=events[0].time,
        last_event=events[-1].time, rows=tuple(rows), captures=captures, visits=visits, notes=tuple(notes),
        conclusion=conclusion, flagged=flagged, pictures=status is not Status.SEALED and not flagged,
        exports=tuple(exports))
