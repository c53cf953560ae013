"""SHA-256 of evidence, begun the moment the bytes arrive and finished beside the work that follows.

A screenshot is hashed, checked, encrypted, written and synced before it is
acknowledged. The hash is needed only by the journal record written last, so it
runs on a worker thread while the rest goes on: hashlib lets go of the
interpreter lock while it hashes, and so do the PNG check's CRCs, the write and
the sync. The bytes are immutable and the record waits for the digest, so what
is recorded is exactly the hash of what arrived; only the waiting is shorter.
Small inputs are hashed at once (a thread would cost more than it saves).
"""

from __future__ import annotations

import hashlib
from concurrent.futures import Future

from evidence_app.vault.alongside import begin

BACKGROUND_FROM_BYTES = 64 * 1024


def _hexdigest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class PendingDigest:
    """The SHA-256 of some bytes, being computed; :meth:`hexdigest` waits for it."""

    def __init__(self, data: bytes) -> None:
        self._done: str | None = None
        self._future: Future[str] | None = None
        if len(data) < BACKGROUND_FROM_BYTES:
            self._done = _hexdigest(data)
        else:
            self._future = begin(_hexdigest, data)

    def hexdigest(self) -> str:
        if self._done is None:
            assert self._future is not None
            self._done = self._future.result()
            self._future = None
        return self._done


def sha256_begun(data: bytes) -> PendingDigest:
    """Start hashing ``data`` (immutable bytes) now; ask the result for its hex digest when it is needed."""
    return PendingDigest(data)
