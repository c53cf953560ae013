"""The public face of the core: every exported name resolves, lazily, to the real thing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import evidence_app
from evidence_app import Kind

REPO = Path(__file__).resolve().parents[3]


def test_every_exported_name_resolves() -> None:
    for name in evidence_app.__all__:
        assert getattr(evidence_app, name) is not None, name
    with pytest.raises(AttributeError):
        evidence_app.NoSuchThing  # noqa: B018


def test_importing_the_package_loads_no_heavy_module() -> None:
    code = ("import sys, evidence_app\n"
            "heavy = [m for m in ('evidence_app.export.writer', 'evidence_app.case.open_case', 'cryptography', 'reportlab')"
            " if m in sys.modules]\nprint(heavy); sys.exit(1 if heavy else 0)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_closing_is_journaled_as_closing(store, case) -> None:
    from tests.helpers.cases import PASSPHRASES

    case.close()
    assert case.locked
    reopened = store.open(case.id, PASSPHRASES)
    assert [e.kind for e in reopened.events()][-2:] == [Kind.CLOSED, Kind.OPENED]
    reopened.lock()
