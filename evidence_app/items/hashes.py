"""SHA-256, MD5 and SHA-1 of a file in one pass (many police hash tools still use MD5 and SHA-1)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Hashes:
    """The three hashes of the exact bytes, as lowercase hex."""

    sha256: str
    md5: str
    sha1: str

    def to_json(self) -> dict[str, str]:
        return {"sha256": self.sha256, "md5": self.md5, "sha1": self.sha1}


class MultiHash:
    """Feed bytes once with :meth:`update`; :meth:`result` gives all three hashes."""

    def __init__(self) -> None:
        self._sha256 = hashlib.sha256()
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._sha1 = hashlib.sha1(usedforsecurity=False)
        self.size = 0

    def update(self, data: bytes | bytearray | memoryview) -> None:
        self._sha256.update(data)
        self._md5.update(data)
        self._sha1.update(data)
        self.size += len(data)

    def result(self) -> Hashes:
        return Hashes(self._sha256.hexdigest(), self._md5.hexdigest(), self._sha1.hexdigest())
