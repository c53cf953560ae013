"""A BagIt 1.0 bag written straight into a tar stream (RFC 8493).

Payload files go under ``data/`` as they come, their SHA-256 taken on the way;
:meth:`BagTarWriter.finish` then writes ``manifest-sha256.txt``, ``bagit.txt``,
``bag-info.txt`` and ``tagmanifest-sha256.txt`` and returns the tag manifest's
bytes, for the case key to sign. Nothing is held but the file being written.
"""

from __future__ import annotations

import hashlib
import tarfile
from collections.abc import Callable, Iterable
from typing import BinaryIO

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


class BagTarWriter:
    """Writes tar (POSIX pax) members itself: a header, the bytes, padding; no copying in small pieces."""

    def __init__(self, stream: BinaryIO, bag_name: str, mtime: float,
                 on_bytes: Callable[[int], None] | None = None) -> None:
        self._out = stream
        self._written = 0
        self._bag = bag_name
        self._mtime = mtime
        self._payload: list[tuple[str, str]] = []
        self._tags: list[tuple[str, str]] = []
        self._payload_bytes = 0
        self._on_bytes = on_bytes or (lambda n: None)

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._written += len(data)

    def _add(self, path: str, data: bytes, sha256: str | None = None) -> str:
        info = tarfile.TarInfo(f"{self._bag}/{path}")
        info.size = len(data)
        info.mtime = int(self._mtime)
        info.mode = 0o644
        self._write(info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
        self._write(data)
        if len(data) % tarfile.BLOCKSIZE:
            self._write(bytes(tarfile.BLOCKSIZE - len(data) % tarfile.BLOCKSIZE))
        self._on_bytes(len(data))
        return sha256 or hashlib.sha256(data).hexdigest()

    def add_payload(self, path: str, data: bytes, sha256: str | None = None) -> str:
        """Add ``data/<path>``; return its SHA-256 (``sha256``, when the caller has just checked it)."""
        if path.startswith("/") or ".." in path.split("/") or "\n" in path or "\r" in path:
            raise ValueError(f"unsafe payload path {path!r}")
        digest = self._add(f"data/{path}", data, sha256)
        self._payload.append((digest, f"data/{path}"))
        self._payload_bytes += len(data)
        return digest

    def add_payload_stream(self, path: str, size: int, chunks: Iterable[bytes], sha256: str) -> str:
        """Add ``data/<path>`` of ``size`` bytes from ``chunks`` (a file too large to hold), with its known SHA-256.

        The source re-checks its own hashes as it ends (``Case.item_chunks``); a source that gives more or
        fewer bytes than ``size`` is refused here, and the whole export with it.
        """
        if path.startswith("/") or ".." in path.split("/") or "\n" in path or "\r" in path:
            raise ValueError(f"unsafe payload path {path!r}")
        info = tarfile.TarInfo(f"{self._bag}/data/{path}")
        info.size = size
        info.mtime = int(self._mtime)
        info.mode = 0o644
        self._write(info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
        written = 0
        for chunk in chunks:
            written += len(chunk)
            if written > size:
                raise ValueError(f"{path} gave more bytes than its recorded size")
            self._write(chunk)
            self._on_bytes(len(chunk))
        if written != size:
            raise ValueError(f"{path} gave fewer bytes than its recorded size")
        if size % tarfile.BLOCKSIZE:
            self._write(bytes(tarfile.BLOCKSIZE - size % tarfile.BLOCKSIZE))
        self._payload.append((sha256, f"data/{path}"))
        self._payload_bytes += size
        return sha256

    def _add_tag(self, path: str, data: bytes) -> None:
        self._tags.append((self._add(path, data), path))

    def finish(self, bag_info: dict[str, str]) -> bytes:
        """Write the manifests and tag files; return the tag manifest's bytes."""
        manifest = "".join(f"{digest}  {path}\n" for digest, path in self._payload).encode("utf-8")
        info = dict(bag_info)
        info["Payload-Oxum"] = f"{self._payload_bytes}.{len(self._payload)}"
        info_text = "".join(f"{key}: {_one_line(value)}\n" for key, value in info.items()).encode("utf-8")
        self._add_tag("bagit.txt", BAGIT_TXT)
        self._add_tag("bag-info.txt", info_text)
        self._add_tag("manifest-sha256.txt", manifest)
        tag_manifest = "".join(f"{digest}  {path}\n" for digest, path in self._tags).encode("utf-8")
        self._add("tagmanifest-sha256.txt", tag_manifest)
        return tag_manifest

    def add_untracked(self, path: str, data: bytes) -> None:
        """A file in the bag's root that no manifest lists (the signature over the tag manifest)."""
        self._add(path, data)

    def close(self) -> None:
        """The end-of-archive marker (two zero blocks), padded to a whole tar record."""
        self._write(bytes(2 * tarfile.BLOCKSIZE))
        if self._written % tarfile.RECORDSIZE:
            self._write(bytes(tarfile.RECORDSIZE - self._written % tarfile.RECORDSIZE))


def _one_line(value: str) -> str:
    return " ".join(str(value).split())
