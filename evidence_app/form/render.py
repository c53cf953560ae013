"""The incident form: the policy's "Record of reviewing devices / internet sites", signed.

Two entry points:

* :func:`render_form` (also ``case.render_form()``) makes the signed PDF
  bytes and changes nothing: it can be called to preview a form, in tests, in
  benchmarks. It never writes to disk.
* :func:`issue_form` is what the application uses: it renders the form *and*
  keeps it in the vault with ``case.add_form`` (which journals its SHA-256),
  then returns both. The form the pair preview, print or save a copy of is
  always that kept one, so every form that leaves the app is in the case with
  its hash in the journal. (Issuing is the caller's choice, not a side effect
  of rendering: a background render that is cancelled, or fails to sign,
  leaves no half-made record behind.)

The form shows the journal head *before* it is kept: keeping it adds one
record, so the kept form's own record follows the head printed on it.

What is printed (see :mod:`evidence_app.form.data`): quarantined captures are
listed without their image and their bytes are never decrypted; a sealed case
prints no image at all. Pages are laid out in :mod:`evidence_app.form.layout`,
text in any script by :mod:`evidence_app.typesetting.text`, pictures by
:mod:`evidence_app.form.images`, and the PAdES signature is made by
:mod:`evidence_app.form.signature`.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evidence_app.errors import InvalidInput, Quarantined
from evidence_app.form.data import FormData, gather
from evidence_app.form.images import UNREADABLE, PdfImage, prepare_png
from evidence_app.form.layout import build_pdf
from evidence_app.form.signature import sign_pdf

if TYPE_CHECKING:
    from evidence_app.case.open_case import Case
    from evidence_app.vault.events import Event

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IssuedForm:
    """A form that has been kept in the vault: its bytes, hash and journal record."""

    pdf: bytes = field(repr=False)
    sha256: str
    form_id: str
    record: int

    @property
    def size(self) -> int:
        return len(self.pdf)


PICTURE_BUDGET_BYTES = 12 * 1024 * 1024
"""The most picture data one form holds. A case with more captures than that (hundreds of
full-page shots) prints the rest as listed entries: a paper form of thousands of pages helps
no one, and the vault keeps forms in memory-sized pieces. Every original stays in the case
and in the police export. Making the form holds its pictures about three and a half times
over at its peak (the pictures, reportlab's document, the PDF, then the signed copy), so this
budget keeps a form, and an export that makes one, under 200 MB whatever the case's size."""


def _load_images(case: Case, data: FormData, step: Callable[[], None], budget: int) -> dict[str, PdfImage]:
    """The pictures to print: none for a sealed case, never a quarantined one, up to the budget."""
    images: dict[str, PdfImage] = {}
    if not data.pictures:
        return images
    spent = 0
    for capture in data.captures:
        if capture.quarantined:
            continue
        if spent + capture.size <= budget:
            try:
                image = prepare_png(case.read_capture(capture.id))
            except Quarantined:
                continue  # quarantined since the list was read: never printed
            except (InvalidInput, struct.error, OSError, ValueError, SyntaxError):
                image = UNREADABLE  # accepted before captures were checked: listed, not drawn
            images[capture.id] = image
            spent += len(image.stream)
        step()
    return images


def render_form(case: Case, *, progress: Progress | None = None, picture_budget: int = PICTURE_BUDGET_BYTES) -> bytes:
    """The signed PDF of ``case``'s form. ``progress(done, total)`` is called as work goes on.

    The steps counted: each picture read and checked, each capture placed on
    its page, and the signature.
    """
    data = gather(case)
    listed = sum(1 for c in data.captures if not c.quarantined)
    total = (listed if data.pictures else 0) + listed + 1
    done = 0

    def step() -> None:
        nonlocal done
        done = min(done + 1, total - 1)
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    images = _load_images(case, data, step, picture_budget)
    unsigned = build_pdf(data, images, tick=step)
    del images  # the PDF holds them now: not kept twice while it is signed
    reason = f"Record of reviewing devices / internet sites, case {data.details.id}; journal head {data.head}"
    signed = sign_pdf(unsigned, case.signing_key, reason=reason, location=data.details.computer_location)
    del unsigned
    _give_back_memory()
    if progress is not None:
        progress(total, total)
    return signed


def _give_back_memory() -> None:
    """Return what laying out the form freed to the system, where the C library allows it (glibc).

    Otherwise it stays in the process's heap in pieces that what comes next (an export
    streaming its bundle) cannot reuse, and the two peaks add up: 248 MB instead of 212 MB
    for the export of a 20,000-visit, 2,000-capture case.
    """
    # reportlab's layout leaves reference cycles; collect them first (30 MB for a long review).
    # Only where automatic collection is on: the desktop application turns it off and collects
    # on its window's thread alone (ui/gc_guard.py), since freeing a cycle that holds a Qt
    # object on a worker thread crashes Qt, and the form is made on a worker thread there.
    if gc.isenabled():
        gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (musl): nothing to give back this way
            pass


def issue_form(case: Case, *, progress: Progress | None = None) -> IssuedForm:
    """Render the form and keep it in the vault (its hash journaled); what the app prints."""
    pdf = render_form(case, progress=progress)
    event: Event = case.add_form(pdf)
    return IssuedForm(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), form_id=event.data["id"],
                      record=event.seq)
