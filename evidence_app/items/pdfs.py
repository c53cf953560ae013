"""A PDF's own description of itself (title, author, the program that made it, dates), read with pyHanko."""

from __future__ import annotations

import io
import warnings
from typing import Any

from evidence_app.items.examined import Examined, clipped

_FIELDS = (("/Title", "title"), ("/Author", "author"), ("/Subject", "subject"), ("/Creator", "creator"),
           ("/Producer", "producer"), ("/CreationDate", "created"), ("/ModDate", "modified"))


def read_pdf(data: bytes) -> Examined:
    """The document information dictionary and the page count; a damaged PDF ends in a problem sentence."""
    from pyhanko.pdf_utils.reader import PdfFileReader  # loaded on first use

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfFileReader(io.BytesIO(data), strict=False)
            found: dict[str, Any] = {}
            if reader.encrypted:
                found["encrypted"] = True
            else:
                info = reader.trailer_view.get("/Info")
                info = info.get_object() if info is not None and hasattr(info, "get_object") else info
                for key, name in _FIELDS:
                    value = info.get(key) if hasattr(info, "get") else None
                    if value is not None:
                        found[name] = clipped(value, 2_000)
                found["pages"] = int(reader.root["/Pages"]["/Count"])
        return Examined(found, personal_data=("author name",) if found.get("author") else ())
    except Exception as exc:  # noqa: BLE001 -- a damaged PDF raises errors of many kinds from the parser
        return Examined({}, problem=f"The PDF's details could not be read ({type(exc).__name__}): it may be "
                                    "damaged or not a PDF. Its bytes were kept unchanged.")
