"""The export dialog checks the stick before it starts: too little room is said at once, nothing written."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.unit.ui.export.test_dialog import fill, window_for

pytestmark = pytest.mark.usefixtures("clean_qt")


@pytest.fixture
def tiny_stick(tmp_path: Path):
    mount_point = tmp_path / "stick"
    mount_point.mkdir()
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root on Linux (CI runs as root)")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
                            check=False, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=True)


def test_a_stick_without_room_is_refused_before_anything_is_written(qtbot, case, tiny_stick: Path) -> None:
    window = window_for(qtbot, case)
    dialog = window.extras.open_export()
    fill(dialog, tiny_stick)
    dialog.export_button.click()
    assert f"There is not enough space in {tiny_stick}: it has 2 MB free" in dialog.message.text()
    assert "Use a larger USB stick" in dialog.message.text()
    assert not dialog.running and list(tiny_stick.iterdir()) == []
