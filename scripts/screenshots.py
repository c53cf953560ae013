"""Take the application shell's screenshots for docs/, reproducibly.

Real cases in a temporary folder (the same two test investigators every time),
the real windows, the real recorded browser on a local test page. Run under a
real X server:

    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screenshots.py [OUT_DIR]

(``QT_QPA_PLATFORM=offscreen`` works too: every picture is the window's own
``QWidget.grab()``.) Writes start-first-run.png, start-with-cases.png,
new-case-wizard.png, sign-in.png, case-window.png, timeline.png and
case-locked.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop  # noqa: E402
from shot_tools import ROOT, pause, shoot, wait_until  # noqa: E402  (first: it prepares Qt)

from tests.helpers.cases import CHEAP, PASS_A, make_case, make_store  # noqa: E402
from tests.helpers.images import make_png  # noqa: E402
from tests.helpers.tsa import local_tsa  # noqa: E402
from evidence_app.case.trusted_time import stamp_pending  # noqa: E402
from ui.app import Controller, _create_application  # noqa: E402
from ui.background import wait_for_background  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    out.mkdir(parents=True, exist_ok=True)
    app = _create_application()
    with tempfile.TemporaryDirectory(prefix="shots-") as tmp:
        store = make_store(Path(tmp) / "cases")
        controller = Controller(app, store=store, settings_path=Path(tmp) / "settings.json", kdf=CHEAP)

        # 1. The first run: no cases yet.
        start = controller.show_start()
        shoot(start, out, "start-first-run.png")

        # 2. The wizard's last page: a passphrase still too weak, zxcvbn's estimate and advice shown live.
        wizard = controller.new_case()
        wizard.reason.setPlainText("A teacher saw a pupil on a gambling site during an ICT lesson")
        wizard.group.setText("Year 9")
        wizard.subject.setText("A pupil in 9B")
        wizard.next_button.click()
        wizard.computer_name.setText("ICT-OFFICE-01")
        wizard.computer_location.setText("ICT office, main building")
        wizard.next_button.click()
        wizard.first.name.setText("Alice Hughes")
        wizard.first.position.setText("Headteacher")
        wizard.first.secret.first.setText(PASS_A)
        wizard.first.secret.again.setText(PASS_A)
        wizard.second.name.setText("Bartosz Nowak")
        wizard.second.position.setText("Designated safeguarding lead")
        wizard.second.secret.first.setText("Password1!")  # meets the old rules; zxcvbn says why it is weak
        shoot(wizard, out, "new-case-wizard.png")
        wizard.reject()

        # 3. The start screen with cases (one sealed), then the sign-in.
        for _ in range(2):
            make_case(store).lock()
        sealed = make_case(store)
        sealed.flag_csam("https://flagged.example/", "")
        sealed.lock()
        start = controller.show_start()
        start.table.selectRow(1)
        shoot(start, out, "start-with-cases.png")
        dialog = controller.open_case(start.selected_case() or "")
        assert dialog is not None
        dialog.pair.first.setText(PASS_A)
        dialog.pair.second.setText("not the right one!")
        dialog.attempt()
        wait_until(lambda: not dialog.busy)
        shoot(dialog, out, "sign-in.png")
        dialog.reject()

        # 4. The case window: the recorded browser on a local page, captures, notes, the checklist.
        from tests.helpers.webserver import WebServer

        server = WebServer().start()
        try:
            case = make_case(store)
            window = controller.show_case(case)
            window.resize(1366, 768)
            browser = window.browser_widget
            if browser is not None and hasattr(browser, "current_tab"):
                page = browser.current_tab().page
                loaded = QEventLoop()
                page.loadFinished.connect(loaded.quit)
                browser.load(server.url("/forum"))
                loaded.exec()
                pause(800)
            else:
                case.record_visit(server.url("/forum"), "Forum")
            case.add_capture(make_png(640, 400, seed=11), kind="viewport", url=server.url("/forum"),
                             concern="threatening-behaviour")
            with local_tsa() as tsa:  # the school's time-stamp authority (a local one): the capture gets a trusted time
                stamp_pending(case, tsa)
            window.add_note("The post threatens a pupil by name; posted at 21:14 yesterday.")
            window.refresh()
            shoot(window, out, "case-window.png")

            timeline = window.show_timeline()
            assert timeline is not None
            wait_until(lambda: not timeline.checking)
            shoot(timeline, out, "timeline.png")

            window.lock()
            shoot(window, out, "case-locked.png")
            window.close()
        finally:
            server.stop()
        wait_for_background()
        controller.shutdown()


if __name__ == "__main__":
    main()
