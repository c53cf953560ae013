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
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation without a screen (a throwaway case: browse, capture, "
                             "export, verify); exit 0 if it works")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("list", help="list the cases on this computer (no passphrase needed)")
    verify = commands.add_parser(
        "verify", help="check a police export bundle: exit 0 intact, 1 not intact, 2 could not read it",
        description="Decrypt (in memory) and check a police export bundle: the encrypted file's hash, "
                    "every file against the BagIt manifests, the case key's signature and the journal's "
                    "hash chain. Exit status: 0 intact, 1 not intact (the report names the file), "
                    "2 the bundle could not be read.")
    verify.add_argument("bundle", metavar="DIR", help="the bundle's folder (the one with README.txt)")
    verify.add_argument("--passphrase-file", metavar="F",
                        help="a file whose first line is the passphrase (otherwise it is asked for)")
    return parser


def _read_passphrase(path: str | None) -> str:
    if path is not None:
        with open(path, encoding="utf-8") as handle:
            return handle.readline().rstrip("\r\n")
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Passphrase for the bundle: ")
    return sys.stdin.readline().rstrip("\r\n")


def verify_command(bundle: str, passphrase_file: str | None) -> int:
    from .bundle_verify import BundleUnreadable, verify_bundle
    from .errors import EvidenceError

    try:
        passphrase = _read_passphrase(passphrase_file)
        report = verify_bundle(bundle, passphrase)
    except OSError as exc:
        print(f"evidence-app verify: cannot read {exc.filename or bundle}: {exc.strerror}", file=sys.stderr)
        return 2
    except BundleUnreadable as exc:
        print(f"evidence-app verify: {exc}", file=sys.stderr)
        return 2
    except EvidenceError as exc:
        print(f"evidence-app verify: {exc}", file=sys.stderr)
        return 2
    print(report.text(), end="")
    return 0 if report.ok else 1


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
    if args.command == "verify":
        return verify_command(args.bundle, args.passphrase_file)
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
