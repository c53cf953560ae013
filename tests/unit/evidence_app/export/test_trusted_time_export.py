"""The journal's trusted times in the police export: checked by verify_bundle and `evidence-app verify`.

The recipient checks each RFC 3161 token in the exported journal with their own trusted roots:
the token's imprint is the head it claims, the authority's signature verifies and chains to a root
they trust, and its time is plausible. A token for another head, put in by someone holding both
passphrases before the export, is named.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

from evidence_app import Kind, verify_bundle
from evidence_app.case.trusted_time import stamp_pending
from evidence_app.vault.rfc3161 import request_token
from tests.helpers.bundles import export
from tests.helpers.images import make_png
from tests.helpers.tsa import local_tsa

REPO = Path(__file__).resolve().parents[4]


def _stamped_case(case, ca_file: Path) -> None:
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    with local_tsa(ca_file) as url:
        outcome = stamp_pending(case, url)
    assert outcome.stamped == 1, outcome


def test_the_exported_journals_trusted_times_are_checked_with_the_recipients_roots(case, tmp_path: Path,
                                                                                    usb: Path) -> None:
    ca_file = tmp_path / "tsa.pem"
    _stamped_case(case, ca_file)
    result = export(case, usb)
    report = verify_bundle(result.folder, result.passphrase, trust_roots=ca_file)
    assert report.ok, report.text()
    line = next(check for check in report.checks if "time stamp(s) of the journal head" in check)
    assert "records 0 to" in line and "Test Time-Stamp Authority" in line

    # Without the authority among the roots they trust, the officer is told so, by name.
    untrusted = verify_bundle(result.folder, result.passphrase, trust_roots=_other_root(tmp_path))
    assert not untrusted.ok
    assert any("trusted time stamp" in str(p) and "no authority you trust vouches for it" in str(p)
               for p in untrusted.problems), untrusted.text()

    # The command line says the same (exit 0 with the roots).
    secret = tmp_path / "p.txt"
    secret.write_text(result.passphrase)
    done = subprocess.run([sys.executable, "-m", "evidence_app", "verify", str(result.folder), "--passphrase-file",
                           str(secret), "--trust-roots", str(ca_file)], cwd=REPO, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8"), timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "time stamp(s) of the journal head" in done.stdout


def _other_root(tmp_path: Path) -> Path:
    other = tmp_path / "other.pem"
    with local_tsa(other, name="Another Authority"):
        pass
    return other


def test_a_token_for_another_head_in_the_exported_journal_is_named(case, tmp_path: Path, usb: Path) -> None:
    """Someone with both passphrases journals a genuine token under a later head; the export names it."""
    ca_file = tmp_path / "tsa.pem"
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    with local_tsa(ca_file) as url:
        early = request_token(url, list(case.events())[0].line)
    last = list(case.events())[-1]
    case._append(Kind.TIMESTAMPED, {"seq": last.seq, "head": last.hash, "reason": "forged",
                                    "time": "2026-01-01T00:00:00Z", "authority": "x", "certificate_sha256": "",
                                    "token": base64.b64encode(early).decode()})
    result = export(case, usb)
    report = verify_bundle(result.folder, result.passphrase, trust_roots=ca_file)
    assert not report.ok
    named = [str(p) for p in report.problems if "trusted time stamp" in str(p)]
    assert named and "journal.jsonl" in named[0] and "not the journal head it claims" in named[0], report.text()
