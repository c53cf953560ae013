"""A capture must be a whole PNG: bytes that merely start with the signature are refused at the door."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from evidence_app import InvalidInput
from evidence_app.case.png import check_png
from tests.helpers.images import make_png, random_png

GOOD = make_png(64, 48, seed=3)


def _pil_png(mode: str) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGBA", (40, 30), (10, 200, 30, 128)).convert(mode)
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@pytest.mark.parametrize("data", [GOOD, random_png(33, 7), _pil_png("RGBA"), _pil_png("P"), _pil_png("L"),
                                  _pil_png("LA"), _pil_png("1")])
def test_real_pngs_are_accepted(data: bytes) -> None:
    info = check_png(data)
    assert info.width > 0 and info.height > 0


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n",
    b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
    b"\x89PNG\r\n\x1a\nnot a png at all, just words after the signature",
    GOOD[:-1], GOOD[:-12], GOOD[:40], GOOD + b"trailing",
    GOOD[:8] + _chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 10, 8, 2, 0, 0, 0)) + GOOD[33:],
    GOOD[:8] + _chunk(b"IHDR", struct.pack(">IIBBBBB", 10, 10, 7, 2, 0, 0, 0)) + GOOD[33:],
    GOOD[:8] + _chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)) + GOOD[33:],
    GOOD[:8] + _chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) + _chunk(b"IEND", b""),
    # an RGBA PNG (which the form re-encodes) whose pixels are not zlib data, every CRC right
    GOOD[:8] + _chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 6, 0, 0, 0)) + _chunk(b"IDAT", b"garbage!")
    + _chunk(b"IEND", b""),
])
def test_broken_pngs_are_refused_in_plain_words(data: bytes) -> None:
    with pytest.raises(InvalidInput, match="must be a PNG image"):
        check_png(data)


def test_a_flipped_byte_is_caught_by_its_chunk_checksum() -> None:
    for position in range(8, len(GOOD), 7):
        damaged = bytearray(GOOD)
        damaged[position] ^= 0x10
        with pytest.raises(InvalidInput):
            check_png(bytes(damaged))


@settings(max_examples=300, deadline=None)
@given(cut=st.integers(0, len(GOOD)), junk=st.binary(max_size=64), at=st.integers(0, len(GOOD)))
def test_any_mangling_is_accepted_whole_or_refused_plainly(cut: int, junk: bytes, at: int) -> None:
    mangled = (GOOD[:at] + junk + GOOD[at:])[: max(cut, 8)]
    try:
        check_png(mangled)
    except InvalidInput:
        return
    assert mangled == GOOD or junk == b""


def test_add_capture_refuses_a_png_signature_followed_by_garbage(case) -> None:
    with pytest.raises(InvalidInput, match="not readable"):
        case.add_capture(b"\x89PNG\r\n\x1a\n" + b"garbage" * 100, kind="viewport")
    assert case.captures() == []
    case.verify()
