"""A pytest plugin for the Windows leg (scripts/test-windows): the core's tests, without Qt.

The Wine leg installs no PySide6 and no pytest-qt, so pyproject's ``qt_api`` and
``qt_log_level_fail`` settings would be unknown (an error under ``--strict-config`` and
``filterwarnings = error``). This plugin declares them, and nothing else.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("qt_api", "pytest-qt's setting; unused without Qt")
    parser.addini("qt_log_level_fail", "pytest-qt's setting; unused without Qt")
