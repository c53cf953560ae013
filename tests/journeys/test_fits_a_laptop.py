"""Every window a person meets fits a 1366x768 laptop: nothing needed is off-screen.

``scripts/laptop.py`` opens each window on a real X server (Xvfb) whose screen
is 1366x768, lets it size itself, and reports every button that is not wholly
inside the window and the screen less a title bar. None may be.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def report() -> dict[str, dict]:
    if not shutil.which("xvfb-run"):
        pytest.fail("xvfb-run is missing: install the Debian package xvfb (scripts/debian-packages.txt)")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    env.pop("DISPLAY", None)
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable,
                           str(ROOT / "scripts" / "laptop.py")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    return {line["window"]: line for line in lines}


NAMES = ["case-window", "describe", "stop-confirmation", "conclusion", "form-preview", "timeline", "help",
         "start", "wizard", "sign-in", "settings", "export", "verify"]


@pytest.mark.parametrize("name", NAMES)
def test_every_button_is_on_the_screen(report: dict[str, dict], name: str) -> None:
    shown = report[name]
    assert shown["screen"] == [1366, 768], shown
    width, height = shown["size"]
    assert width <= 1366 and height <= 768 - 40, f"{name} opens at {width}x{height}"
    assert shown["off_screen"] == [], f"{name}: {shown['off_screen']}"
