"""The mutation harness: break each rule a court relies on, one at a time, and see a test fail.

Each mutant in ``scripts/mutants.toml`` names a rule, a file, an exact piece of code to find and
what to put in its place, and the tests that guard the rule. For every mutant the harness copies
the working tree (tracked and new files, as they are now) into a scratch folder, applies the edit
there, checks that the mutated module still compiles, runs the guarding tests with ``-x``, and
throws the copy away: the working tree itself is never touched, so an interrupted run leaves no
mutant behind.

A mutant is *killed* when a guarding test fails, *survives* when they all pass (a rule without a
guard: write the test), and is *stale* when its code is no longer in the file (update the mutant).
Exit status: 0 every mutant killed, 1 a survivor or a stale mutant, 2 the harness could not run.

    scripts/mutate                      # all of them (about 20-40 minutes on two cores)
    scripts/mutate --only blob-hash     # those whose name contains the text
    scripts/mutate --list               # the rules, one a line
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MUTANTS = REPO / "scripts" / "mutants.toml"


@dataclass(frozen=True)
class Mutant:
    name: str
    rule: str
    file: str
    find: str
    replace: str
    tests: tuple[str, ...]
    equivalent: str = ""   # why it cannot be killed, when that is so; such a mutant is reported, not run
    timeout: float | None = None  # seconds, for a mutant that makes its tests hang (a hang kills it)


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    verdict: str          # killed, survived, stale, invalid, equivalent
    seconds: float
    detail: str = ""


def load_mutants(path: Path = MUTANTS) -> list[Mutant]:
    with path.open("rb") as handle:
        table = tomllib.load(handle)
    mutants = []
    for entry in table["mutant"]:
        mutants.append(Mutant(name=entry["name"], rule=entry["rule"], file=entry["file"], find=entry["find"],
                              replace=entry["replace"], tests=tuple(entry["tests"]),
                              equivalent=entry.get("equivalent", ""), timeout=entry.get("timeout")))
    names = [m.name for m in mutants]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SystemExit(f"mutants.toml: names used twice: {', '.join(duplicates)}")
    return mutants


def _tree_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode("utf-8").split("\0")
    return [name for name in listed if name and (REPO / name).is_file()]


def copy_tree(dest: Path) -> None:
    """The working tree as it is now, without .git, .venv or build output."""
    for name in _tree_files():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)


def run_mutant(mutant: Mutant, scratch: Path, python: str, timeout: float) -> Outcome:
    start = time.monotonic()
    if mutant.equivalent:
        return Outcome(mutant, "equivalent", 0.0, mutant.equivalent)
    path = scratch / mutant.file
    if not path.exists():
        return Outcome(mutant, "stale", 0.0, f"{mutant.file} does not exist")
    original = path.read_text(encoding="utf-8")
    count = original.count(mutant.find)
    if count != 1:
        return Outcome(mutant, "stale", 0.0, f"the code to change is found {count} times in {mutant.file}")
    mutated = original.replace(mutant.find, mutant.replace)
    try:
        compile(mutated, str(path), "exec")
    except SyntaxError as exc:
        return Outcome(mutant, "invalid", 0.0, f"the mutant does not compile: {exc}")
    path.write_text(mutated, encoding="utf-8")
    try:
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                   PYTHONDONTWRITEBYTECODE="1")
        command = [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutant.tests]
        try:
            result = subprocess.run(command, cwd=scratch, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return Outcome(mutant, "killed", time.monotonic() - start, f"the tests ran past {timeout:.0f} s")
        last = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
        if result.returncode == 0:
            return Outcome(mutant, "survived", time.monotonic() - start, last)
        if result.returncode in (2, 3, 4, 5):  # interrupted, internal error, usage error, no tests collected
            return Outcome(mutant, "invalid", time.monotonic() - start,
                           f"pytest could not run the guarding tests (exit {result.returncode}): {last}")
        return Outcome(mutant, "killed", time.monotonic() - start, last)
    finally:
        path.write_text(original, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/mutate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", metavar="TEXT", help="run the mutants whose name contains TEXT")
    parser.add_argument("--list", action="store_true", help="list the mutants and the rule each breaks")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for one mutant's tests (600)")
    parser.add_argument("--python", default=sys.executable, help="the Python that runs the tests")
    args = parser.parse_args(argv)
    try:
        mutants = load_mutants()
    except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        print(f"scripts/mutate: cannot read {MUTANTS}: {exc}", file=sys.stderr)
        return 2
    if args.only:
        mutants = [m for m in mutants if args.only in m.name]
    if args.list:
        for mutant in mutants:
            print(f"{mutant.name:40} {mutant.rule}")
        return 0
    if not mutants:
        print("scripts/mutate: no mutant matches", file=sys.stderr)
        return 2
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="evidence-mutants-") as folder:
        scratch = Path(folder)
        copy_tree(scratch)
        for number, mutant in enumerate(mutants, 1):
            outcome = run_mutant(mutant, scratch, args.python, mutant.timeout or args.timeout)
            outcomes.append(outcome)
            print(f"[{number:2}/{len(mutants)}] {outcome.verdict.upper():10} {mutant.name:38} "
                  f"{outcome.seconds:6.1f} s  {outcome.detail}", flush=True)
    killed = sum(o.verdict == "killed" for o in outcomes)
    equivalent = sum(o.verdict == "equivalent" for o in outcomes)
    bad = [o for o in outcomes if o.verdict in ("survived", "stale", "invalid")]
    counted = len(outcomes) - equivalent
    print(f"\n{killed} of {counted} mutants killed ({100 * killed / max(counted, 1):.0f}%), "
          f"{equivalent} equivalent, {len(bad)} not killed.")
    for outcome in bad:
        print(f"  {outcome.verdict}: {outcome.mutant.name}: {outcome.mutant.rule} ({outcome.detail})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
