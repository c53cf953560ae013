"""Take docs/referral-screen.png: the case window after the stop, as the pair see it.

The real flow, reproducibly: a case with the two test investigators, the
recorded browser on the local test forum, one screenshot, then the red
control and its confirmation. The school's contacts are filled in as a school
would set them. Run under Xvfb at the smallest screen the app supports:

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb .venv/bin/python scripts/shot_referral.py [OUT.png]

Also writes docs/stop-confirm.png (the one confirmation) next to it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop  # noqa: E402
from shot_tools import ROOT, pause, wait_until  # noqa: E402  (first: it prepares Qt)

from evidence_app.school.settings import Settings  # noqa: E402
from tests.helpers.cases import make_case, make_store  # noqa: E402
from tests.helpers.webserver import WebServer  # noqa: E402
from ui.app import _create_application  # noqa: E402
from ui.browser import RecordedBrowser  # noqa: E402
from ui.case_window.window import CaseWindow  # noqa: E402

SCHOOL = Settings(school_name="Hillside Academy",
                  safeguarding_lead_contact="Mrs J. Rahman (DSL): 01632 960 123, ext. 204",
                  local_authority_contact="LADO duty line: 01632 960 999",
                  police_contact="Schools liaison officer PC D. Hall: 101, ref. schools team")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "referral-screen.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    app = _create_application()
    server = WebServer().start()
    with tempfile.TemporaryDirectory(prefix="shot-") as tmp:
        case = make_case(make_store(Path(tmp) / "cases"))
        window = CaseWindow(case, browser_factory=RecordedBrowser, settings=lambda: SCHOOL)
        window.resize(1366, 740)
        window.show()
        browser = window.browser_widget
        loaded = QEventLoop()
        browser.current_tab().page.loadFinished.connect(loaded.quit)  # type: ignore[union-attr]
        browser.load(server.url("/forum"))  # type: ignore[union-attr]
        loaded.exec()
        pause(500)
        done = QEventLoop()
        browser.captured.connect(done.quit)  # type: ignore[union-attr]
        browser.capture_viewport()  # type: ignore[union-attr]
        done.exec()
        browser.stop_all_button.click()  # type: ignore[union-attr]
        wait_until(lambda: window.stop_confirm is not None and window.stop_confirm.isVisible())
        pause(300)
        window.stop_confirm.grab().save(str(out.with_name("stop-confirm.png")), "PNG")  # type: ignore[union-attr]
        print(f"wrote {out.with_name('stop-confirm.png')}")
        window.stop_confirm.confirm_button.click()  # type: ignore[union-attr]
        wait_until(lambda: window.referral is not None and window.referral.isVisible())
        pause(500)
        window.grab().save(str(out), "PNG")
        print(f"wrote {out}")
        window.close()
        window.deleteLater()
        pause(100)
    server.stop()
    del app


if __name__ == "__main__":
    main()
