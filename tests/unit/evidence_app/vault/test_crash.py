"""Crash safety: SIGKILL (TerminateProcess on Windows) at random moments during captures, then reopen.

Every capture the core acknowledged must be there, byte for byte; the case
must open and verify; whatever was half-written is set aside and journaled.
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from evidence_app import Kind
from tests.helpers.cases import PASSPHRASES, make_case

REPO = Path(__file__).resolve().parents[4]
ROUNDS = int(os.environ.get("EVIDENCE_CRASH_ROUNDS", "30"))


def _run_and_kill(root: Path, case_id: str, seed: int, delay: float) -> list[tuple[str, str]]:
    lines: list[str] = []
    with subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.capture_loop", str(root), case_id, "200", str(seed)],
            cwd=REPO, stdout=subprocess.PIPE, text=True) as child:
        reader = threading.Thread(target=lambda: lines.extend(child.stdout), daemon=True)  # type: ignore[arg-type]
        reader.start()
        deadline = time.monotonic() + 30
        while "READY\n" not in lines and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.005)
        time.sleep(delay)
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up either way
        child.wait(timeout=30)
        reader.join(timeout=30)
    # A line the kill cut short is not counted: the parent never saw the acknowledgement whole.
    return [tuple(line.split()[1:3]) for line in lines  # type: ignore[misc]
            if line.startswith("ACK ") and line.endswith("\n") and len(line.split()) == 3]


@pytest.mark.slow
def test_sigkill_during_captures_never_loses_an_acknowledged_capture(store) -> None:
    case = make_case(store)
    case.lock()
    rng = random.Random(4242)
    acknowledged: dict[str, str] = {}
    for round_number in range(ROUNDS):
        acked = _run_and_kill(store.root, case.id, round_number, rng.uniform(0.0, 0.6))
        acknowledged.update(acked)
        opened = store.open(case.id, PASSPHRASES)
        try:
            report = opened.verify()
            stored = {c.id: c for c in opened.captures()}
            for capture_id, digest in acknowledged.items():
                assert capture_id in stored, f"round {round_number}: acknowledged {capture_id} is gone"
                assert stored[capture_id].sha256 == digest
            assert report.records == len(list(opened.events()))
            last = acked[-1][0] if acked else None
            if last:
                assert hashlib.sha256(opened.read_capture(last)).hexdigest() == acknowledged[last]
        finally:
            opened.lock()
    assert len(acknowledged) > ROUNDS  # the kills really landed mid-run, after some captures
    final = store.open(case.id, PASSPHRASES)
    repaired = [e for e in final.events() if e.kind == Kind.REPAIRED]
    final.lock()
    # Not every kill lands between a blob and its journal record; but every file set aside, however
    # many, has its REPAIRED record, and every REPAIRED record names a file that is there.
    folder = store.root / case.id
    set_aside = {f"recovered/{p.name}" for p in (folder / "recovered").glob("*")} | \
                {p.name for p in folder.glob("journal.torn-*")}
    assert {e.data["file"] for e in repaired} == set_aside
    assert len(repaired) == len(set_aside)
    print(f"{len(acknowledged)} captures acknowledged, {len(repaired)} repairs over {ROUNDS} kills")
