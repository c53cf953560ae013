"""Take docs/case-window-browser.png: the recorded browser alone, a local page loaded, one capture taken.

Run under Xvfb (a real X display, so the whole-screen capture is live too):

    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python scripts/shot_browser.py [OUT.png]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from shot_tools import ROOT, pause  # noqa: E402  (first: it prepares Qt)

from tests.helpers.cases import make_case, make_store  # noqa: E402
from tests.helpers.webserver import WebServer  # noqa: E402
from ui.browser import RecordedBrowser  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "case-window-browser.png"
    app = QApplication(sys.argv)
    server = WebServer().start()
    with tempfile.TemporaryDirectory(prefix="shot-") as tmp:
        case = make_case(make_store(Path(tmp) / "cases"))
        browser = RecordedBrowser(case)
        browser.setWindowTitle("Evidence App: recorded browser")
        browser.resize(1280, 720)
        browser.show()
        page = browser.current_tab().page
        loaded = QEventLoop()
        page.loadFinished.connect(loaded.quit)
        browser.load(server.url("/forum"))
        loaded.exec()
        pause(800)
        browser.form.note_edit.setText("Threat to repeat the post tomorrow")
        browser.form.set_concern("threatening-behaviour")
        done = QEventLoop()
        browser.captured.connect(lambda *_: done.quit())
        browser.capture_viewport()
        done.exec()
        browser.form.note_edit.setText("Second post: who saw it")
        pause(300)
        out.parent.mkdir(parents=True, exist_ok=True)
        browser.grab().save(str(out), "PNG")
        print(f"wrote {out}")
        browser.shutdown()
        browser.deleteLater()
        pause(50)
        case.lock()
    server.stop()
    del app


if __name__ == "__main__":
    main()
