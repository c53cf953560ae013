"""The export dialog checks the stick before it starts: too little room is said at once, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.disks import small_disk as small_tmpfs
from tests.unit.ui.export.test_dialog import fill, window_for

pytestmark = pytest.mark.usefixtures("clean_qt")


@pytest.fixture
def tiny_stick(tmp_path: Path):
    """A real 2 MiB file system (a tmpfs; needs root, as CI runs)."""
    with small_tmpfs(tmp_path / "stick") as mount_point:
        yield mount_point


def test_a_stick_without_room_is_refused_before_anything_is_written(qtbot, case, tiny_stick: Path) -> None:
    window = window_for(qtbot, case)
    dialog = window.extras.open_export()
    fill(dialog, tiny_stick)
    dialog.export_button.click()
    assert f"There is not enough space in {tiny_stick}: it has 2 MB free" in dialog.message.text()
    assert "Use a larger USB stick" in dialog.message.text()
    assert not dialog.running and list(tiny_stick.iterdir()) == []
