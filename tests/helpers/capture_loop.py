"""A child process for crash tests: opens a case and captures until killed.

Usage: python -m tests.helpers.capture_loop ROOT CASE_ID COUNT SEED
Prints ``ACK <capture id> <sha256>`` after each capture returns (that is, once
the core says it is durable), flushing every line, so the parent knows exactly
what was acknowledged before it sends SIGKILL.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.helpers.cases import PASSPHRASES, make_store
from tests.helpers.images import make_png


def main() -> None:
    root, case_id, count, seed = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    case = make_store(root).open(case_id, PASSPHRASES)
    print("READY", flush=True)
    for n in range(count):
        capture = case.add_capture(make_png(32, 24, seed=seed * 1000 + n), kind="viewport",
                                   url=f"https://example.org/{seed}/{n}", note=f"note {n}")
        print("ACK", capture.id, capture.sha256, flush=True)
        case.record_visit(f"https://example.org/{seed}/{n}/next")
        print("VISIT", flush=True)
    case.lock()
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
