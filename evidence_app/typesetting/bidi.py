"""Right-to-left text for the form: Arabic shaping and bidirectional reordering, in pure Python.

A PDF shows glyphs in the order they are drawn, and reportlab draws a string
left to right, one glyph per character. Arabic needs two things on top:

* **shaping**: each letter takes its isolated, initial, medial or final form
  depending on its neighbours (and lam + alef become one ligature). The forms
  are the Unicode "Arabic Presentation Forms" that DejaVu Sans carries; the
  table is built at import time from :mod:`unicodedata`, so there is no data
  file and no extra dependency (no HarfBuzz, no FriBidi).
* **reordering**: a line holding right-to-left runs is turned into visual
  order with a compact version of the Unicode Bidirectional Algorithm
  (UAX #9: weak types W1-W7, neutrals N1-N2, levels I1-I2, reversal L1-L2,
  mirrored brackets). Explicit embeddings and isolates are not supported;
  their control characters are dropped.

Reordering is done per *line*, after the line has been broken in logical
order (as UAX #9 requires), so wrapped Arabic reads top to bottom correctly;
see :mod:`evidence_app.typesetting.text` for the wrapping.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_FORM_TAGS = {"<isolated>": 0, "<final>": 1, "<initial>": 2, "<medial>": 3}
ISOLATED, FINAL, INITIAL, MEDIAL = 0, 1, 2, 3
LAM = "\u0644"
ZWJ = "\u200d"
TATWEEL = "\u0640"
_EXPLICIT = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_MIRROR = {"(": ")", ")": "(", "[": "]", "]": "[", "{": "}", "}": "{", "<": ">", ">": "<",
           "«": "»", "»": "«", "‹": "›", "›": "‹"}


def _build_tables() -> tuple[dict[str, dict[int, str]], dict[str, dict[int, str]]]:
    """(forms of each letter, forms of each lam-alef ligature keyed by its alef)."""
    forms: dict[str, dict[int, str]] = {}
    lam_alef: dict[str, dict[int, str]] = {}
    for code in range(0xFB50, 0xFEFF):
        ch = chr(code)
        parts = unicodedata.decomposition(ch).split()
        if len(parts) < 2 or parts[0] not in _FORM_TAGS:
            continue
        form = _FORM_TAGS[parts[0]]
        bases = [chr(int(p, 16)) for p in parts[1:]]
        if len(bases) == 1:
            forms.setdefault(bases[0], {}).setdefault(form, ch)
        elif len(bases) == 2 and bases[0] == LAM and unicodedata.name(bases[1], "").startswith("ARABIC LETTER ALEF"):
            lam_alef.setdefault(bases[1], {}).setdefault(form, ch)
    return forms, lam_alef


_FORMS, _LAM_ALEF = _build_tables()


def _joining(ch: str) -> str:
    """'D' dual-joining, 'R' right-joining, 'C' join-causing, 'T' transparent, 'U' non-joining."""
    if ch in (ZWJ, TATWEEL):
        return "C"
    if unicodedata.category(ch) in ("Mn", "Me", "Cf") and ch != "\u200c":
        return "T"
    found = _FORMS.get(ch)
    if not found:
        return "U"
    return "D" if INITIAL in found or MEDIAL in found else "R"


def has_rtl(text: str) -> bool:
    """True if ``text`` holds any right-to-left letter (Arabic, Hebrew, Syriac ...)."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def shape_arabic(text: str, covered: frozenset[int] | None = None) -> str:
    """``text`` (logical order) with Arabic letters replaced by their contextual forms.

    ``covered`` is the set of code points the font has; a form it lacks stays
    as the plain letter, which still reads correctly, only unjoined.
    """
    if not any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text):
        return text
    kinds = [_joining(ch) for ch in text]

    def neighbour(i: int, step: int) -> str:
        j = i + step
        while 0 <= j < len(text) and kinds[j] == "T":
            j += step
        return kinds[j] if 0 <= j < len(text) else "U"

    def pick(options: dict[int, str], form: int) -> str | None:
        for wanted in (form, FINAL if form == MEDIAL else ISOLATED if form == INITIAL else ISOLATED):
            glyph = options.get(wanted)
            if glyph is not None and (covered is None or ord(glyph) in covered):
                return glyph
        return None

    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        kind = kinds[i]
        if kind not in ("D", "R"):
            out.append(ch)
            i += 1
            continue
        joins_before = neighbour(i, -1) in ("D", "C")
        if ch == LAM and i + 1 < len(text) and text[i + 1] in _LAM_ALEF:
            glyph = pick(_LAM_ALEF[text[i + 1]], FINAL if joins_before else ISOLATED)
            if glyph is not None:
                out.append(glyph)
                i += 2
                continue
        joins_after = kind == "D" and neighbour(i, 1) in ("D", "R", "C")
        form = (MEDIAL if joins_before and joins_after else FINAL if joins_before
                else INITIAL if joins_after else ISOLATED)
        out.append(pick(_FORMS[ch], form) or ch)
        i += 1
    return "".join(out)


