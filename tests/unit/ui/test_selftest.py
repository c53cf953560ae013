"""``evidence-app --self-test`` from source: passes on a working install, fails plainly, never hangs.

Each run is a subprocess, as a person (or the frozen-build test) would start it:
the self-test owns its QApplication, its QtWebEngine and a watchdog that may
end the process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

STEPS = ("local web server", "school key made", "case created", "application loaded", "browser started", "page loaded",
         "visible area captured", "journal checked", "form made", "case exported", "export verified",
         "the stop")
RUN_TIMEOUT_S = 150


def run_python(code_or_args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TMPDIR=str(tmp_path), TEMP=str(tmp_path), TMP=str(tmp_path))
    return subprocess.run([sys.executable, *code_or_args], capture_output=True, text=True, env=env,
                          timeout=RUN_TIMEOUT_S, check=False)


def left_behind(tmp_path: Path) -> list[Path]:
    return sorted(tmp_path.glob("evidence-selftest-*"))


def test_self_test_from_source_passes_every_step_and_leaves_nothing(tmp_path: Path) -> None:
    result = run_python(["-m", "ui", "--self-test"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "self-test (from source" in lines[0]
    for step in STEPS:
        assert any(line.strip().startswith(f"ok      {step}:") for line in lines), (step, result.stdout)
    assert "FAILED" not in result.stdout
    assert lines[-1].startswith(f"Self-test passed: {len(STEPS)} steps")
    assert left_behind(tmp_path) == []


def test_a_failing_step_is_named_in_plain_words_and_exits_1(tmp_path: Path) -> None:
    code = ("import ui.selftest as t\n"
            "t.PAGE = b'<!doctype html><title>Nothing here</title><p>no marker</p>'\n"
            "raise SystemExit(t.run())\n")
    result = run_python(["-c", code], tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "  FAILED  page loaded: the marker was not found in the page (its title: 'Nothing here')" \
        in result.stdout
    assert result.stdout.splitlines()[-1].startswith("Self-test FAILED at page loaded:")
    assert "visible area captured" not in result.stdout  # nothing after the failure runs
    assert left_behind(tmp_path) == []  # the temporary case is still cleaned up


def test_a_stuck_step_is_ended_by_the_watchdog_with_status_3(tmp_path: Path) -> None:
    code = ("import time, ui.selftest as t\n"
            "t.SelfTest.make_case = lambda self: time.sleep(120)\n"
            "raise SystemExit(t.run(time_limit_s=3))\n")
    result = run_python(["-c", code], tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Self-test FAILED: no result after 3 s (stuck at: case created)." in result.stdout


def test_the_option_is_in_the_command_line_help() -> None:
    from ui.main import build_parser

    assert "--self-test" in build_parser().format_help()
    assert build_parser().parse_args(["--self-test"]).self_test is True
