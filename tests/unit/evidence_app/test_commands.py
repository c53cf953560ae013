"""The command-line tasks as an officer on Windows meets them: a Notepad passphrase file, names
beyond ASCII, output redirected into a file (where Windows' ANSI code page cannot spell them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.bundles import export
from tests.helpers.images import make_png

REPO = Path(__file__).resolve().parents[3]


def _run(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONUTF8", "PYTHONIOENCODING")}
    if os.name != "nt":
        env["PYTHONIOENCODING"] = "cp1252"  # what a redirected stdout gets on a Windows in English
    return subprocess.run([sys.executable, "-m", "evidence_app", *args], cwd=REPO, capture_output=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=120)


def test_verify_reads_a_passphrase_file_with_a_byte_order_mark_and_prints_any_folder_name(case, tmp_path) -> None:
    case.add_capture(make_png(seed=3), kind="viewport", url="https://example.org/")
    stick = tmp_path / "Zoë Łukasz 证据"
    stick.mkdir()
    result = export(case, stick)
    secret = tmp_path / "passphrase.txt"
    secret.write_bytes(b"\xef\xbb\xbf" + result.passphrase.encode("utf-8") + b"\r\n")  # as Notepad saves it
    done = _run("verify", str(result.folder), "--passphrase-file", str(secret))
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, out + done.stderr.decode("utf-8", "replace")
    assert f"Bundle {result.folder}" in out and "INTACT: every check passed" in out


def test_an_error_about_a_non_ascii_folder_prints_too(tmp_path) -> None:
    missing = tmp_path / "Clé USB de Zoë"
    secret = tmp_path / "p.txt"
    secret.write_text("tiger-orbit-lemon-crane\n", encoding="utf-8")
    done = _run("verify", str(missing), "--passphrase-file", str(secret))
    assert done.returncode == 2
    assert "Zoë" in done.stderr.decode("utf-8") and "Traceback" not in done.stderr.decode("utf-8")
