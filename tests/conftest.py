"""Test-wide set-up: Qt headless, QtWebEngine's sandbox off when running as root."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
# The designated computer's secret (evidence_app.vault.machine): never the real one of the computer running tests.
os.environ.setdefault("EVIDENCE_APP_DESIGNATION_SECRET",
                      str(Path(tempfile.mkdtemp(prefix="evidence-app-tests-")) / "designation.secret"))

from tests.helpers.cases import make_case, make_store  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def sound_bindings() -> None:
    """As the application does (ui.bindings): PySide6 6.12.0 drops references to None and True.

    Only where the tests imported Qt: the core's tests (and the Windows leg) never load it.
    """
    import sys

    if "PySide6.QtCore" in sys.modules:
        from ui import bindings

        bindings.install()


@pytest.fixture
def store(tmp_path: Path):
    return make_store(tmp_path / "cases")


@pytest.fixture
def case(store):
    opened = make_case(store)
    yield opened
    opened.lock()


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    """Where a bundle goes (a USB stick, in life); the cases live beside it, not in it."""
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder
