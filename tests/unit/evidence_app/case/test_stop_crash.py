"""The stop is all-or-nothing: SIGKILL at every system call inside it, then reopen.

A child process flags a page while a capture of that page is in the case, and is
killed at the k-th write, fsync, truncate, rename ... (before the call, or, for a
write, half-way through it). Whatever instant it died at, the case reopens either
untouched by the stop (the flag never reached the disk) or sealed, with the
capture quarantined, the seal journaled, nothing new accepted, and a chain that
verifies; once ``flag_csam`` has returned, always the latter.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_app import CaseSealed, Kind, Quarantined, Status
from tests.helpers.cases import PASSPHRASES, make_case
from tests.helpers.fault_child import FLAGGED_URL
from tests.helpers.images import make_png

REPO = Path(__file__).resolve().parents[4]


def run_child(root: Path, case_id: str, scenario: str, faults: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "tests.helpers.fault_child", str(root), case_id, scenario, faults],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, -9, 15), done.stderr  # 15: TerminateProcess on Windows
    return [line for line in done.stdout.splitlines()]


def fault_reached(lines: list[str], nth: int) -> bool:
    """False once the scenario finished making fewer calls than ``nth``: no kill point is left."""
    calls = [int(line.split()[1]) for line in lines if line.startswith("CALLS ")]
    return not calls or calls[0] >= nth


def check_all_or_nothing(store, case_id: str, flagged_id: str, kept_id: str, returned: bool) -> str:
    case = store.open(case_id, PASSPHRASES)
    try:
        case.verify()
        kinds = [e.kind for e in case.events()]
        if Kind.FLAGGED not in kinds:
            assert not returned, "flag_csam returned but no flag is in the journal"
            assert case.status is Status.OPEN
            assert case.read_capture(flagged_id)
            return "nothing"
        assert case.status is Status.SEALED
        flag = kinds.index(Kind.FLAGGED)
        assert Kind.QUARANTINED in kinds[flag:] and Kind.SEALED in kinds[flag:]
        assert [c.id for c in case.captures() if c.quarantined] == [flagged_id]
        with pytest.raises(Quarantined):
            case.read_capture(flagged_id)
        assert case.read_capture(kept_id)
        with pytest.raises(CaseSealed):
            case.add_capture(make_png(seed=9), kind="viewport", url=FLAGGED_URL)
        with pytest.raises(CaseSealed):
            case.record_visit(FLAGGED_URL)
        return "sealed"
    finally:
        case.lock()


@pytest.mark.slow
def test_a_kill_at_any_instant_inside_the_stop_leaves_it_all_or_nothing(store) -> None:
    case = make_case(store)
    flagged = case.add_capture(make_png(seed=1), kind="viewport", url=FLAGGED_URL + "#top")
    kept = case.add_capture(make_png(seed=2), kind="viewport", url="https://example.org/other")
    case.lock()
    folder = store.root / case.id
    pristine = store.root.parent / "pristine"
    shutil.copytree(folder, pristine)
    outcomes: dict[str, int] = {}
    rounds = 0
    for mode, op in (("kill", "*"), ("half", "write")):
        nth = 1
        while True:
            shutil.rmtree(folder)
            shutil.copytree(pristine, folder)
            lines = run_child(store.root, case.id, "stop", f"{op}:{nth}:{mode}")
            if not fault_reached(lines, nth):
                break
            outcome = check_all_or_nothing(store, case.id, flagged.id, kept.id, "RETURNED" in lines)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            rounds += 1
            nth += 1
    print(f"stop: {rounds} kill points, outcomes {outcomes}")
    assert outcomes.get("sealed", 0) > 10 and outcomes.get("nothing", 0) >= 1
