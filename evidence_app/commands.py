"""The core's command-line tasks, which need no screen and no Qt: list the cases, verify a bundle.

``python -m evidence_app verify DIR`` runs them on their own (an officer's machine needs nothing
else); the ``evidence-app`` command (:mod:`ui.main`) offers the same tasks beside the window.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from evidence_app import __version__
from evidence_app.errors import EvidenceError


def build_parser(prog: str = "evidence-app") -> argparse.ArgumentParser:
    """The parser for the command-line tasks; :mod:`ui.main` adds the window's own options to it."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Evidence App: investigate suspected online misuse as the school policy asks.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--cases", metavar="FOLDER", help="use this case folder instead of the default")
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
    verify.add_argument("--expect-fingerprint", metavar="HEX",
                        help="the case key fingerprint printed on the form (spaces allowed): "
                             "a bundle signed by any other key is not intact")
    verify.add_argument("--expect-head", metavar="HEX",
                        help="the journal head printed on the form: a bundle whose journal does not "
                             "hold it (another case, an older export) is not intact")
    verify.add_argument("--trust-roots", metavar="PEM",
                        help="certificates (PEM) of the time-stamp authorities you trust; "
                             "without it, the system's trusted roots")
    share = commands.add_parser(
        "share-cases", help="make the case folder computer-wide, for a pair with two Windows accounts "
                            "(run once, as an administrator)",
        description="Make a computer-wide case folder (default: C:\\ProgramData\\Evidence App on Windows) "
                    "that every account on this computer may use, and keep this computer's settings "
                    "there, so the cases, the school key and the incident register are the same whoever "
                    "signs in. Cases an account made before in its own folder are offered for moving when that "
                    "account next starts Evidence App (nothing is moved by this command).")
    share.add_argument("--folder", metavar="FOLDER", help="keep the cases in another folder (a full path, e.g. on "
                                                           "another drive); the settings naming it stay in the "
                                                           "computer-wide folder, where every account looks")
    return parser


def _utf8_when_redirected() -> None:
    """Output into a file or a pipe is UTF-8, so that any name prints (Windows would use its ANSI code page)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and not stream.isatty() and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            reconfigure(encoding="utf-8")


def _read_passphrase(path: str | None) -> str:
    if path is not None:
        # utf-8-sig: Windows Notepad may begin the file with a byte-order mark.
        with open(path, encoding="utf-8-sig") as handle:
            return handle.readline().rstrip("\r\n")
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Passphrase for the bundle: ")
    return sys.stdin.readline().rstrip("\r\n")


def verify_command(bundle: str, passphrase_file: str | None, *, expect_fingerprint: str | None = None,
                   expect_head: str | None = None, trust_roots: str | None = None) -> int:
    """Check a bundle and print the report: 0 intact, 1 not intact, 2 could not read it."""
    from evidence_app.export.verify import BundleUnreadable, verify_bundle

    for given, what, length in ((expect_fingerprint, "--expect-fingerprint", 64), (expect_head, "--expect-head", 64)):
        digits = "".join((given or "").split()).replace(":", "")
        if given is not None and (len(digits) != length or any(c not in "0123456789abcdefABCDEF" for c in digits)):
            print(f"evidence-app verify: {what} takes the {length} hexadecimal digits printed on the form.",
                  file=sys.stderr)
            return 2
    try:
        passphrase = _read_passphrase(passphrase_file)
        report = verify_bundle(bundle, passphrase, expect_fingerprint=expect_fingerprint, expect_head=expect_head,
                               trust_roots=trust_roots)
    except OSError as exc:
        print(f"evidence-app verify: cannot read {exc.filename or bundle}: {exc.strerror}", file=sys.stderr)
        return 2
    except (BundleUnreadable, EvidenceError) as exc:
        print(f"evidence-app verify: {exc}", file=sys.stderr)
        return 2
    print(report.text(), end="")
    return 0 if report.ok else 1


def list_command(cases: str | None) -> int:
    """Print the cases on this computer: id, created, status (no passphrase, no personal data)."""
    from evidence_app.case.store import CaseStore

    store = CaseStore(cases)
    summaries = store.list()
    if not summaries:
        print(f"No cases in {store.root}.")
    for summary in summaries:
        print(f"{summary.id}  {summary.created}  {summary.status}")
    return 0


def share_command(folder: str | None) -> int:
    """Make the case folder computer-wide; print where it is."""
    from evidence_app.school import settings
    from evidence_app.school.sharing import share_with_every_account

    try:
        written = share_with_every_account(folder, settings.load())
    except EvidenceError as exc:
        print(f"evidence-app share-cases: {exc}", file=sys.stderr)
        return 2
    cases = settings.load(written).cases_folder
    print(f"Every account on this computer now uses the cases in {cases} and the settings in {written}.")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run the task ``args.command`` names (``list``, ``verify`` or ``share-cases``)."""
    _utf8_when_redirected()
    if args.command == "list":
        return list_command(args.cases)
    if args.command == "share-cases":
        return share_command(args.folder)
    return verify_command(args.bundle, args.passphrase_file, expect_fingerprint=args.expect_fingerprint,
                          expect_head=args.expect_head, trust_roots=args.trust_roots)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m evidence_app``: the tasks only; with no task, say how to start the window."""
    parser = build_parser("python -m evidence_app")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        print("\nThe application's window starts with the evidence-app command.")
        return 2
    return run(args)
