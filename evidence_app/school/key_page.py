"""The school key's printed page: the 24 words, a QR code of them, and what to do with it.

Made once, in memory, when the eSafeguarding coordinator creates the school
key (see :mod:`evidence_app.vault.school_key`); the application previews and prints
it and never writes it to disk. One A4 page: the words in a numbered grid (read
down each column), a vector QR code of the same words (no raster image), the
key's id and date, and plain instructions for the school safe.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from evidence_app.typesetting.qr import qr_drawing
from evidence_app.typesetting.text import MONO, SANS, SANS_BOLD, register_fonts
from evidence_app.vault.school_key import fingerprint
from evidence_app.vault.timestamps import parse_utc

WORDS = 24
COLUMNS = 3
MARGIN = 18 * mm
TITLE = "Evidence App: the school key"

INSTRUCTIONS = (
    "Keep this page in the school safe, in a sealed envelope signed across the flap. Do not photocopy, "
    "photograph or scan it, and do not type the words into any other computer.",
    "With this page, one investigator can open a case when the other investigator has left or is not "
    "available. It never opens a case alone: one investigator's passphrase is always needed too.",
    "The page also replaces the eSafeguarding coordinator's passphrase if that is forgotten: type the "
    "24 words where Evidence App asks for the coordinator's passphrase or the words.",
    "Every use of the school key is written in the case's journal and in the incident register.",
    "If this page may have been seen by someone else, tell the eSafeguarding coordinator at once.",
)


@dataclass(frozen=True)
class SchoolKeyPage:
    """What the page shows. ``words`` is the school key's secret: keep this value only while printing."""

    words: str
    key_id: str
    made_at: str            # UTC, as the journal writes it
    school_name: str = ""
    computer_name: str = ""


def _style(name: str, size: float, *, font: str = SANS, leading: float | None = None,
           color: colors.Color = colors.black, space_after: float = 0) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.3, textColor=color,
                          spaceAfter=space_after)


def _made_on(utc: str) -> str:
    moment = parse_utc(utc)
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def word_grid(words: list[str]) -> Table:
    """The words numbered 1 to 24, read down each column."""
    rows = WORDS // COLUMNS
    number = _style("number", 10, color=colors.HexColor("#555555"))
    word = _style("word", 15, font=MONO, leading=18)
    cells = []
    for row in range(rows):
        line = []
        for column in range(COLUMNS):
            index = column * rows + row
            line += [Paragraph(f"{index + 1}.", number), Paragraph(escape(words[index]), word)]
        cells.append(line)
    table = Table(cells, colWidths=[10 * mm, 45 * mm] * COLUMNS, rowHeights=9.5 * mm)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (0, -1), "RIGHT"), ("ALIGN", (2, 0), (2, -1), "RIGHT"), ("ALIGN", (4, 0), (4, -1), "RIGHT"),
        ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
        ("LINEBEFORE", (2, 0), (2, -1), 0.5, colors.HexColor("#999999")),
        ("LINEBEFORE", (4, 0), (4, -1), 0.5, colors.HexColor("#999999")),
        ("LINEBELOW", (0, 0), (-1, -2), 0.25, colors.HexColor("#cccccc")),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def build_page(page: SchoolKeyPage) -> bytes:
    """The page as PDF bytes (one A4 page)."""
    words = page.words.split()
    if len(words) != WORDS:
        raise ValueError(f"the school key has {WORDS} words, not {len(words)}")
    register_fonts()
    title = _style("title", 20, font=SANS_BOLD, space_after=2)
    sub = _style("sub", 11, color=colors.HexColor("#333333"), space_after=8)
    warn = _style("warn", 11.5, font=SANS_BOLD, color=colors.HexColor("#a31515"), space_after=6)
    body = _style("body", 10.5, leading=14, space_after=4)
    small = _style("small", 9, color=colors.HexColor("#444444"))
    school = escape(page.school_name) if page.school_name else "This school"
    details = [
        ["School", school],
        ["Fingerprint", f"<b>{fingerprint(page.key_id)}</b>"],
        ["Made on", _made_on(page.made_at)],
        ["Computer", escape(page.computer_name) or "the designated computer"],
        ["Signed", ""],
    ]
    facts = Table([[Paragraph(f"<b>{k}</b>", body), Paragraph(v, body)] for k, v in details],
                  colWidths=[27 * mm, 68 * mm], rowHeights=[None, None, None, None, 12 * mm])
    facts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (1, 4), (1, 4), 0.5, colors.black),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    top = Table([[facts, qr_drawing(" ".join(words), 52 * mm)]], colWidths=[100 * mm, None])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story = [
        Paragraph(TITLE, title),
        Paragraph("The third secret for the school's online-misuse investigations, kept by the eSafeguarding "
                  "coordinator (the headteacher).", sub),
        Paragraph("SECRET: keep in the school safe. Shown and printed once only.", warn),
        top,
        Spacer(1, 6 * mm),
        Paragraph("<b>The 24 words</b> (read down each column, in number order)", body),
        KeepTogether([word_grid(words)]),
        Spacer(1, 6 * mm),
        Paragraph("<b>What to do with this page</b>", body),
        *[Paragraph(f"{n}. {escape(text)}", body) for n, text in enumerate(INSTRUCTIONS, start=1)],
        Spacer(1, 4 * mm),
        Paragraph("The QR code holds the same 24 words. Only the words are secret. Evidence App shows the "
                  "fingerprint when a case is made: a different one means the school key was changed.", small),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=f"{TITLE} ({page.key_id})", author="Evidence App",
                            creator="Evidence App", subject="School key for the school safe")
    doc.build(story)
    return buffer.getvalue()
