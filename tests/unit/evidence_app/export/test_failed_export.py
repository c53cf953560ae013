"""An export that fails part-way leaves no bundle and does not grow the vault at every attempt (issue 16, item 8).

The stick has room when the export starts (its check passes); another program fills it while the
bundle is written, as a backup or a second copy onto the same stick would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence_app import Kind, StorageError
from tests.helpers.bundles import export
from tests.helpers.disks import fill_leaving, small_disk
from tests.helpers.images import make_png


def test_an_export_tried_again_after_a_full_stick_keeps_one_form(case, tmp_path: Path) -> None:
    for seed in range(3):
        case.add_capture(make_png(300, 200, seed=seed, noise=0.9), kind="page", url=f"https://site.example/{seed}")
    with small_disk(tmp_path / "stick", size_kib=16 * 1024) as stick:
        filler = stick / "filler"

        def another_program_fills_the_stick(done: int, total: int) -> None:
            if not filler.exists():
                fill_leaving(filler, 32 * 1024)

        for _ in range(3):
            with pytest.raises(StorageError):
                export(case, stick, progress=another_program_fills_the_stick)
            assert sorted(p.name for p in stick.iterdir()) == ["filler"], "a half-written bundle was left"
            filler.unlink()
    forms = [e for e in case.events() if e.kind == Kind.FORM]
    assert len(forms) == 1, "each failed attempt kept another form"
    (tmp_path / "usb").mkdir()
    result = export(case, tmp_path / "usb", key_cost=10)
    assert [e for e in case.events() if e.kind == Kind.FORM] == forms  # the same form goes to the police
    assert result.evidence_sha256
