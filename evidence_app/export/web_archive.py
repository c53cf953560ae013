"""The recorded responses in the police bag as one WACZ, ``data/web-archive/responses.wacz``.

The WACZ is made twice from the case's ``responses`` records (:mod:`evidence_app.web.wacz`):
once to learn its size and SHA-256, which the tar header and the manifest need first, and
once into the encrypted bag, checked to be the same bytes. Nothing of it is written to disk
but encrypted, and memory holds one page's record at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evidence_app.web.wacz import PagesSource, checked, measure, wacz_chunks

if TYPE_CHECKING:
    from evidence_app.export.bag import BagTarWriter

WACZ_FILE = "web-archive/responses.wacz"


def add_web_archive(bag: BagTarWriter, pages: PagesSource, *, case_id: str, created: str) -> str:
    """Add the WACZ of ``pages()`` (called twice: each call reads the records again); return its SHA-256."""
    size, sha256 = measure(wacz_chunks(pages(), case_id=case_id, created=created))
    return bag.add_payload_stream(WACZ_FILE, size, checked(wacz_chunks(pages(), case_id=case_id, created=created),
                                                           size, sha256), sha256)
