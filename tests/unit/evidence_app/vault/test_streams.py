"""The chunked blob format: bytes come back whole; a chunk changed, moved, cut or added is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_app.errors import TamperDetected
from evidence_app.vault.streams import CHUNK, MAGIC, SALT_BYTES, SEALED_CHUNK, StreamWriter, read_stream

KEY = bytes(range(32))
AD = b"case|blob|x"


def _write(path: Path, data: bytes, pieces: int = 3) -> None:
    writer = StreamWriter(path, KEY, AD, "a test file")
    step = max(1, len(data) // pieces)
    for start in range(0, len(data), step):
        writer.write(data[start:start + step])
    writer.finish()


def _read(path: Path) -> bytes:
    return b"".join(read_stream(path, KEY, AD, "blobs/x.blob"))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 5])
def test_bytes_come_back_identical_at_every_chunk_edge(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    _write(tmp_path / "x.blob", data)
    assert _read(tmp_path / "x.blob") == data


def test_a_file_cut_at_a_chunk_boundary_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.blob"
    _write(path, os.urandom(2 * CHUNK + 10))
    raw = path.read_bytes()
    path.write_bytes(raw[: len(MAGIC) + SALT_BYTES + SEALED_CHUNK])  # the first chunk only, whole
    with pytest.raises(TamperDetected, match="cut short"):
        _read(path)


def test_chunks_swapped_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.blob"
    _write(path, os.urandom(3 * CHUNK))
    raw = path.read_bytes()
    start = len(MAGIC) + SALT_BYTES
    first, second = raw[start:start + SEALED_CHUNK], raw[start + SEALED_CHUNK:start + 2 * SEALED_CHUNK]
    path.write_bytes(raw[:start] + second + first + raw[start + 2 * SEALED_CHUNK:])
    with pytest.raises(TamperDetected, match="part 1 does not decrypt"):
        _read(path)


def test_bytes_added_after_the_final_chunk_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.blob"
    _write(path, b"the evidence")
    path.write_bytes(path.read_bytes() + b"more")
    with pytest.raises(TamperDetected):
        _read(path)


def test_another_blobs_file_under_this_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.blob"
    writer = StreamWriter(path, KEY, b"case|blob|other", "a test file")
    writer.write(b"someone else's file")
    writer.finish()
    with pytest.raises(TamperDetected, match="does not decrypt"):
        _read(path)


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=1, max_size=3000), where=st.integers(min_value=0), bit=st.integers(0, 7))
def test_any_flipped_bit_is_refused(tmp_path_factory: pytest.TempPathFactory, data: bytes, where: int,
                                    bit: int) -> None:
    path = tmp_path_factory.mktemp("flip") / "x.blob"
    _write(path, data)
    raw = bytearray(path.read_bytes())
    raw[where % len(raw)] ^= 1 << bit
    path.write_bytes(bytes(raw))
    with pytest.raises(TamperDetected):
        _read(path)
