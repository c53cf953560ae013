"""The core's layout: no Qt and no ``ui`` anywhere in it, no import circles, no borrowed private names.

The design's one rule is that ``ui`` imports ``evidence_app`` and never the other way; inside the
core, arrows run one way too (the case does not import its form or its exporters; they take a case).
Every import counts here, including those inside functions and under ``TYPE_CHECKING``: a circle
hidden in a function body is still a circle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[3] / "evidence_app"
QT_PACKAGES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "shiboken2", "ui")


def _module_name(path: Path) -> str:
    parts = path.relative_to(CORE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """Every import in a file, as (module, names taken from it), relative ones made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    inside = CORE in path.parents
    package = "" if not inside else (
        _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0])
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([module] if module else []))
            found.append((module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            found.extend((arg.value, []) for arg in node.args if isinstance(arg, ast.Constant))
    return found


def _core_modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(CORE.rglob("*.py"))}


def _edges(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the core modules it imports (``from pkg import mod`` counts as importing ``pkg.mod``)."""
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for module, names in _imports(path):
            if module in modules:
                targets.add(module)
            for imported in names:
                if f"{module}.{imported}" in modules:
                    targets.add(f"{module}.{imported}")
        targets.discard(name)
        edges[name] = targets
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle in the graph, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def _folder(module: str) -> str:
    """The core's sub-package a module belongs to (``evidence_app`` itself for the top level)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 or (len(parts) == 2 and (CORE / parts[1]).is_dir()) else parts[0]


def _is_top_level_glue(module: str) -> bool:
    # The package's public face and its commands may reach into every folder; nothing may import them back.
    return module in ("evidence_app", "evidence_app.__main__", "evidence_app.commands")


def test_no_module_of_the_core_imports_qt_or_the_ui() -> None:
    modules = _core_modules()
    assert len(modules) > 40
    offenders = {name: sorted(m for m, _ in _imports(path) if m.split(".")[0] in QT_PACKAGES)
                 for name, path in modules.items()}
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_the_core_has_no_import_circle_between_modules() -> None:
    edges = _edges(_core_modules())
    # The public face loads its names lazily; leave it out so that it does not join everything up.
    edges = {name: {t for t in targets if not _is_top_level_glue(t)} for name, targets in edges.items()
             if not _is_top_level_glue(name)}
    assert _cycle(edges) is None


def test_the_core_has_no_import_circle_between_folders() -> None:
    folders: dict[str, set[str]] = {}
    for name, targets in _edges(_core_modules()).items():
        if _is_top_level_glue(name):
            continue
        source = _folder(name)
        folders.setdefault(source, set()).update(_folder(t) for t in targets if _folder(t) != source)
    assert _cycle(folders) is None, folders
    # errors.py is the one tree every folder shares; it imports nothing of the core.
    assert folders.get("evidence_app", set()) == set()


def test_no_folder_takes_another_folders_private_names() -> None:
    modules = _core_modules()
    offenders = []
    for name, path in modules.items():
        for module, names in _imports(path):
            if module.split(".")[0] != "evidence_app" or _folder(module) == _folder(name):
                continue
            offenders += [f"{name} takes {module}.{n}" for n in names if n.startswith("_") and n != "__version__"]
    assert offenders == []


def test_no_folder_calls_another_folders_private_methods() -> None:
    """``case._journal_export(...)`` from the export folder would be a private door; ``self._x`` is fine."""
    offenders = []
    for name, path in _core_modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and node.value.id == "case"
                    and _folder(name) != "evidence_app.case"):
                offenders.append(f"{name}:{node.lineno} case.{node.attr}")
    assert offenders == []


def test_each_folder_says_what_it_holds() -> None:
    for folder in sorted(p for p in CORE.iterdir() if p.is_dir() and p.name != "__pycache__"):
        init = folder / "__init__.py"
        assert init.exists(), folder
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.splitlines()) == 1 and len(doc) > 20, folder


def test_importing_every_core_module_loads_no_qt() -> None:
    names = [name for name in _core_modules() if not name.endswith("__main__")]
    code = ("import importlib, sys\n"
            f"for name in {names!r}: importlib.import_module(name)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'shiboken6', 'ui')]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=CORE.parent, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checkers_would_see_what_they_look_for(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6 import QtCore\nimport PySide6.QtWidgets\n"
                   "def start():\n    from ui.app import run\n")
    assert {"PySide6", "PySide6.QtWidgets", "ui.app"} <= {m for m, _ in _imports(bad)}
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
