"""The form's pages (reportlab): the policy's record, then the appendices of evidence.

Page one onwards is the policy's "Record of reviewing devices / internet
sites (responding to incidents of misuse)": group, date, reason for
investigation, the two reviewing people (name, position, a signature line and
a date line each), the name and location of the computer used, the table of
web site addresses / devices and reasons for concern, and the conclusion and
action proposed or taken. The appendices follow: each screenshot with its
address, UTC time, SHA-256 and note; the quarantined captures (listed, never
shown); the log of visited addresses.

Every page carries the case id, "Page x of y" and, in its footer, the
journal's head hash; page one carries a vector QR code of the case id and
head hash and the fingerprint of the case key that signs the file.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from evidence_app.case.records import Capture
from evidence_app.form.data import ConcernRow, FormData, Server, VisitSummary
from evidence_app.form.images import UNREADABLE, CaptureImage, PdfImage
from evidence_app.typesetting.qr import qr_drawing
from evidence_app.typesetting.text import MONO, SANS, SANS_BOLD, TextBlock, markup, register_fonts
from evidence_app.vault.state import Status
from evidence_app.vault.timestamps import parse_utc

TITLE = "Record of reviewing devices / internet sites"
SUBTITLE = "(responding to incidents of misuse)"
PAGE = A4
MARGIN = 16 * mm
TOP = 20 * mm
BOTTOM = 20 * mm
WIDTH = PAGE[0] - 2 * MARGIN
FRAME_HEIGHT = PAGE[1] - TOP - BOTTOM
INK = colors.HexColor("#1a1a1a")
GREY = colors.HexColor("#5f5f5f")
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#eeeeee")
ALERT = colors.HexColor("#9b1c1c")
URL_LIMIT = 600     # characters of an address printed in tables; the journal keeps all
NOTE_LIMIT = 4_000
TABLE_NOTE_LIMIT = 400  # a note in the table of concerns; the capture's page prints more
SERVER_LIMIT = 300  # characters of a server's line (a certificate's subject); the export keeps all


def _style(name: str, size: float = 9, *, font: str = SANS, leading: float | None = None,
           color: colors.Color = INK, **extra: object) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.28,
                          textColor=color, **extra)  # type: ignore[arg-type]


class Styles:
    """The form's paragraph styles (made after the fonts are registered)."""

    def __init__(self) -> None:
        register_fonts()
        self.title = _style("title", 16, font=SANS_BOLD, leading=19)
        self.subtitle = _style("subtitle", 10.5, leading=13, color=GREY)
        self.h1 = _style("h1", 12, font=SANS_BOLD, leading=15, spaceBefore=9, spaceAfter=4, keepWithNext=1)
        self.h2 = _style("h2", 10, font=SANS_BOLD, leading=12.5, spaceBefore=4, spaceAfter=2)
        self.body = _style("body", 9)
        self.label = _style("label", 8.5, font=SANS_BOLD, leading=11)
        self.small = _style("small", 7.5, leading=9.4)
        self.small_grey = _style("small-grey", 7.5, leading=9.4, color=GREY)
        self.cell = _style("cell", 8, leading=10)
        self.cell_bold = _style("cell-bold", 8, font=SANS_BOLD, leading=10)
        self.mono = _style("mono", 7.2, font=MONO, leading=9)
        self.alert = _style("alert", 9.5, font=SANS_BOLD, leading=12, color=ALERT)
        self.right_small = _style("right-small", 7.5, leading=9.4, alignment=TA_RIGHT)
        self.qr_caption = _style("qr-caption", 6.5, leading=8, color=GREY, alignment=TA_CENTER)


def when(utc: str, *, seconds: bool = True) -> str:
    """``2026-11-23T05:02:49.123Z`` as ``23 Nov 2026 05:02:49 UTC``."""
    try:
        moment = parse_utc(utc)
    except ValueError:
        return utc
    return moment.strftime("%d %b %Y %H:%M:%S UTC" if seconds else "%d %b %Y %H:%M UTC")


