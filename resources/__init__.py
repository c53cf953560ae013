"""Data, not code: policy tables, referral texts, icons and styles.

A school may edit these files; :func:`resource_path` finds them whether the
app runs from a checkout, an installed wheel or a PyInstaller build.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    return ROOT.joinpath(*parts)
