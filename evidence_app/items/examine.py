"""Which reader looks at a file, and the limit on what is read into memory to look at it."""

from __future__ import annotations

from evidence_app.items.emails import read_eml, read_msg
from evidence_app.items.examined import Examined
from evidence_app.items.exif import read_exif
from evidence_app.items.pdfs import read_pdf

EXAMINE_LIMIT = 64 * 1024 * 1024
"""Files up to this size are examined from the very bytes that were hashed; larger ones are kept, not examined."""


def examine(data: bytes, media_type: str) -> Examined:
    """What the file says about itself, by its media type; a kind no reader knows gives no metadata."""
    if media_type.startswith("image/"):
        return read_exif(data)
    if media_type == "message/rfc822":
        return read_eml(data)
    if media_type == "application/vnd.ms-outlook":
        return read_msg(data)
    if media_type == "application/pdf":
        return read_pdf(data)
    return Examined({})


def too_large(size: int) -> Examined:
    return Examined({}, problem=f"The file is {size / 1024 / 1024:,.0f} MB, larger than the "
                                f"{EXAMINE_LIMIT // 1024 // 1024} MB the app reads to describe a file: its bytes "
                                "were kept and hashed, its details were not read.")
