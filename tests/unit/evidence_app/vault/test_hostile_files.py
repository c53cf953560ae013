"""Hostile case files: every failure is an EvidenceError with a sentence, and one bad case lists beside the rest.

The header's checksum is plain SHA-256, so anyone can edit a field and make the
checksum right again; ``state.json`` has no checksum at all (its MAC needs the
key). Both are read before any passphrase is checked, so these tests edit them
freely (hypothesis), recompute the checksum, and expect opening to fail only
with an :class:`EvidenceError`, quickly and without great memory, while
``store.list()`` still lists every case.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence_app import EvidenceError, Status, TamperDetected
from evidence_app.vault import crypto
from evidence_app.vault.crypto import KDF_LIMITS, KdfParams
from tests.helpers.cases import PASSPHRASES, make_case, make_store

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=80)
    | st.sampled_from(["", "A", "ZZZZ", "é" * 64, "0" * 64, "argon2id", "AAAA", "2026-13-45T00:00:00.000Z"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, prefix + (index,))
    return found


def _set(document: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    document[path[0]] = _set(document[path[0]], path[1:], value)
    return document


def _with_checksum(body: dict[str, Any]) -> bytes:
    if not isinstance(body, dict):
        return json.dumps(body).encode("utf-8")
    body = dict(body)
    body.pop("checksum", None)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii", errors="replace")
    body["checksum"] = crypto.sha256_hex(canonical)
    return json.dumps(body, sort_keys=True, indent=1, ensure_ascii=True).encode("ascii")


@pytest.fixture(scope="module")
def two_cases(tmp_path_factory) -> tuple[Any, str, str, bytes, bytes]:
    store = make_store(tmp_path_factory.mktemp("hostile") / "cases")
    victim, other = make_case(store), make_case(store)
    victim.lock()
    other.lock()
    folder = store.root / victim.id
    return store, victim.id, other.id, (folder / "case.header").read_bytes(), (folder / "state.json").read_bytes()


def _expect_plain_failure_and_listing(store, victim: str, other: str) -> None:
    listed = {s.id: s for s in store.list()}
    assert set(listed) == {victim, other}
    assert listed[other].status is Status.OPEN
    start = time.monotonic()
    try:
        store.open(victim, PASSPHRASES).lock()
    except EvidenceError as exc:
        assert str(exc) and "Traceback" not in str(exc)
    assert time.monotonic() - start < 10


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_edited_header_with_its_checksum_recomputed_fails_only_in_plain_words(two_cases, data) -> None:
    store, victim, other, header, state = two_cases
    path = store.root / victim / "case.header"
    body = json.loads(header)
    where = data.draw(st.sampled_from(_paths(body)[1:]), label="field")
    value = data.draw(json_values, label="value")
    edited = _set(json.loads(header), where, value)
    try:
        path.write_bytes(_with_checksum(edited))
        _expect_plain_failure_and_listing(store, victim, other)
    finally:
        path.write_bytes(header)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_edited_status_file_fails_only_in_plain_words(two_cases, data) -> None:
    store, victim, other, header, state = two_cases
    path = store.root / victim / "state.json"
    body = json.loads(state)
    where = data.draw(st.sampled_from(_paths(body)), label="field")
    value = data.draw(json_values, label="value")
    try:
        path.write_text(json.dumps(_set(json.loads(state), where, value), ensure_ascii=False), encoding="utf-8")
        _expect_plain_failure_and_listing(store, victim, other)
    finally:
        path.write_bytes(state)


@pytest.mark.parametrize("name", ["case.header", "state.json"])
def test_deeply_nested_files_do_not_stop_the_listing(two_cases, name: str) -> None:
    store, victim, other, header, state = two_cases
    path = store.root / victim / name
    original = path.read_bytes()
    try:
        for nested in (b"[" * 200_000 + b"]" * 200_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000):
            path.write_bytes(nested)
            listed = {s.id: s.status for s in store.list()}
            assert listed == {victim: Status.UNREADABLE, other: Status.OPEN}
            with pytest.raises(TamperDetected):
                store.open(victim, PASSPHRASES)
    finally:
        path.write_bytes(original)


def test_a_non_ascii_mac_in_the_status_file_is_tampering(two_cases) -> None:
    store, victim, other, header, state = two_cases
    path = store.root / victim / "state.json"
    body = json.loads(state)
    body["mac"] = "é" * 64
    try:
        path.write_text(json.dumps(body), encoding="utf-8")
        with pytest.raises(TamperDetected):
            store.open(victim, PASSPHRASES)
    finally:
        path.write_bytes(state)


@pytest.mark.parametrize("field,value", [("iterations", 2**31 - 1), ("memory_kib", 1024 * 1024),
                                         ("lanes", 2**24), ("memory_kib", 2**70), ("iterations", 0),
                                         ("memory_kib", 256 * 1024 + 1)])
def test_a_header_asking_for_a_huge_key_derivation_cost_is_refused_at_once(two_cases, field, value) -> None:
    store, victim, other, header, state = two_cases
    path = store.root / victim / "case.header"
    body = json.loads(header)
    body["secrets"]["A"]["kdf"][field] = value
    try:
        path.write_bytes(_with_checksum(body))
        start = time.monotonic()
        with pytest.raises(TamperDetected, match="not a readable case header"):
            store.open(victim, PASSPHRASES)
        assert time.monotonic() - start < 1
    finally:
        path.write_bytes(header)


def test_the_kdf_limits_allow_the_recommended_cost_and_the_tests_cheap_one() -> None:
    for params in (KdfParams.recommended(), KdfParams.cheap_for_tests(), KdfParams(256 * 1024, 3, 4)):
        assert KdfParams.from_json(params.to_json()) == params
    assert KDF_LIMITS.problem(KdfParams(256 * 1024, 12, 4))


def test_an_oversized_header_is_refused_without_reading_it_all(two_cases) -> None:
    store, victim, other, header, state = two_cases
    path = store.root / victim / "case.header"
    try:
        path.write_bytes(header[:-2] + b" " * (64 * 1024 * 1024) + b"}\n")
        with pytest.raises(TamperDetected):
            store.open(victim, PASSPHRASES)
        assert {s.id for s in store.list()} == {victim, other}
    finally:
        path.write_bytes(header)


def test_leftover_creating_folders_are_shredded_and_removed(tmp_path: Path) -> None:
    import os

    store = make_store(tmp_path / "cases")
    case = make_case(store)
    case.lock()
    leftover = store.root / ".creating-EV-20260101-ABCDEF"
    leftover.mkdir()
    (leftover / "case.header").write_bytes(b"wrapped keys")
    fresh = store.root / ".creating-EV-20260101-GHJKMN"
    fresh.mkdir()
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    assert [s.id for s in store.list()] == [case.id]
    assert not leftover.exists() and fresh.exists()  # a case being made right now is left alone
