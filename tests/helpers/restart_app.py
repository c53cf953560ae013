"""A real run of the application's restart, for ``tests/unit/ui/test_restart.py``.

    python -m tests.helpers.restart_app LOG FOLDER

The first run starts the :class:`~ui.app.Controller` with the process's own engine flags on a
school list in FOLDER, lets the engine "start", lists a new host, saves the settings, presses
"Restart Evidence App now" in the offer and returns from ``app.exec()``. Every run appends one
line to LOG: its process id, its engine flags as it found them, and how it ended. The second
run (the restart) only logs and leaves.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer


def main() -> int:
    log, folder = Path(sys.argv[1]), Path(sys.argv[2])
    found = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "<none>")
    runs = log.read_text().splitlines() if log.exists() else []
    if runs:  # the restarted process
        with log.open("a") as out:
            out.write(json.dumps({"pid": os.getpid(), "flags": found, "argv": sys.orig_argv[1:]}) + "\n")
        return 0
    from evidence_app.school import settings as settings_file
    from evidence_app.school.settings import Settings
    from ui import engine_flags
    from ui.app import Controller, _create_application

    app = _create_application()
    listed = folder / "blocklist.txt"
    listed.write_text("old.example\n", encoding="utf-8")
    settings_file.save(Settings(blocklist_file=str(listed)), folder / "settings.json")
    controller = Controller(app, cases_root=folder / "cases", settings_path=folder / "settings.json",
                            with_browser=False)
    app.aboutToQuit.connect(controller.shutdown)
    controller.show_start()
    engine_flags.ENGINE.started()  # as a case's browser would
    ours = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")

    def save_and_restart() -> None:
        listed.write_text("old.example\nnew.example\n", encoding="utf-8")
        controller.save_settings(controller.settings)  # what "Save the settings" leads to
        offer = controller.offer_restart()
        assert offer is not None and offer.isVisible()
        offer.restart_button.click()

    QTimer.singleShot(200, save_and_restart)
    QTimer.singleShot(30_000, lambda: app.exit(3))  # never hang a test
    code = app.exec()
    with log.open("a") as out:
        out.write(json.dumps({"pid": os.getpid(), "flags": found, "ours": ours, "exit": code,
                              "argv": sys.orig_argv[1:]}) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
