"""The property of issue 13 for a time-stamped bundle: its RFC 3161 token attacked byte by byte.

The bundle carries a real token from the local test authority, trusted through
``--trust-roots``. Hypothesis mutates the archive as a forger holding the
passphrase could, most often the token's member: bytes flipped (any mask), cut
short, extended, spliced, the member duplicated, aliased or dropped, mixed with
the general mutations of ``test_verify_property``. Whenever verify says intact,
GNU tar extracts the archive and the files must be byte for byte the genuine
ones; and verify never stops with anything but its own error tree, whatever
the token holds.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence_app import verify_bundle
from evidence_app.errors import EvidenceError
from tests.helpers.bundles import Members, export, members, reseal, tar_of
from tests.helpers.images import make_png
from tests.helpers.tsa import local_tsa
from tests.unit.evidence_app.export.test_verify_property import (
    STYLES,
    _mutate,
    _tree,
    operation,
)

pytestmark = pytest.mark.skipif(shutil.which("tar") is None, reason="GNU tar is needed")

TOKEN = "tagmanifest-sha256.txt.tsr"
on_token = st.one_of(
    st.tuples(st.just("xor"), st.integers(0, 4000), st.integers(1, 255)),
    st.tuples(st.just("xor"), st.integers(0, 4000), st.sampled_from([0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80])),
    st.tuples(st.just("cut"), st.integers(0, 4000)),
    st.tuples(st.just("extend"), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("splice"), st.integers(0, 4000), st.binary(min_size=1, max_size=4)),
    st.tuples(st.just("twice"), st.booleans()),
    st.tuples(st.just("token-alias"), st.sampled_from(STYLES), st.booleans()),
    st.tuples(st.just("token-drop")),
)
step = st.one_of(on_token, on_token, on_token, operation)


def _on_token(items: Members, op: tuple) -> Members:
    found = [n for n, (member, _) in enumerate(items) if member.name.endswith(TOKEN)]
    if not found:
        return items
    index = found[0]
    member, data = items[index]
    kind = op[0]
    if kind == "token-alias":
        return _mutate(items, [("alias", index, op[1], op[2])])
    if kind == "token-drop":
        return _mutate(items, [("drop", index)])
    if kind == "twice":  # the same member again, the same or one byte changed
        again = data if op[1] or not data else data[:-1] + bytes([data[-1] ^ 1])
        return [*items, (copy.copy(member), again)]
    changed = bytearray(data)
    if kind == "xor" and changed:
        changed[op[1] % len(changed)] ^= op[2]
    elif kind == "cut":
        del changed[op[1] % (len(changed) + 1):]
    elif kind == "extend":
        changed += op[1]
    elif kind == "splice":
        changed[op[1] % (len(changed) + 1):op[1] % (len(changed) + 1)] = op[2]
    return [*items[:index], (copy.copy(member), bytes(changed)), *items[index + 1:]]


def _apply(genuine: Members, steps: list[tuple]) -> Members:
    items = [(copy.copy(i), d) for i, d in genuine]
    for op in steps:
        items = _on_token(items, op) if op[0] in {"xor", "cut", "extend", "splice", "twice", "token-alias",
                                                    "token-drop"} else _mutate(items, [op])
    return items


def test_verify_passes_a_time_stamped_bundle_only_when_it_extracts_to_the_genuine_files(case, tmp_path: Path) -> None:
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/1")
    usb = tmp_path / "usb"
    usb.mkdir()
    roots = tmp_path / "tsa.pem"
    with local_tsa(roots) as url:
        result = export(case, usb, tsa_url=url)
    genuine_members = members(result)
    assert any(i.name.endswith(TOKEN) for i, _ in genuine_members)
    genuine = _tree(tar_of(genuine_members), tmp_path / "genuine")
    first = verify_bundle(result.folder, result.passphrase, trust_roots=roots)
    assert first.ok and any("RFC 3161 time stamp over" in c for c in first.checks), first.text()
    seen = {"intact": 0, "not intact": 0}

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(step, min_size=1, max_size=3))
    def check(steps: list[tuple]) -> None:
        mutated = tar_of(_apply(genuine_members, steps))
        reseal(result, mutated, debian=False)
        try:
            report = verify_bundle(result.folder, result.passphrase, trust_roots=roots)
        except EvidenceError:
            seen["not intact"] += 1
            return
        seen["intact" if report.ok else "not intact"] += 1
        if report.ok:
            assert _tree(mutated, tmp_path / "disk") == genuine, (steps, report.text())
        else:
            assert report.problems and all(p.detail for p in report.problems)

    check()
    assert seen["not intact"] > 0 and seen["intact"] > 0, seen
