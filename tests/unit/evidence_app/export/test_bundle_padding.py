"""A tar's end-of-archive marker may spill into a new 10 KiB record: its zero padding is not "data after the end".

Found when about one export in fifteen was reported NOT INTACT: the streaming
reader stops at the marker's first block, and the rest of the record (zeros)
was counted as trailing data.
"""

from __future__ import annotations

import io
import tarfile

from evidence_app.export.verify import _ChunkStream


def straddling_tar() -> bytes:
    """A tar whose end-of-archive marker starts in the last 512 bytes of a record."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("bag/data.bin")
        info.size = tarfile.RECORDSIZE - 2 * tarfile.BLOCKSIZE  # header + data end one block before the record
        tar.addfile(info, io.BytesIO(bytes(info.size)))
    data = out.getvalue()
    assert len(data) == 2 * tarfile.RECORDSIZE  # the marker's second block opened a new record
    return data


def read_through(data: bytes) -> int:
    stream = _ChunkStream(iter([data[i:i + 65536] for i in range(0, len(data), 65536)]))
    with tarfile.open(fileobj=stream, mode="r|") as tar:  # type: ignore[call-overload]
        names = [member.name for member in tar]
    assert names == ["bag/data.bin"]
    return stream.drain()


def test_record_padding_after_the_marker_is_not_trailing_data() -> None:
    assert read_through(straddling_tar()) == 0


def test_real_data_after_the_marker_still_counts() -> None:
    assert read_through(straddling_tar() + b"appended") == len(b"appended")
