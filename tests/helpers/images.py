"""Real PNG images built with zlib alone, so core tests need no Qt."""

from __future__ import annotations

import random
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def make_png(width: int = 64, height: int = 48, seed: int = 0, *, noise: float = 0.02) -> bytes:
    """An RGB PNG that looks a little like a screenshot: flat bands with some noise.

    Different seeds give different bytes; ``noise`` sets how much of it is random
    (real screenshots compress to roughly 1-10 % of their raw size).
    """
    rng = random.Random(seed)
    rows = []
    band = bytes(rng.randrange(256) for _ in range(3))
    for y in range(height):
        if y % 24 == 0:
            band = bytes(rng.randrange(256) for _ in range(3))
        row = bytearray(band * width)
        for _ in range(int(width * noise)):
            x = rng.randrange(width)
            row[3 * x: 3 * x + 3] = bytes(rng.randrange(256) for _ in range(3))
        rows.append(b"\x00" + bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + _chunk(b"IEND", b""))


def random_png(width: int, height: int) -> bytes:
    """A valid PNG of random pixels: incompressible, quick to make at any size."""
    import os

    raw = b"".join(b"\x00" + os.urandom(3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 1)) + _chunk(b"IEND", b""))
