"""Checking an exported WACZ with the Webrecorder tools an examiner has: py-wacz, warcio, cdxj-indexer."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
import zipfile
from pathlib import Path

from cdxj_indexer import CDXJIndexer
from warcio.archiveiterator import ArchiveIterator

from evidence_app.web.wacz import INDEX_PATH, WARC_PATH


def assert_py_wacz_valid(data: bytes, folder: Path) -> str:
    """``wacz validate -f`` (py-wacz, as an examiner runs it) passes on the WACZ's bytes; what it printed.

    ``python -m wacz`` exits 0 whatever it finds, so its answer is taken from ``main()``'s return
    and its last line. On Windows py-wacz's validator finds every file "not listed" (it splits the
    extracted paths on "/"), whatever the WACZ: there the checks before that one must pass
    (version, datapackage by frictionless, required files) and the only complaint must be that one.
    """
    path = folder / "checked.wacz"
    path.write_bytes(data)
    run = subprocess.run([sys.executable, "-c", "import sys; from wacz.main import main; "
                          "sys.exit(main(['validate', '-f', sys.argv[1]]))", str(path)],
                         capture_output=True, text=True, timeout=300, cwd=folder)
    printed = run.stdout + run.stderr
    if sys.platform == "win32":
        complaints = [line for line in printed.splitlines() if "is not listed in the datapackage" in line]
        assert "Version detected as 1.1.1" in printed and len(complaints) == 1 and "\\" in complaints[0], printed
        return printed
    assert run.returncode == 0 and printed.rstrip().endswith("Validation succeeded, the passed WACZ is valid"), \
        printed
    return printed


def warc_records(data: bytes) -> list[tuple[str, dict[str, str], bytes, bytes]]:
    """Every record of the WACZ's WARC, read by warcio with each digest checked (a mismatch raises).

    Each is (type, WARC headers, HTTP headers as bytes, payload).
    """
    warc = zipfile.ZipFile(io.BytesIO(data)).read(WARC_PATH)
    records = []
    for record in ArchiveIterator(io.BytesIO(warc), check_digests="raise"):
        payload = record.content_stream().read()
        http = record.http_headers.to_bytes() if record.http_headers else b""
        assert record.digest_checker.passed is not False, record.digest_checker.problems
        records.append((record.rec_type, dict(record.rec_headers.headers), http, payload))
    return records


def indexed_by_webrecorder(data: bytes) -> str:
    """The CDXJ index Webrecorder's own indexer makes of the WACZ's WARC."""
    warc = zipfile.ZipFile(io.BytesIO(data)).read(WARC_PATH)
    out = io.StringIO()
    source = io.BytesIO(warc)
    source.name = "data.warc.gz"  # type: ignore[attr-defined]
    CDXJIndexer(out, [source], sort=True, filename="data.warc.gz").process_all()
    return out.getvalue()


def our_index(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(INDEX_PATH).decode("utf-8")


def every_layer(data: bytes) -> list[bytes]:
    """The bytes as stored, and every layer inside: zip members stored and inflated, gzip members inflated."""
    layers = [data]
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                layers += every_layer(archive.read(name))
    elif data[:2] == b"\x1f\x8b":
        layers += every_layer(gzip.decompress(data))  # every gzip member, one after another
    return layers
