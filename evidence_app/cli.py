"""The ``evidence-app`` command: start the application, or run a command-line task.

The core never imports Qt; starting the window imports the ``ui`` package
only when it is asked for, so command-line tasks run without a screen.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evidence-app",
        description="Evidence App: investigate suspected online misuse as the school policy asks.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--cases", metavar="FOLDER", help="use this case folder instead of the default")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("list", help="list the cases on this computer (no passphrase needed)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "list":
        from .store import CaseStore

        store = CaseStore(args.cases)
        cases = store.list()
        if not cases:
            print(f"No cases in {store.root}.")
        for summary in cases:
            print(f"{summary.id}  {summary.created}  {summary.status}")
        return 0
    try:
        from ui.app import run
    except ImportError as exc:  # PySide6 or its system libraries are missing
        print(f"evidence-app: the window cannot start: {exc}", file=sys.stderr)
        return 2
    return run(cases_root=args.cases)
