"""The ``evidence-app`` command: start the application, run its self-test, or a command-line task.

The tasks (``list``, ``verify``) are the core's (:mod:`evidence_app.commands`) and run without
importing Qt; the window and the self-test import it only when they are asked for.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from evidence_app import commands


def build_parser() -> argparse.ArgumentParser:
    """The core's tasks, and the options only the application has."""
    parser = commands.build_parser()
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation without a screen (a throwaway case: browse, capture, "
                             "export, verify); exit 0 if it works")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is not None:
        return commands.run(args)
    if args.self_test:
        try:
            from ui.selftest import main as self_test
        except ImportError as exc:  # PySide6 or its system libraries are missing
            print(f"evidence-app: the self-test cannot start: {exc}", file=sys.stderr)
            return 2
        return self_test()
    try:
        from ui.app import run
    except ImportError as exc:  # PySide6 or its system libraries are missing
        print(f"evidence-app: the window cannot start: {exc}", file=sys.stderr)
        return 2
    return run(cases_root=args.cases)


if __name__ == "__main__":
    sys.exit(main())
