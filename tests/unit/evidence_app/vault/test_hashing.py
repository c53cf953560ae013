"""The hash begun on arrival is the hash of exactly those bytes, small or large, from any thread."""

from __future__ import annotations

import hashlib
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_app.vault.hashing import BACKGROUND_FROM_BYTES, sha256_begun
from tests.helpers.cases import make_case, make_store
from tests.helpers.images import make_png


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2048) | st.integers(BACKGROUND_FROM_BYTES - 2, BACKGROUND_FROM_BYTES + 300_000).map(
    lambda n: bytes(range(256)) * (n // 256) + b"\x07" * (n % 256)))
def test_the_digest_is_the_sha256_of_the_bytes(data: bytes) -> None:
    assert sha256_begun(data).hexdigest() == hashlib.sha256(data).hexdigest()


def test_large_inputs_hashed_at_once_from_many_threads_each_get_their_own_digest() -> None:
    original = hashlib.sha256
    data = b"evidence" * (BACKGROUND_FROM_BYTES // 4)
    pending = sha256_begun(data)
    first = pending.hexdigest()
    assert first == pending.hexdigest() == original(data).hexdigest()
    # Several captures at once (two windows): each gets its own digest.
    inputs = [bytes([n]) * (BACKGROUND_FROM_BYTES + n) for n in range(8)]
    results: dict[int, str] = {}

    def capture(n: int) -> None:
        results[n] = sha256_begun(inputs[n]).hexdigest()

    threads = [threading.Thread(target=capture, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: original(inputs[n]).hexdigest() for n in range(8)}


def test_a_capture_records_the_hash_of_the_bytes_that_arrived_even_if_the_caller_changes_its_buffer(tmp_path) -> None:
    case = make_case(make_store(tmp_path))
    png = make_png(800, 600, seed=3, noise=0.05)
    buffer = bytearray(png)
    capture = case.add_capture(buffer, kind="screen", url="https://example.org/", note="n")
    buffer[100:200] = bytes(100)  # the caller reuses its buffer afterwards
    assert capture.sha256 == hashlib.sha256(png).hexdigest()
    assert case.read_capture(capture.id) == png
    case.lock()