def _bidi_class(ch: str) -> str:
    kind = unicodedata.bidirectional(ch)
    return kind or "ON"


def visual_order(line: str, base_rtl: bool | None = None) -> str:
    """One line of text, in logical order, rearranged into the order it is drawn.

    ``base_rtl``: the paragraph's direction; ``None`` takes it from the first
    strong letter (UAX #9 rules P2-P3).
    """
    text = "".join(ch for ch in line if ch not in _EXPLICIT)
    if not has_rtl(text):
        return text
    types = [_bidi_class(ch) for ch in text]
    if base_rtl is None:
        first = next((t for t in types if t in ("L", "R", "AL")), "L")
        base_rtl = first != "L"
    base = "R" if base_rtl else "L"
    # W1: a non-spacing mark takes the type of the character before it.
    for i, kind in enumerate(types):
        if kind == "NSM":
            types[i] = types[i - 1] if i else base
    # W2 and W3: European numbers after Arabic letters are Arabic numbers; AL becomes R.
    last_strong = base
    for i, kind in enumerate(types):
        if kind in ("L", "R", "AL"):
            last_strong = kind
        if kind == "EN" and last_strong == "AL":
            types[i] = "AN"
        if kind == "AL":
            types[i] = "R"
    # W4: a single separator between two numbers of the same kind joins them.
    for i in range(1, len(types) - 1):
        if types[i] == "ES" and types[i - 1] == types[i + 1] == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and types[i - 1] == types[i + 1] and types[i - 1] in ("EN", "AN"):
            types[i] = types[i - 1]
    # W5: terminators next to European numbers are part of them.
    for i, kind in enumerate(types):
        if kind == "ET":
            j = i
            while j < len(types) and types[j] == "ET":
                j += 1
            if (i > 0 and types[i - 1] == "EN") or (j < len(types) and types[j] == "EN"):
                types[i] = "EN"
    # W6 and W7: leftover separators are neutral; numbers after L read left to right.
    last_strong = base
    for i, kind in enumerate(types):
        if kind in ("ES", "ET", "CS"):
            types[i] = "ON"
        elif kind in ("L", "R"):
            last_strong = kind
        elif kind == "EN" and last_strong == "L":
            types[i] = "L"
    # N1 and N2: runs of neutrals take the direction around them, else the base direction.
    strong = ["R" if t in ("R", "EN", "AN") else "L" if t == "L" else "" for t in types]
    i = 0
    while i < len(types):
        if strong[i]:
            i += 1
            continue
        j = i
        while j < len(types) and not strong[j]:
            j += 1
        before = strong[i - 1] if i > 0 else base
        after = strong[j] if j < len(types) else base
        fill = before if before == after else base
        for k in range(i, j):
            types[k] = fill
        i = j
    # I1 and I2: embedding levels.
    base_level = 1 if base_rtl else 0
    levels = []
    for kind in types:
        if base_level == 0:
            levels.append(1 if kind == "R" else 2 if kind in ("AN", "EN") else 0)
        else:
            levels.append(2 if kind in ("L", "AN", "EN") else 1)
    # L1: whitespace at the end of the line goes back to the base level.
    k = len(text) - 1
    while k >= 0 and text[k].isspace():
        levels[k] = base_level
        k -= 1
    # L4 then L2: mirror brackets at odd levels, reverse from the highest level down.
    chars = [(_MIRROR.get(ch, ch) if level % 2 else ch) for ch, level in zip(text, levels)]
    order = list(range(len(chars)))
    top = max(levels)
    lowest_odd = min((lv for lv in levels if lv % 2), default=1)
    for level in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return "".join(chars[i] for i in order)


@lru_cache(maxsize=4096)
def display_line(line: str, covered: frozenset[int] | None = None, base_rtl: bool | None = None) -> str:
    """Shape, then reorder: what to hand to reportlab for one line of logical text."""
    return visual_order(shape_arabic(line, covered), base_rtl)


def paragraph_is_rtl(text: str) -> bool:
    """UAX #9 P2-P3: does the first strong letter read right to left?"""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False
