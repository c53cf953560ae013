"""The frame test again in a browser that runs each site in a process of its own (``--site-per-process``).

Qt does not isolate sites by default, but Chromium may, and then a frame from another
site is a target of its own whose responses reach the recorder only because it attaches
to it. QtWebEngine reads its flags once per process, hence a child pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cross_site_frames_are_recorded_when_sites_are_isolated() -> None:
    env = dict(os.environ)
    env["QTWEBENGINE_CHROMIUM_FLAGS"] = (env.get("QTWEBENGINE_CHROMIUM_FLAGS", "") + " --site-per-process").strip()
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-x",
                             "tests/end2end/test_browser_responses.py", "-k", "frame_from_another_site"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
