"""The incident register as a printable PDF: the policy's reporting log, one row per entry.

A landscape A4 table with the columns of :data:`evidence_app.school.register.COLUMNS`
(date, time, case, incident, action taken: what and by whom, reported by), the
heading row repeated on every page, and "Page x of y" with the school's name
on each page. Made in memory from entries already decrypted with the school
key; the file it is saved to is outside any encryption (the caller warns).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from evidence_app.school.register import COLUMNS, RegisterEntry, rows
from evidence_app.typesetting.text import SANS, SANS_BOLD, markup, register_fonts
from evidence_app.vault.school_key import fingerprint
from evidence_app.vault.timestamps import format_utc

PAGE = landscape(A4)
MARGIN = 14 * mm
TITLE = "eSafeguarding incident log"
WIDTHS_MM = (21, 19, 39, 60, 65, 38, 27)  # sums to the page's 269 mm between the margins
CELL_LIMIT = 2_000


@dataclass(frozen=True)
class RegisterDocument:
    """What the PDF shows besides the entries."""

    school_name: str = ""
    made_at: str = ""       # UTC; now when empty
    key_id: str = ""


def _style(name: str, size: float, *, font: str = SANS, color: colors.Color = colors.black) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, textColor=color,
                          spaceAfter=3)


def _canvas(footer: str) -> type[rl_canvas.Canvas]:
    """A canvas that holds its pages back until the end, to print "Page x of y" on each."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._pages: list[dict[str, object]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.saveState()
                self.setFont(SANS, 8)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(MARGIN, 8 * mm, footer)
                self.setFont(SANS_BOLD, 8)
                self.drawRightString(PAGE[0] - MARGIN, 8 * mm, f"Page {number} of {total}")
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def build_register_pdf(entries: Sequence[RegisterEntry], document: RegisterDocument = RegisterDocument()) -> bytes:
    """The register as PDF bytes."""
    register_fonts()
    made_at = document.made_at or format_utc(datetime.now(timezone.utc))
    school = document.school_name.strip()
    head = _style("head", 8.5, font=SANS_BOLD)
    cell = _style("cell", 8.5)
    title = _style("title", 16, font=SANS_BOLD)
    sub = _style("sub", 9.5, color=colors.HexColor("#333333"))
    table_rows = [[Paragraph(markup(name), head) for name in COLUMNS]]
    table_rows += [[Paragraph(markup(value, limit=CELL_LIMIT), cell) for value in row] for row in rows(list(entries))]
    if len(table_rows) == 1:
        table_rows.append([Paragraph("No entries yet.", cell)] + [""] * (len(COLUMNS) - 1))
    table = LongTable(table_rows, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=1)
    empty = [("SPAN", (0, 1), (-1, 1))] if not entries else []
    table.setStyle(TableStyle(empty + [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    made = made_at[:10] + " " + made_at[11:16] + " UTC"
    story = [
        Paragraph(markup(f"{TITLE}{': ' + school if school else ''}"), title),
        Paragraph(markup(f"Every investigation on this computer, as recorded by Evidence App. {len(entries)} "
                         f"entr{'y' if len(entries) == 1 else 'ies'}; printed {made}"
                         + (f" from the register of the school key with fingerprint {fingerprint(document.key_id)}"
                            if document.key_id else "")
                         + ". Times are UTC. No pupil's name is recorded here: see each case by its id."), sub),
        Spacer(1, 3 * mm),
        table,
    ]
    footer = f"{TITLE}{' · ' + school if school else ''} · printed {made} · confidential: keep securely"
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 2 * mm, title=TITLE, author="Evidence App",
                            creator="Evidence App", subject="The school's eSafeguarding incident log")
    doc.build(story, canvasmaker=_canvas(footer))
    return buffer.getvalue()
