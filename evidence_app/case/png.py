"""Is this a whole, readable PNG? Checked before a capture is accepted.

A capture is kept byte for byte and later drawn on the form and exported, so
bytes that merely start with the PNG signature must be refused at the door,
not found out at the first export. The check walks the file's chunks (each
length within the file, each CRC right, ``IHDR`` first and sensible, at least
one ``IDAT``, ``IEND`` last and nothing after it) at a cost of a CRC over the
bytes (about 0.25 ms for a 1920x1080 screenshot). A PNG the form cannot copy
into the PDF as it is (palette, alpha, 16-bit, interlaced) is decoded in full
with Pillow, as the form will have to. The compressed pixels of a plain 8-bit
RGB or grey PNG are not inflated here: that would cost several times the
durable write itself; the form draws a placeholder for pixels it cannot read.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

from evidence_app.errors import InvalidInput

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PIXELS = 200_000_000  # a 10,000 x 20,000 full-page capture
_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}


@dataclass(frozen=True)
class PngInfo:
    width: int
    height: int
    depth: int
    color_type: int
    interlaced: bool
    transparency: bool

    @property
    def drawn_as_is(self) -> bool:
        """True when the form copies the compressed pixels into the PDF untouched."""
        return self.depth == 8 and self.color_type in (0, 2) and not self.interlaced and not self.transparency


def _refuse(detail: str) -> InvalidInput:
    return InvalidInput(f"A capture must be a PNG image, and this one is not readable ({detail}). Nothing was saved.")


def check_png(data: bytes | bytearray | memoryview) -> PngInfo:
    """The PNG's header fields; :class:`InvalidInput` if the bytes are not a whole PNG."""
    view = memoryview(data)
    if bytes(view[:8]) != SIGNATURE:
        raise _refuse("it does not start like a PNG")
    at, first, kinds, info = 8, True, set(), None
    while True:
        if at + 12 > len(view):
            raise _refuse("it ends before its last chunk")
        (length,) = struct.unpack_from(">I", view, at)
        kind = bytes(view[at + 4: at + 8])
        end = at + 12 + length
        if length > 0x7FFFFFFF or end > len(view):
            raise _refuse("a chunk runs past the end of the file")
        (crc,) = struct.unpack_from(">I", view, end - 4)
        if zlib.crc32(view[at + 4: end - 4]) & 0xFFFFFFFF != crc:
            raise _refuse(f"the checksum of a {kind.decode('latin-1')!r} chunk is wrong")
        if first:
            if kind != b"IHDR" or length != 13:
                raise _refuse("it does not begin with an image header")
            info = _header(bytes(view[at + 8: at + 21]))
            first = False
        kinds.add(kind)
        at = end
        if kind == b"IEND":
            break
    if at != len(view):
        raise _refuse("there are bytes after its end")
    if b"IDAT" not in kinds:
        raise _refuse("it holds no pixels")
    if info is None:  # pragma: no cover - the loop sets it or refuses
        raise _refuse("it has no header")
    if info.color_type == 3 and b"PLTE" not in kinds:
        raise _refuse("a palette image without its palette")
    info = PngInfo(info.width, info.height, info.depth, info.color_type, info.interlaced, b"tRNS" in kinds)
    if not info.drawn_as_is:
        _decode(bytes(view))
    return info


def _header(body: bytes) -> PngInfo:
    width, height, depth, color_type, compression, filtering, interlace = struct.unpack(">IIBBBBB", body)
    if not (0 < width < 2**31 and 0 < height < 2**31) or width * height > MAX_PIXELS:
        raise _refuse(f"a size of {width} x {height} pixels")
    if depth not in _DEPTHS.get(color_type, ()) or compression or filtering or interlace > 1:
        raise _refuse("an image header no PNG reader accepts")
    return PngInfo(width, height, depth, color_type, bool(interlace), False)


def _decode(data: bytes) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, EOFError) as exc:
        raise _refuse("its pixels do not decode") from exc
