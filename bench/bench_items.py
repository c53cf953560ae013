"""Bringing a large file into a case: throughput and peak memory.

A sparse file of ``--gib`` GiB (zeros, taking no room until read) is added to a new case:
read once in 1 MiB chunks, hashed SHA-256 + MD5 + SHA-1 and encrypted into the vault's chunked
format. Printed against floors measured in the same run, on the same file, from the page cache:

* plain ``hashlib.sha256`` over the file (what any hashing tool must do at least);
* the three hashes alone, without the encryption and the write.

Peak memory is the process's maximum resident set size before and after the import: it must not
grow with the file (the file is never whole in memory).

    .venv/bin/python -m bench.bench_items [--gib 2]
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import tempfile
import time
from pathlib import Path

from evidence_app.items.hashes import MultiHash
from evidence_app.vault.streams import CHUNK
from tests.helpers.cases import make_case, make_store
from tests.helpers.evidence_files import sparse_file


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read_all(path: Path, update: object) -> float:
    start = time.perf_counter()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            update(chunk)  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gib", type=float, default=2.0)
    args = parser.parse_args()
    size = int(args.gib * 1024**3)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = sparse_file(root / "video.mp4", size)
        case = make_case(make_store(root / "cases"))
        plain = _read_all(source, hashlib.sha256().update)
        three = _read_all(source, MultiHash().update)
        before = _peak_mib()
        start = time.perf_counter()
        item = case.add_item(source)
        took = time.perf_counter() - start
        after = _peak_mib()
        start = time.perf_counter()
        case.verify()
        verify = time.perf_counter() - start
        case.lock()
    mb = size / 1e6
    print(f"file: {size / 1024**3:.2f} GiB sparse; sha256 {item.sha256[:16]}…")
    print(f"floor, sha256 alone:          {mb / plain:7.0f} MB/s")
    print(f"floor, sha256+md5+sha1 alone: {mb / three:7.0f} MB/s")
    print(f"add_item (hash x3, encrypt, write, fsync): {mb / took:7.0f} MB/s "
          f"({took / plain:.2f}x sha256 alone, {took / three:.2f}x the three hashes alone)")
    print(f"verify (decrypt, re-hash x3):             {mb / verify:7.0f} MB/s")
    print(f"peak resident memory: {before:.0f} MiB before the import, {after:.0f} MiB after "
          f"(+{after - before:.0f} MiB for a {size / 1024**2:,.0f} MiB file)")


if __name__ == "__main__":
    main()
