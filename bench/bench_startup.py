"""Start-up benchmark: cold start to the start screen, against an empty Qt window.

Each run is a fresh interpreter (a cold start as the user sees it, minus the
disk cache): the time from starting the process until the start screen has
been shown and the event loop has run once. The floor, measured in the same
run and interleaved with it, is the least any PySide6 application pays:
``import PySide6.QtWidgets``, a QApplication and an empty QMainWindow shown.

    .venv/bin/python -m bench.bench_startup [--runs 7] [--cases 20]

Prints the median and spread of each, the ratio to the floor and the
overhead in milliseconds, and whether start-up loaded QtWebEngine (it must not).
Target: the start screen in under 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 1.5

READY = (
    "from PySide6.QtCore import QTimer\n"
    "QTimer.singleShot(0, lambda: (print('READY', any('WebEngine' in m for m in sys.modules), flush=True),"
    " app.quit()))\n"
    "app.exec()\n"
)
FLOOR = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication(sys.argv[:1])\n"
    "window = QMainWindow(); window.resize(900, 560); window.show()\n" + READY
)


def app_code(cases: Path, settings: Path) -> str:
    return (
        "import sys\n"
        "from ui.app import Controller, _create_application\n"
        "app = _create_application()\n"
        f"controller = Controller(app, cases_root={str(cases)!r}, settings_path={str(settings)!r})\n"
        "controller.show_start()\n" + READY
    )


def one_run(code: str, env: dict[str, str]) -> tuple[float, bool]:
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - started
            webengine = line.split()[1] == "True"
            process.wait(timeout=60)
            return elapsed, webengine
    process.wait(timeout=60)
    raise RuntimeError(f"the child never showed its window (exit code {process.returncode})")


def make_cases(root: Path, count: int) -> None:
    sys.path.insert(0, str(REPO))
    from tests.helpers.cases import make_case, make_store

    store = make_store(root)
    for _ in range(count):
        make_case(store).lock()


def describe(name: str, times: list[float]) -> str:
    return (f"{name:<28} median {statistics.median(times) * 1000:7.0f} ms   "
            f"min {min(times) * 1000:6.0f}   max {max(times) * 1000:6.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cases", type=int, default=20, help="cases in the listed folder")
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as folder:
        empty, full = Path(folder) / "empty", Path(folder) / "full"
        make_cases(full, args.cases)
        settings = Path(folder) / "settings.json"
        codes = {"floor (empty QMainWindow)": FLOOR,
                 "start screen, first run": app_code(empty, settings),
                 f"start screen, {args.cases} cases": app_code(full, settings)}
        for code in codes.values():  # warm the disk cache once, untimed
            one_run(code, env)
        times: dict[str, list[float]] = {name: [] for name in codes}
        webengine = False
        for _ in range(args.runs):  # interleaved, so drift hits all three alike
            for name, code in codes.items():
                elapsed, loaded = one_run(code, env)
                times[name].append(elapsed)
                webengine |= loaded and name != "floor (empty QMainWindow)"
    floor = statistics.median(times["floor (empty QMainWindow)"])
    print(f"Cold start to the shown window, {args.runs} runs each, QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}, "
          f"Python {sys.version.split()[0]}")
    for name, values in times.items():
        line = describe(name, values)
        if values is not times["floor (empty QMainWindow)"]:
            median = statistics.median(values)
            line += f"   {median / floor:4.2f}x floor   +{(median - floor) * 1000:4.0f} ms"
        print(line)
    worst = max(statistics.median(v) for v in times.values())
    print(f"QtWebEngine loaded at start-up: {'YES (wrong)' if webengine else 'no'}")
    print(f"Target {TARGET_S:.1f} s: {'met' if worst < TARGET_S else 'NOT met'} "
          f"(slowest median {worst * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
