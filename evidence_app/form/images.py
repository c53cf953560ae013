"""Screenshots on the form: PNG pixels straight into the PDF, and pictures that run over pages.

reportlab decodes every PNG and compresses its pixels again, about 50 ms for
a 1280 x 800 screenshot: 200 of them would take ten seconds. A PDF can hold a
PNG's compressed data as it is (FlateDecode with the PNG predictors), so for
the PNGs our captures are (8-bit RGB or grey, not interlaced, no alpha) the
stored bytes go in untouched: fast, and the printed pixels are exactly the
hashed ones. Other PNGs (alpha, palette, 16-bit, interlaced) are decoded
with Pillow, laid on white, and re-encoded quickly.

:class:`CaptureImage` draws one capture at the frame's width; a tall
full-page capture is cut into slices, one per page, each a clipped view of
the same image object (stored once in the file).
"""

from __future__ import annotations

import hashlib
import io
import struct
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.pdfbase import pdfdoc
from reportlab.platypus import Flowable

from evidence_app.errors import InvalidInput

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_SLICE = 72.0  # points: a slice shorter than an inch moves to the next page instead


@dataclass(frozen=True)
class PdfImage:
    """An image ready for a PDF image XObject: its compressed pixels and how to read them."""

    width: int
    height: int
    color_space: str        # DeviceRGB | DeviceGray
    colors: int
    stream: bytes = b""     # zlib data with PNG row predictors
    key: str = ""           # a name unique to the pixels

    @property
    def aspect(self) -> float:
        return self.height / self.width


UNREADABLE = PdfImage(1, 1, "DeviceGray", 1, b"", "unreadable")
"""Stands for a capture whose bytes are not a PNG the form can draw: it is listed, not drawn."""


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(PNG_SIGNATURE):
        raise InvalidInput("A capture is not a PNG image.")
    found = []
    at = len(PNG_SIGNATURE)
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at: at + 4])
        kind = data[at + 4: at + 8]
        found.append((kind, data[at + 8: at + 8 + length]))
        at += 12 + length
        if kind == b"IEND":
            break
    return found


def prepare_png(data: bytes) -> PdfImage:
    """The PDF form of a PNG: its own IDAT data when the PDF can read it as it is."""
    chunks = _chunks(data)
    if not chunks or chunks[0][0] != b"IHDR":
        raise InvalidInput("A capture is not a readable PNG image.")
    width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    kinds = {kind for kind, _ in chunks}
    key = hashlib.sha256(data).hexdigest()[:32]
    if depth == 8 and color_type in (0, 2) and interlace == 0 and b"tRNS" not in kinds:
        idat = b"".join(body for kind, body in chunks if kind == b"IDAT")
        return PdfImage(width, height, "DeviceGray" if color_type == 0 else "DeviceRGB",
                        1 if color_type == 0 else 3, idat, key)
    return _reencoded(data, key)


def _reencoded(data: bytes, key: str) -> PdfImage:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
        else:
            flat = image.convert("L" if image.mode in ("L", "I", "I;16", "1") else "RGB")
        buffer = io.BytesIO()
        flat.save(buffer, "PNG", compress_level=1)
    again = prepare_png(buffer.getvalue())
    return PdfImage(again.width, again.height, again.color_space, again.colors, again.stream, key)


class _PngXObject(pdfdoc.PDFImageXObject):
    """A PDF image whose stream is PNG-predicted Flate data, written as it is."""

    def __init__(self, name: str, image: PdfImage) -> None:
        super().__init__(name)
        self.width = image.width
        self.height = image.height
        self.bitsPerComponent = 8
        self.colorSpace = image.color_space
        self._filters = ("FlateDecode",)
        self.streamContent = image.stream
        self.mask = None
        self._colors = image.colors

    def format(self, document):  # type: ignore[no-untyped-def]
        stream = pdfdoc.PDFStream(content=self.streamContent)
        entries = stream.dictionary
        entries["Type"] = pdfdoc.PDFName("XObject")
        entries["Subtype"] = pdfdoc.PDFName("Image")
        entries["Width"] = self.width
        entries["Height"] = self.height
        entries["BitsPerComponent"] = 8
        entries["ColorSpace"] = pdfdoc.PDFName(self.colorSpace)
        entries["Filter"] = pdfdoc.PDFName("FlateDecode")
        entries["DecodeParms"] = pdfdoc.PDFDictionary({
            "Predictor": 15, "Colors": self._colors, "BitsPerComponent": 8, "Columns": self.width})
        entries["Length"] = len(self.streamContent)
        return stream.format(document)


def image_name(canv, image: PdfImage) -> str:  # type: ignore[no-untyped-def]
    """Register ``image`` with the canvas's document once; the name to ``Do`` it with."""
    document = canv._doc
    name = f"capture{image.key}"
    registered = document.getXObjectName(name)
    if registered not in document.idToObject:
        xobject = _PngXObject(name, image)
        canv._setXObjects(xobject)
        document.Reference(xobject, registered)
        document.addForm(name, xobject)
    canv._formsinuse.append(name)
    canv._currentPageHasImages = 1
    return registered


class CaptureImage(Flowable):
    """A capture at the frame's width (never enlarged past ``max_scale``), split over pages if tall.

    ``top`` and ``visible`` (in points of the scaled image) select the slice drawn. A picture no
    taller than ``whole_page`` is never cut: it moves to the next page instead.
    """

    def __init__(self, image: PdfImage, *, max_scale: float = 0.75, top: float = 0.0,
                 visible: float | None = None, width: float | None = None, whole_page: float = 0.0) -> None:
        super().__init__()
        self.whole_page = whole_page
        self.image = image
        self.max_scale = max_scale
        self.top = top
        self.visible = visible
        self.fixed_width = width

    def _scaled(self, avail_width: float) -> tuple[float, float]:
        width = self.fixed_width or min(avail_width, self.image.width * self.max_scale)
        return width, width * self.image.aspect

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.draw_width, full = self._scaled(availWidth)
        self.width = availWidth
        self.height = (full - self.top) if self.visible is None else self.visible
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        width, full = self._scaled(availWidth)
        remaining = (full - self.top) if self.visible is None else self.visible
        if remaining <= availHeight or availHeight < MIN_SLICE or remaining <= self.whole_page:
            return []  # fits here, or fits on the next page whole: never cut a picture that need not be
        first = CaptureImage(self.image, max_scale=self.max_scale, top=self.top, visible=availHeight,
                             width=width, whole_page=self.whole_page)
        rest = CaptureImage(self.image, max_scale=self.max_scale, top=self.top + availHeight,
                            width=width, whole_page=self.whole_page)
        return [first, rest]

    def draw(self) -> None:
        canv = self.canv
        name = image_name(canv, self.image)
        width, full = self.draw_width, self.draw_width * self.image.aspect
        x = (self.width - width) / 2
        canv.saveState()
        path = canv.beginPath()
        path.rect(x, 0, width, self.height)
        canv.clipPath(path, stroke=0, fill=0)
        # The image's bottom edge sits below the slice by what is still to come.
        bottom = self.height - (full - self.top)
        canv.saveState()
        canv.translate(x, bottom)
        canv.scale(width, full)
        canv._code.append(f"/{name} Do")
        canv.restoreState()
        canv.restoreState()
        canv.saveState()
        canv.setStrokeColor(colors.HexColor("#777777"))
        canv.setLineWidth(0.5)
        canv.rect(x, 0, width, self.height, stroke=1, fill=0)
        canv.restoreState()

