"""The property behind issue 13: verify passes a bundle only when ``tar -x`` would write exactly the genuine files.

Hypothesis mutates a real bundle's archive as a forger holding the passphrase
could (member names, order, added, removed, duplicated and linked members,
flipped bytes), re-encrypts it to the bundle's own key and fixes the
``.sha256``. Whenever verify says intact, GNU tar extracts the archive and the
files it leaves must be byte for byte the genuine ones.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence_app import verify_bundle
from tests.helpers.bundles import Members, export, info, members, reseal, tar_of
from tests.helpers.images import make_png

pytestmark = pytest.mark.skipif(shutil.which("tar") is None, reason="GNU tar is needed")

STYLES = ["./", "//", "upper", "dotdot", "absolute", "trailing-dot", "backslash", "same"]
ADDED = ["data/extra.txt", "notes.txt", "data/captures/C0001.png", "bagit.txt", "data/captures/c0001.png",
         "tagmanifest-sha256.txt.sig"]


def _respell(name: str, style: str) -> str:
    bag, _, rest = name.replace("\\", "/").lstrip("/").partition("/")  # an alias of an alias too
    return {"./": f"{bag}/./{rest}", "//": f"{bag}//{rest}", "upper": f"{bag}/{rest.upper()}",
            "dotdot": f"{bag}/data/../{rest}", "absolute": f"/{name}", "trailing-dot": f"{name}.",
            "backslash": f"{bag}\\{rest}", "same": name}[style]


benign = st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 50))  # re-ordering changes nothing on disk
operation = st.one_of(
    benign, benign, benign,
    st.tuples(st.just("alias"), st.integers(0, 50), st.sampled_from(STYLES), st.booleans()),
    st.tuples(st.just("drop"), st.integers(0, 50)),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("flip"), st.integers(0, 50), st.integers(0, 10_000)),
    st.tuples(st.just("add"), st.sampled_from(ADDED), st.binary(max_size=40)),
    st.tuples(st.just("link"), st.integers(0, 50), st.booleans()),
)


def _mutate(items: Members, operations: list[tuple]) -> Members:
    items = [(copy.copy(i), d) for i, d in items]
    for op in operations:
        if not items:
            break
        kind, index = op[0], op[1] if isinstance(op[1], int) else 0
        index %= len(items)
        member, data = items[index]
        if kind == "alias":
            _, _, style, keep_original = op
            renamed = copy.copy(member)
            renamed.name = _respell(member.name, style)
            if keep_original:
                items.append((renamed, data + b"forged"))
            else:
                items[index] = (renamed, data)
        elif kind == "drop":
            del items[index]
        elif kind == "move":
            items.insert(op[2] % len(items), items.pop(index))
        elif kind == "flip" and data:
            changed = bytearray(data)
            changed[op[2] % len(changed)] ^= 0x01
            items[index] = (member, bytes(changed))
        elif kind == "add":
            items.append((info(f"{items[0][0].name.split('/')[0]}/{op[1]}"), op[2]))
        elif kind == "link":
            link = copy.copy(member)
            link.type = tarfile.SYMTYPE if op[2] else tarfile.LNKTYPE
            link.linkname = items[0][0].name
            items[index] = (link, b"")
    return items


def _tree(tar_bytes: bytes, where: Path) -> dict[str, bytes]:
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir()
    subprocess.run(["tar", "-x", "-C", str(where)], input=tar_bytes, capture_output=True, timeout=60)
    return {str(p.relative_to(where)): p.read_bytes() for p in sorted(where.rglob("*"))
            if p.is_file() or p.is_symlink()}


def test_verify_passes_only_what_extracts_to_the_genuine_files(case, tmp_path: Path) -> None:
    for n in range(2):
        case.add_capture(make_png(seed=n), kind="viewport", url=f"https://example.org/{n}")
    usb = tmp_path / "usb"
    usb.mkdir()
    result = export(case, usb)
    genuine_members = members(result)
    genuine = _tree(tar_of(genuine_members), tmp_path / "genuine")
    assert genuine and verify_bundle(result.folder, result.passphrase).ok
    seen = {"intact": 0, "not intact": 0}

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(operation, min_size=1, max_size=4))
    def check(operations: list[tuple]) -> None:
        mutated = tar_of(_mutate(genuine_members, operations))
        reseal(result, mutated, debian=False)
        report = verify_bundle(result.folder, result.passphrase)
        seen["intact" if report.ok else "not intact"] += 1
        if report.ok:
            assert _tree(mutated, tmp_path / "disk") == genuine, (operations, report.text())
        else:
            assert report.problems and all(p.detail for p in report.problems)

    check()
    assert seen["not intact"] > 0 and seen["intact"] > 0, seen
