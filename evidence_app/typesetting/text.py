"""Text on the form: the Unicode font, characters it lacks, and paragraphs that wrap in any script.

The form uses DejaVu Sans (Latin with every Welsh and Polish letter, Greek,
Cyrillic, Hebrew, Arabic and many symbols), bundled under
``resources/fonts/`` with its licence; the system's copy is the fallback.

* Characters the font lacks, and every character outside the Basic
  Multilingual Plane (most emoji: reportlab writes a broken text layer for
  those), are printed as their Unicode name in brackets, e.g. ``[THUMBS UP
  SIGN]``, so nothing is lost or mis-copied. Control characters and emoji
  variation selectors are dropped.
* Right-to-left text is shaped and reordered (:mod:`evidence_app.typesetting.bidi`)
  after the line breaks are chosen, so a wrapped Arabic note reads in the
  right order on every line.
* Text is capped (:data:`MAX_CHARS`) so a million-character note cannot make
  a thousand-page form; the cap is said on the form, the journal keeps all.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph

from evidence_app.errors import EvidenceError
from evidence_app.typesetting.bidi import display_line, has_rtl, paragraph_is_rtl

SANS = "EvidenceSans"
SANS_BOLD = "EvidenceSans-Bold"
MONO = "EvidenceMono"
FAMILY = "EvidenceSansFamily"
_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}
_SYSTEM_FOLDERS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
                   Path("/usr/local/share/fonts"), Path("C:/Windows/Fonts"), Path("/Library/Fonts"))
MAX_CHARS = 4_000
_DROPPED = {"\ufe0e", "\ufe0f", "\u200b", "\u2060", "\ufeff"}


class FontMissing(EvidenceError):
    """The form's font could not be found."""


def font_folder() -> Path:
    from resources import resource_path

    return resource_path("fonts")


def _find(file_name: str) -> Path:
    for folder in (font_folder(), *_SYSTEM_FOLDERS):
        candidate = folder / file_name
        if candidate.is_file():
            return candidate
    raise FontMissing(f"The form cannot be made: its font {file_name} is missing. "
                      "Reinstall Evidence App (or install the DejaVu fonts).")


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the form's three fonts with reportlab (once per process)."""
    from reportlab.lib.fonts import addMapping

    for name, file_name in _FILES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(_find(file_name))))
    pdfmetrics.registerFontFamily(FAMILY, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD)
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS)
    addMapping(SANS, 1, 1, SANS_BOLD)


@lru_cache(maxsize=8)
def covered(font_name: str) -> frozenset[int]:
    """The code points ``font_name`` has a glyph for."""
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)  # type: ignore[attr-defined]


def _fallback(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"[{name}]" if name else f"[U+{ord(ch):04X}]"


def printable(text: str, font_name: str = SANS, limit: int = MAX_CHARS) -> str:
    """``text`` with what the font cannot show spelled out, and capped at ``limit`` characters."""
    have = covered(font_name)
    cut = len(text) - limit if len(text) > limit else 0
    if cut:
        text = text[:limit]
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if ch in "\n\t":
            out.append(" " if ch == "\t" else ch)
        elif ch in _DROPPED or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            continue
        elif ch == "\u200d" or ch == "\u200c":
            out.append(ch)  # joiners steer Arabic shaping; removed after it
        elif code > 0xFFFF or code not in have:
            if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
                continue  # an invisible mark or format character the font lacks
            out.append(_fallback(ch))
        else:
            out.append(ch)
    result = "".join(out)
    if cut:
        result += f" … [{cut:,} more characters: the full text is in the case]"
    return result


def _strip_joiners(text: str) -> str:
    return text.replace("\u200d", "").replace("\u200c", "")


def markup(text: str, font_name: str = SANS, limit: int = MAX_CHARS) -> str:
    """Paragraph markup for plain left-to-right ``text``: escaped, line breaks kept."""
    clean = _strip_joiners(printable(text, font_name, limit))
    return "<br/>".join(escape(line) for line in clean.split("\n"))


def _longest_fit(word: str, width: float, measure) -> int:  # type: ignore[no-untyped-def]
    """The largest n >= 1 such that ``word[:n]`` fits in ``width``."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _break_words(words: list[str], width: float, measure) -> list[str]:  # type: ignore[no-untyped-def]
    """Greedy line breaking in logical order; a word wider than a line is cut by characters."""
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}" if current else word
        if measure(trial) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
            current = ""
        while len(word) > 1 and measure(word) > width:
            cut = _longest_fit(word, width, measure)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    lines.append(current)
    return lines


@dataclass(frozen=True)
class _Layout:
    width: float
    paragraph: Paragraph


class TextBlock(Flowable):
    """A paragraph of the pair's own words, in any script, that wraps at any width.

    Left-to-right text is a plain reportlab :class:`Paragraph`. Text with any
    right-to-left letters is broken into lines here, in logical order, and each
    line is then shaped and reordered for display.
    """

    def __init__(self, text: str, style: ParagraphStyle, *, limit: int = MAX_CHARS) -> None:
        super().__init__()
        register_fonts()
        self.text = _strip_joiners(printable(text, style.fontName, limit)) if has_rtl(text) else text
        self.style = style
        self.limit = limit
        self.rtl = has_rtl(self.text)
        self._layout: _Layout | None = None
        if not self.rtl:
            self._layout = _Layout(-1, Paragraph(markup(text, style.fontName, limit), style))

    def _paragraph(self, width: float) -> Paragraph:
        if self._layout is not None and (not self.rtl or self._layout.width == width):
            return self._layout.paragraph
        style = self.style
        have = covered(style.fontName)
        usable = width - style.leftIndent - style.rightIndent

        def measure(line: str) -> float:
            return pdfmetrics.stringWidth(display_line(line, have), style.fontName, style.fontSize)

        shown: list[str] = []
        right = paragraph_is_rtl(self.text)
        for logical in self.text.split("\n"):
            for line in _break_words(logical.split(" "), usable, measure):
                shown.append(escape(display_line(line, have, right)))
        rtl_style = ParagraphStyle(f"{style.name}-rtl", parent=style,
                                   alignment=TA_RIGHT if right else TA_LEFT)
        paragraph = Paragraph("<br/>".join(shown), rtl_style)
        self._layout = _Layout(width, paragraph)
        return paragraph

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width, self.height = self._paragraph(availWidth).wrap(availWidth, availHeight)
        self._wrapped_width = availWidth
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return self._paragraph(availWidth).split(availWidth, availHeight)

    def draw(self) -> None:
        self._paragraph(self._wrapped_width).drawOn(self.canv, 0, 0)

    def getSpaceBefore(self) -> float:  # noqa: N802
        return self.style.spaceBefore

    def getSpaceAfter(self) -> float:  # noqa: N802
        return self.style.spaceAfter