def day(utc: str) -> str:
    try:
        return parse_utc(utc).strftime("%d %B %Y")
    except ValueError:
        return utc


def _grid(extra: list[tuple] | None = None, header: bool = False) -> TableStyle:  # type: ignore[type-arg]
    commands: list[tuple] = [  # type: ignore[type-arg]
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    return TableStyle(commands + (extra or []))


def qr_value(data: FormData) -> str:
    return f"evidence-app:case={data.details.id};head={data.head}"


class _Layout:
    def __init__(self, data: FormData, images: dict[str, PdfImage]) -> None:
        self.data = data
        self.images = images
        self.s = Styles()

    def text(self, value: str, style: ParagraphStyle | None = None, limit: int = NOTE_LIMIT) -> Flowable:
        return TextBlock(value, style or self.s.body, limit=limit)

    def para(self, value: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(markup(value), style or self.s.body)

    # ---------------------------------------------------------------- page one

    def heading(self) -> list[Flowable]:
        d = self.data
        s = self.s
        status = {Status.OPEN: "Case still open: this is a draft record.",
                  Status.CONCLUDED: "Case concluded.",
                  Status.SEALED: "Case SEALED: suspected child sexual abuse images. The investigation was "
                                 "halted and must be referred to the police. No image is printed."}
        left: list[Flowable] = [Paragraph(TITLE, s.title), Paragraph(SUBTITLE, s.subtitle), Spacer(1, 5),
                                self.para(f"Case {d.details.id}", s.label),
                                self.para(status.get(d.status, str(d.status)),
                                          s.alert if d.status is Status.SEALED else s.body)]
        qr = [qr_drawing(qr_value(d), 27 * mm),
              Paragraph("Case id and journal head", s.qr_caption)]
        table = Table([[left, qr]], colWidths=[WIDTH - 32 * mm, 32 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("ALIGN", (1, 0), (1, 0), "CENTER")]))
        return [table, Spacer(1, 3)]

    def signature_notice(self) -> list[Flowable]:
        d = self.data
        s = self.s
        rows = [[Paragraph("This file is signed digitally with the case's own key. A PDF reader shows the "
                           "signature; any change to the file makes it invalid. Key fingerprint (SHA-256 of "
                           "the Ed25519 public key):", s.small)],
                [Paragraph(d.fingerprint, s.mono)],
                [Paragraph(f"Journal head when this form was made ({d.records} records, "
                           f"{when(d.made_at)}):", s.small)],
                [Paragraph(d.head, s.mono)]]
        table = Table(rows, colWidths=[WIDTH])
        table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, RULE), ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                                   ("TOPPADDING", (0, 0), (-1, -1), 1.2), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 5)]))
        return [table, Spacer(1, 6)]

    def fields(self) -> list[Flowable]:
        d = self.data
        s = self.s
        details = d.details
        computer = ", ".join(part for part in (details.computer_name, details.computer_location) if part)
        dates = (f"{day(d.first_event)}  (review opened {when(d.first_event, seconds=False)}; "
                 f"last record {when(d.last_event, seconds=False)})")
        rows = [
            ("Group", self.text(details.group)),
            ("Date", self.para(dates)),
            ("Reason for investigation", self.text(details.reason)),
            ("Subject of the review", self.text(details.subject or "Not recorded")),
            ("Name and location of the computer used for review", self.text(computer or "Not recorded")),
        ]
        table = Table([[Paragraph(label, s.label), value] for label, value in rows],
                      colWidths=[52 * mm, WIDTH - 52 * mm])
        table.setStyle(_grid([("BACKGROUND", (0, 0), (0, -1), SHADE)]))
        return [table, Spacer(1, 6)]

    def reviewers(self) -> list[Flowable]:
        s = self.s
        blocks = []
        for title, person in zip(("First reviewing person", "Second reviewing person"),
                                 self.data.details.investigators):
            inner = Table([
                [Paragraph("Name", s.label), self.text(person.name, s.body)],
                [Paragraph("Position", s.label), self.text(person.position, s.body)],
                [Paragraph("Signature", s.label), ""],
                [Paragraph("Date", s.label), ""],
            ], colWidths=[21 * mm, WIDTH / 2 - 21 * mm - 8], rowHeights=[None, None, 15 * mm, 8 * mm])
            inner.setStyle(TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("VALIGN", (0, 2), (0, 3), "BOTTOM"),
                ("LINEBELOW", (1, 2), (1, 3), 0.7, INK), ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
            blocks.append([Paragraph(title, s.h2), inner])
        table = Table([blocks], colWidths=[WIDTH / 2, WIDTH / 2])
        table.setStyle(_grid([("LEFTPADDING", (0, 0), (-1, -1), 3)]))
        return [KeepTogether([table]), Spacer(1, 6)]

    def concern_table(self) -> list[Flowable]:
        s = self.s
        out: list[Flowable] = [Paragraph("Web site address / device and reason for concern", s.h1)]
        rows = self.data.rows
        if not rows:
            out.append(Paragraph("No web site or device was marked as a concern during the review "
                                 "(no screenshot with a concern or a note, no address flagged).", s.body))
            return out
        head = [Paragraph(t, s.cell_bold) for t in ("Web site address / device", "Reason for concern",
                                                     "Recorded (UTC)")]
        body = [head] + [self._concern_row(row) for row in rows]
        table = LongTable(body, colWidths=[WIDTH * 0.44, WIDTH * 0.38, WIDTH * 0.18], repeatRows=1)
        table.setStyle(_grid(header=True))
        out.append(table)
        return out

    def _concern_row(self, row: ConcernRow) -> list[Flowable]:
        s = self.s
        reason: list[Flowable] = [self.text(row.reason, s.cell_bold)]
        if row.detail.strip():
            reason.append(self.text(row.detail, s.cell, limit=TABLE_NOTE_LIMIT))
        where: list[Flowable] = [self.text(row.where, s.cell, limit=URL_LIMIT)]
        if row.server is not None:
            where.append(self.text(f"Server {row.server.address}; "
                                   + (f"certificate: {row.server.subject}" if row.server.subject
                                      else "no certificate (not HTTPS)"), s.small_grey, limit=SERVER_LIMIT))
        return [where, reason, self.para(f"{when(row.time)}\n{row.reference}", s.small)]

    def _server_cell(self, server: Server | None) -> list[Flowable]:
        """A visit's server: its IP address and port, and the certificate's subject and issuer."""
        s = self.s
        if server is None:
            return [Paragraph("not recorded", s.small_grey)]
        cell: list[Flowable] = [self.text(server.address, s.small, limit=SERVER_LIMIT)]
        if server.subject:
            cell.append(self.text(server.subject, s.small, limit=SERVER_LIMIT))
            if server.issuer:
                cell.append(self.text(f"issued by {server.issuer}", s.small_grey, limit=SERVER_LIMIT))
        else:
            cell.append(Paragraph("no certificate (not HTTPS)", s.small_grey))
        return cell

    def conclusion(self) -> list[Flowable]:
        s = self.s
        c = self.data.conclusion
        out: list[Flowable] = [CondPageBreak(60 * mm), Paragraph("Conclusion and action proposed or taken", s.h1)]
        if c is None:
            out.append(Paragraph("Not yet concluded in Evidence App. If the review is finished, write the "
                                 "conclusion and the action proposed or taken here by hand:", s.body))
            lines = Table([[""]] * 6, colWidths=[WIDTH], rowHeights=[8 * mm] * 6)
            lines.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.6, RULE)]))
            out.append(lines)
            return out
        actions: list[Flowable] = [Paragraph("☒ " + markup(label), s.body) for label in c.actions] or [
            Paragraph("None ticked from the policy's table.", s.body)]
        rows = [
            ("Does the concern have substance?", self.para(c.substance)),
            ("About", self.para(c.subject)),
            ("Incident (policy's table)", self.text(c.incident or "None chosen from the table")),
            ("Actions (policy's sanctions table)", actions),
            ("Action proposed or taken", self.text(c.action_text or "—")),
            ("Conclusion", self.text(c.summary or "—")),
            ("Recorded", self.para(when(c.time))),
        ]
        table = Table([[Paragraph(label, s.label), value] for label, value in rows],
                      colWidths=[52 * mm, WIDTH - 52 * mm])
        table.setStyle(_grid([("BACKGROUND", (0, 0), (0, -1), SHADE)]))
        if c.police:
            out.append(Paragraph("The case has been referred to the police. Keep this form and the evidence "
                                 "export for them; do not change the computer under review.", s.alert))
            out.append(Spacer(1, 3))
        out.append(table)
        return out

    def exports(self) -> list[Flowable]:
        """The custody record of every police export: what the officer can match against CASE.sha256."""
        if not self.data.exports:
            return []
        s = self.s
        body = [[Paragraph(t, s.cell_bold) for t in ("Exported (UTC)", "To", "SHA-256 of the .evidence.age file")]]
        body += [[self.para(when(row.time), s.small), self.text(row.to, s.cell), Paragraph(row.sha256, s.mono)]
                 for row in self.data.exports]
        table = LongTable(body, colWidths=[26 * mm, 44 * mm, WIDTH - 70 * mm], repeatRows=1)
        table.setStyle(_grid(header=True))
        return [CondPageBreak(40 * mm), Paragraph("Evidence exported for the police", s.h1),
                Paragraph("Each export's encrypted file must have this SHA-256 (its CASE.sha256 file says the "
                          "same; sha256sum -c checks it).", s.body), Spacer(1, 3), table]

    def notes(self) -> list[Flowable]:
        if not self.data.notes:
            return []
        s = self.s
        body = [[Paragraph("Time (UTC)", s.cell_bold), Paragraph("Note", s.cell_bold)]]
        body += [[self.para(when(t), s.small), self.text(text, s.cell)] for t, text in self.data.notes]
        table = LongTable(body, colWidths=[32 * mm, WIDTH - 32 * mm], repeatRows=1)
        table.setStyle(_grid(header=True))
        return [Paragraph("Notes made during the review", s.h1), table]

    def kept(self) -> list[Flowable]:
        """Pages kept whole: listed by time, address, note and the SHA-256 of each file (never drawn)."""
        if not self.data.kept:
            return []
        s = self.s
        body = [[Paragraph(t, s.cell_bold) for t in ("Page", "Kept (UTC)", "Address, note and SHA-256 of each file")]]
        for page in self.data.kept:
            cell: list[Flowable] = [self.text(page.url, s.cell, limit=URL_LIMIT)]
            if page.quarantined:
                cell.append(Paragraph("Withheld for the police: never shown, printed or copied.", s.small))
            elif page.note.strip():
                cell.append(self.text(f"Note: {page.note}", s.cell))
            cell += [Paragraph(f"{fmt.upper()} {sha}", s.mono) for fmt, sha, _size in page.files]
            if page.incomplete:
                cell.append(self.text(f"Picture incomplete: {page.incomplete}", s.small))
            body.append([Paragraph(page.id, s.cell), Paragraph(when(page.kept_at), s.small), cell])
        table = LongTable(body, colWidths=[18 * mm, 34 * mm, WIDTH - 52 * mm], repeatRows=1)
        table.setStyle(_grid(header=True))
        return [CondPageBreak(40 * mm), Paragraph(f"Pages kept whole ({len(self.data.kept)})", s.h1),
                Paragraph("Each page the reviewers chose to keep is in the digital case and the police export as "
                          "a web archive (MHTML, with its pictures), a PDF and a picture of the whole page (PNG); "
                          "they are not printed here.", s.body),
                Spacer(1, 3), table]

    # ---------------------------------------------------------------- appendices

    def captures(self) -> Iterable[Flowable]:
        s = self.s
        shown = [c for c in self.data.captures if not c.quarantined]
        out: list[Flowable] = [PageBreak(), Paragraph(f"Appendix A: screenshots ({len(shown)})", s.h1)]
        if not self.data.pictures:
            out.append(Paragraph("This case is sealed because child sexual abuse images were suspected, so no "
                                 "screenshot is printed. Each is listed by time, address and SHA-256; the "
                                 "evidence stays in the encrypted case for the police.", s.alert))
        else:
            out.append(Paragraph("Each screenshot is printed from the bytes stored in the case. Its SHA-256 is "
                                 "the hash recorded when it was taken. The policy allows screenshots to be "
                                 "printed, signed and attached to this form: initial each one.", s.body))
        out.append(Spacer(1, 6))
        if not shown:
            out.append(Paragraph("No screenshots were taken.", s.body))
        return _Lazy(out, (flowable for capture in shown for flowable in (*self._capture(capture), ProgressMark())))

    def _capture(self, capture: Capture) -> list[Flowable]:
        s = self.s
        from evidence_app.policy.concerns import load_concerns

        concern = load_concerns().label(capture.concern) if capture.concern else "None chosen"
        rows = [
            [Paragraph(f"{capture.id} · {capture.kind} · {when(capture.captured_at)}", s.cell_bold),
             Paragraph("Initials: ________ ________", s.right_small)],
            [self.text(capture.url or "(no address: not a web page)", s.cell, limit=URL_LIMIT), ""],
            [Paragraph(f"SHA-256 {capture.sha256}", s.mono), ""],
            [self.text(f"Reason for concern: {concern}", s.cell), ""],
        ]
        if capture.note.strip():
            rows.append([self.text(f"Note: {capture.note}", s.cell), ""])
        if capture.incomplete:  # said by the browser when it drew the page, journaled with the capture
            rows.append([self.text(f"Picture incomplete: {capture.incomplete}", s.cell), ""])
        meta = Table(rows, colWidths=[WIDTH * 0.72, WIDTH * 0.28])
        meta.setStyle(TableStyle([
            *[("SPAN", (0, row), (1, row)) for row in range(1, len(rows))],
            ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("BOX", (0, 0), (-1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
        image = self.images.get(capture.id) if self.data.pictures else None
        if image is UNREADABLE:
            return [KeepTogether([meta, Paragraph(
                "Picture not printed: its bytes are not an image this form can draw. The original is kept, "
                "unchanged, in the digital case and in the police export, with the SHA-256 above.", self.s.small)]),
                Spacer(1, 5)]
        if image is None:
            if self.data.pictures:
                return [KeepTogether([meta, Paragraph(
                    "Picture not printed: this form already holds as many pictures as it can. The original "
                    "is kept in the digital case and in the police export, with the SHA-256 above.", self.s.small)]),
                    Spacer(1, 5)]
            return [KeepTogether([meta]), Spacer(1, 5)]
        picture = CaptureImage(image, whole_page=FRAME_HEIGHT - meta_height(meta) - 4)
        _, picture_height = picture.wrap(WIDTH, FRAME_HEIGHT)
        # The details stay with the top of their picture; only a picture taller than a page runs on.
        keep = meta_height(meta) + 2 + min(picture_height, FRAME_HEIGHT / 2)
        return [CondPageBreak(keep), meta, Spacer(1, 2), picture, Spacer(1, 10)]

    def quarantined(self) -> list[Flowable]:
        s = self.s
        held = [c for c in self.data.captures if c.quarantined]
        if not held:
            return []
        out: list[Flowable] = [CondPageBreak(50 * mm),
                               Paragraph(f"Appendix B: quarantined captures ({len(held)})", s.h1),
                               Paragraph("Taken of content later flagged as suspected child sexual abuse images. "
                                         "They are never shown, printed or copied; they are kept encrypted for "
                                         "the police. Listed by time, address and hash only.", s.body),
                               Spacer(1, 3)]
        body = [[Paragraph(t, s.cell_bold) for t in ("Capture", "Taken (UTC)", "Address and SHA-256")]]
        for capture in held:
            body.append([Paragraph(capture.id, s.cell), Paragraph(when(capture.captured_at), s.small),
                         [self.text(capture.url or "(no address)", s.cell, limit=URL_LIMIT),
                          Paragraph(capture.sha256, s.mono)]])
        table = LongTable(body, colWidths=[18 * mm, 34 * mm, WIDTH - 52 * mm], repeatRows=1)
        table.setStyle(_grid(header=True))
        out.append(table)
        return out

    def _visit_summary(self, letter: str, summary: VisitSummary) -> list[Flowable]:
        s = self.s
        shown = len(summary.sites)
        out: list[Flowable] = [
            PageBreak(),
            Paragraph(f"Appendix {letter}: summary of visited addresses ({summary.total:,} visits)", s.h1),
            Paragraph(f"The review browser opened {summary.total:,} addresses ({summary.addresses:,} different) "
                      f"on {summary.sites_total:,} sites, from {when(summary.first)} to {when(summary.last)}. "
                      "That is too many to print one by one, so each site is listed with its number of visits"
                      + (f" (the {shown} visited most)" if shown < summary.sites_total else "") + ". "
                      "The full list, in order, with every address, time and page title, is in the police "
                      "export: journal/journal.jsonl, each record of kind \"visit\", under the journal head "
                      "printed on this form.", s.body),
            Spacer(1, 3)]
        body = [[Paragraph(t, s.cell_bold) for t in ("Visits", "First and last (UTC)", "Site and its servers (IP)")]]
        for site in summary.sites:
            cell: list[Flowable] = [self.text(site.site, s.cell, limit=URL_LIMIT)]
            if site.servers:
                cell.append(self.text("Servers: " + ", ".join(site.servers), s.small_grey, limit=SERVER_LIMIT))
            body.append([Paragraph(f"{site.visits:,}", s.small),
                         Paragraph(f"{when(site.first)}<br/>{when(site.last)}", s.small), cell])
        table = LongTable(body, colWidths=[16 * mm, 40 * mm, WIDTH - 56 * mm], repeatRows=1)
        table.setStyle(_grid(header=True))
        out.append(table)
        return out

    def visits(self) -> list[Flowable]:
        s = self.s
        letter = "C" if any(c.quarantined for c in self.data.captures) else "B"
        if self.data.visit_summary is not None:
            return self._visit_summary(letter, self.data.visit_summary)
        out: list[Flowable] = [PageBreak(),
                               Paragraph(f"Appendix {letter}: log of visited addresses "
                                         f"({len(self.data.visits)})", s.h1),
                               Paragraph("Every address the review browser opened, in order, from the case's "
                                         "journal (record number, time, address, page title), with the server "
                                         "that answered the page: its IP address and port, and its certificate "
                                         "(from the page's recorded responses; each response is in the police "
                                         "export).", s.body),
                               Spacer(1, 3)]
        if not self.data.visits:
            out.append(Paragraph("No web site was visited in this case.", s.body))
            return out
        body = [[Paragraph(t, s.cell_bold) for t in ("Record", "Time (UTC)", "Address and page title",
                                                     "Server (IP) and certificate")]]
        for visit in self.data.visits:
            cell: list[Flowable] = [self.text(visit.url, s.cell, limit=URL_LIMIT)]
            if visit.title.strip():
                cell.append(self.text(visit.title, s.small_grey, limit=300))
            body.append([Paragraph(str(visit.seq), s.small), Paragraph(when(visit.time), s.small), cell,
                         self._server_cell(visit.server)])
        table = LongTable(body, colWidths=[15 * mm, 26 * mm, WIDTH - 89 * mm, 48 * mm], repeatRows=1)
        table.setStyle(_grid(header=True))
        out.append(table)
        return out


class _Lazy:
    """Flowables made as they are reached: a few at the front, the rest from a generator."""

    def __init__(self, first: list[Flowable], rest: Iterator[Flowable]) -> None:
        self.first = first
        self.rest = rest

    def __iter__(self) -> Iterator[Flowable]:
        yield from self.first
        yield from self.rest


class LazyStory(list):  # type: ignore[type-arg]
    """The story handed to reportlab, made a few flowables ahead of the one being laid out.

    reportlab takes flowables from the front of a list (``len``, ``[0]``, ``del [0]``, and
    puts split parts back at the front), so a list that tops itself up from a generator
    whenever it is measured or read keeps only what is about to be laid out in memory:
    a case of 2,000 captures no longer holds 6,000 laid-out flowables (30 MB) at once.
    """

    AHEAD = 64

    def __init__(self, source: Iterable[Flowable]) -> None:
        super().__init__()
        self._source: Iterator[Flowable] | None = iter(source)

    def _top_up(self) -> None:
        while self._source is not None and list.__len__(self) < self.AHEAD:
            item = next(self._source, None)
            if item is None:
                self._source = None
            else:
                list.append(self, item)

    def __len__(self) -> int:
        self._top_up()
        return list.__len__(self)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        self._top_up()
        return list.__getitem__(self, index)

    def __bool__(self) -> bool:
        return len(self) > 0


class ProgressMark(Flowable):
    """Takes no room; laying it out tells the progress callback one more capture is placed."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        pass


class _Document(BaseDocTemplate):
    def __init__(self, tick: Callable[[], None], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._tick = tick

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
        if isinstance(flowable, ProgressMark):
            self._tick()


def meta_height(table: Table) -> float:
    _, height = table.wrap(WIDTH, PAGE[1])
    return height


def canvas_class(data: FormData) -> type[rl_canvas.Canvas]:
    """A canvas that holds its pages back until the end, to print "Page x of y" on each."""
    case_id = data.details.id
    head = data.head
    made = when(data.made_at, seconds=False)

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._pages: list[dict[str, object]] = []

        def showPage(self) -> None:  # noqa: N802
            state = dict(self.__dict__)
            # One string a page, not hundreds of small ones: the same bytes in the PDF (reportlab joins
            # a page's code with newlines), at a fraction of the memory for a form of thousands of pages.
            state["_code"] = ["\n".join(self._code)] if self._code else []
            self._pages.append(state)
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            width, height = PAGE
            self.saveState()
            self.setFillColor(GREY)
            self.setFont(SANS, 7.5)
            self.drawString(MARGIN, height - 11 * mm, f"{TITLE}  ·  Case {case_id}")
            self.setFont(SANS_BOLD, 8)
            self.drawRightString(width - MARGIN, height - 11 * mm, f"Page {number} of {total}")
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, height - 12.5 * mm, width - MARGIN, height - 12.5 * mm)
            self.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
            self.setFont(MONO, 6.6)
            self.drawString(MARGIN, 10.5 * mm, f"Journal head {head}")
            self.setFont(SANS, 6.6)
            self.drawString(MARGIN, 7 * mm, f"Case {case_id}  ·  made {made} by Evidence App  ·  "
                                            "signed digitally with the case key")
            self.drawRightString(width - MARGIN, 7 * mm, f"Page {number} of {total}")
            self.restoreState()

    return NumberedCanvas


def build_pdf(data: FormData, images: dict[str, PdfImage], *, tick: Callable[[], None] = lambda: None) -> bytes:
    """The unsigned PDF. ``images`` maps capture id to picture (absent: printed without one).

    ``tick()`` is called as each capture is placed on its page.
    """
    layout = _Layout(data, images)
    parts: list[Callable[[], Iterable[Flowable]]] = [
        layout.heading, layout.signature_notice, layout.fields, layout.reviewers, layout.concern_table,
        layout.conclusion, layout.exports, layout.notes, layout.kept, layout.captures, layout.quarantined, layout.visits]
    story = LazyStory(flowable for part in parts for flowable in part())
    buffer = io.BytesIO()
    doc = _Document(tick,
        buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP, bottomMargin=BOTTOM,
        title=f"{TITLE}: case {data.details.id}", author="Evidence App", subject=SUBTITLE,
        creator="Evidence App", keywords=f"case {data.details.id}; journal head {data.head}")
    frame = Frame(MARGIN, BOTTOM, WIDTH, FRAME_HEIGHT, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="form", frames=[frame])])
    doc.build(story, canvasmaker=canvas_class(data))
    return buffer.getvalue()
