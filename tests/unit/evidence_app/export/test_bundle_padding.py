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


# ------------------------------------------------------------------ the verifier's verdict, on real bundles


def _padded(tar_bytes: bytes, extra: bytes) -> bytes:
    """The archive as written, then ``extra`` after its end-of-archive marker and padding."""
    return tar_bytes + extra


def test_a_genuine_bundle_rewritten_with_more_zero_records_is_intact(case, tmp_path) -> None:
    """Zero records after the marker are padding, as tar writes them: the verdict is INTACT."""
    from evidence_app import verify_bundle
    from tests.helpers.bundles import export, plaintext, reseal

    (tmp_path / "usb").mkdir()
    result = export(case, tmp_path / "usb", key_cost=10)
    reseal(result, _padded(plaintext(result), bytes(3 * tarfile.RECORDSIZE)))
    report = verify_bundle(result.folder, result.passphrase)
    assert report.ok, report.text()


def test_data_after_the_end_of_the_archive_makes_a_bundle_not_intact(case, tmp_path) -> None:
    """Bytes tar -x would ignore are still not what was exported: the verdict names the evidence file."""
    from evidence_app import verify_bundle
    from tests.helpers.bundles import export, plaintext, reseal

    (tmp_path / "usb").mkdir()
    result = export(case, tmp_path / "usb", key_cost=10)
    reseal(result, _padded(plaintext(result), b"a hidden message after the archive"))
    report = verify_bundle(result.folder, result.passphrase)
    assert not report.ok
    assert any(result.evidence_file.name in str(problem) or "after the end" in str(problem)
               for problem in report.problems), report.text()
