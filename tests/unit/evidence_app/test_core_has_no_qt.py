"""The core never imports Qt: the design's one rule."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[3] / "evidence_app"
QT_PACKAGES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "shiboken2", "ui")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            names.update(arg.value for arg in node.args if isinstance(arg, ast.Constant))
    return names


def _module_level_imports(path: Path) -> set[str]:
    """Imports made when the module loads (not those inside a function body)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in tree.body:
        for inner in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else ():
            if isinstance(inner, ast.Import):
                names.update(alias.name for alias in inner.names)
            elif isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                names.add(inner.module)
    return names


def test_no_module_of_the_core_imports_qt_or_the_ui() -> None:
    modules = sorted(CORE.rglob("*.py"))
    assert len(modules) > 10
    offenders = {}
    for path in modules:
        # The launcher (cli.py) may start the window from inside a function, and only the ui package.
        found = _module_level_imports(path) if path.name == "cli.py" else _imported_modules(path)
        bad = sorted(m for m in found if m.split(".")[0] in QT_PACKAGES)
        if path.name == "cli.py":
            bad += sorted(m for m in _imported_modules(path) if m.split(".")[0] in QT_PACKAGES[:-1])
        if bad:
            offenders[str(path.relative_to(CORE))] = bad
    assert offenders == {}


def test_importing_every_core_module_loads_no_qt() -> None:
    names = [".".join(p.relative_to(CORE.parent).with_suffix("").parts) for p in sorted(CORE.rglob("*.py"))
             if p.name != "__main__.py"]
    code = ("import importlib, sys\n"
            f"for name in {names!r}: importlib.import_module(name)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'shiboken6', 'ui')]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=CORE.parent, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checker_would_see_a_qt_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6 import QtCore\nimport PySide6.QtWidgets\n"
                   "def start():\n    from ui.app import run\n")
    assert {"PySide6", "PySide6.QtWidgets", "ui.app"} <= _imported_modules(bad)
    assert "ui.app" not in _module_level_imports(bad) and "PySide6" in _module_level_imports(bad)
