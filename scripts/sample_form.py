#!/usr/bin/env python3
"""Make the sample incident form in docs/ from test data, and its pages as small PNGs.

Usage: .venv/bin/python scripts/sample_form.py [--kind small|big|sealed|police] [--out DIR]

Builds a throw-away case (cheap KDF, in a temporary folder that is deleted
afterwards), concludes it, renders the signed form and writes
``docs/sample-form.pdf`` and ``docs/sample-form-N.png`` (pdftoppm, 60 dpi).
Needs poppler-utils for the PNGs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence_app import render_form  # noqa: E402
from evidence_app.policy.sanctions import Conclusion  # noqa: E402
from tests.helpers.cases import make_store  # noqa: E402
from tests.helpers.images import make_png  # noqa: E402
from tests.unit.evidence_app.form.test_form_cases import ARABIC, POLISH, big_case, police_case, sealed_case, small_case  # noqa: E402


def sample_case(store, kind: str):  # type: ignore[no-untyped-def]
    if kind == "big":
        return big_case(store, captures=12, width=1024, height=640)
    if kind == "sealed":
        return sealed_case(store)
    if kind == "police":
        return police_case(store)
    case = small_case(store)
    case.record_visit(f"https://social.example/search?q={POLISH}", title=f"Search results ({ARABIC})")
    case.add_capture(make_png(900, 1500, seed=5), kind="page", url="https://social.example/post/1234",
                     note="Whole page, captured as one tall image: it runs over two pages.")
    case.conclude(Conclusion(
        substance="yes", subject="pupil", incident="sending-an-email-text-or-message-that",
        actions=("refer-headteacher", "inform-parents", "warning"),
        action_text="Parents invited to a meeting on Thursday; written warning; the pupil's class teacher "
                    "told to watch for any repeat.",
        summary="The concern has substance: the threatening post was made from the pupil's own account."))
    return case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("small", "big", "sealed", "police"), default="small")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "sample-form" if args.kind == "small" else f"sample-form-{args.kind}"
    with tempfile.TemporaryDirectory() as folder:
        case = sample_case(make_store(Path(folder) / "cases"), args.kind)
        try:
            pdf = render_form(case)
        finally:
            case.lock()
    target = args.out / f"{stem}.pdf"
    target.write_bytes(pdf)
    for old in args.out.glob(f"{stem}-[0-9]*.png"):
        old.unlink()
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(target), str(args.out / stem)], check=True)
    else:
        print("pdftoppm is not installed: no page images made", file=sys.stderr)
    print(f"{target}: {len(pdf):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
