"""What the screenshot scripts share: the repository on the path, QtWebEngine able to start
as root, and waiting for the window before grabbing it.

Import it before anything from PySide6: it sets QtWebEngine's environment.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402


def pause(ms: int) -> None:
    """Let the event loop run for ``ms`` milliseconds."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(condition: Callable[[], object], timeout_ms: int = 30_000) -> None:
    waited = 0
    while not condition():
        if waited > timeout_ms:
            raise TimeoutError("the window never got there")
        pause(50)
        waited += 50


def shoot(widget: QWidget, out: Path, name: str) -> Path:
    """Grab ``widget`` (after it has settled) into ``out/name``."""
    pause(400)
    path = out / name
    widget.grab().save(str(path), "PNG")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path
