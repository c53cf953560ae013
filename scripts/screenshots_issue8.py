"""Screenshots for the police export and the school key (issues 7 and 8), into docs/.

Real cases in a temporary folder, the real dialogs. Run under a real X server:

    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screenshots_issue8.py [OUT_DIR]

Writes export-dialog.png, export-done.png, school-key-setup.png, school-key-page.png
(page 1 of the printed page's PDF, via pdftoppm; a throwaway key), register.png,
start-due-for-deletion.png and verify-bundle.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from shot_tools import ROOT, shoot, wait_until  # noqa: E402  (first: it prepares Qt)

from evidence_app import Conclusion  # noqa: E402
from tests.helpers.bundles import CHEAP_SCRYPT, OFFICER  # noqa: E402
from tests.helpers.cases import CHEAP, make_case, make_store  # noqa: E402
from tests.helpers.images import make_png  # noqa: E402
from ui.app import Controller, _create_application  # noqa: E402

COORDINATOR = "Head's own pass 2026!"


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    out.mkdir(parents=True, exist_ok=True)
    app = _create_application()
    with tempfile.TemporaryDirectory(prefix="shots-") as tmp:
        store = make_store(Path(tmp) / "cases")
        controller = Controller(app, store=store, settings_path=Path(tmp) / "settings.json", kdf=CHEAP,
                                with_browser=False)
        controller.export_key_cost = CHEAP_SCRYPT
        controller.settings = controller.settings.with_changes(school_name="Hill Primary School",
                                                               computer_name="ICT-OFFICE-01")
        controller.show_start()

        # 1. The school key: the setup dialog, then its printed page.
        setup = controller.set_up_school_key()
        setup.passphrase.first.setText(COORDINATOR)
        setup.passphrase.again.setText(COORDINATOR[:-3])
        shoot(setup, out, "school-key-setup.png")
        setup.passphrase.again.setText(COORDINATOR)
        setup.create_button.click()
        wait_until(lambda: setup.page_pdf is not None)
        pdf = Path(tmp) / "school-key.pdf"
        pdf.write_bytes(setup.page_pdf)
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile", str(pdf), str(out / "school-key-page")],
                       check=True)
        print(f"wrote {out / 'school-key-page.png'}")
        setup.confirm()

        # 2. Some cases: one concluded long ago (due), one exported, one sealed.
        old = make_case(store, reported_by="Mrs Ceri Morgan (class teacher)")
        old.add_capture(make_png(), kind="viewport", url="https://gamble.example/")
        old.conclude(Conclusion(substance="no", subject="pupil"))
        until = date.fromisoformat(old.retain_until)
        old.lock()
        sealed = make_case(store, group="Year 11")
        sealed.flag_csam("https://bad.example/")
        sealed.lock()
        case = make_case(store, group="Year 10", reported_by="Mr Ifan Rhys (head of year)")
        for seed in range(3):
            case.add_capture(make_png(seed=seed), kind="viewport", url=f"https://site.example/{seed}",
                             concern="gambling")

        # 3. The export dialog, filled in, then its last page.
        window = controller.show_case(case)
        dialog = window.extras.open_export()
        dialog.officer_name.setText(OFFICER.name)
        dialog.officer_force.setText(OFFICER.force)
        dialog.officer_reference.setText(OFFICER.reference)
        usb = Path(tmp) / "KINGSTON-USB"
        usb.mkdir()
        dialog.folder.setText(str(usb))
        dialog.words.setText("tiger-orbit-lemon-crane-fabric-juice")
        dialog.adjustSize()
        shoot(dialog, out, "export-dialog.png")
        dialog.export_button.click()
        wait_until(lambda: not dialog.running)
        dialog.adjustSize()
        shoot(dialog, out, "export-done.png")
        bundle = dialog.result_
        dialog.accept()
        window.close()

        # 4. The start screen with a case due for deletion (a day after its retention date).
        start = controller.start
        start.today = until
        start.reload()
        start.show()
        start.table.selectRow(next(r for r in range(start.table.rowCount())
                                   if start.table.item(r, 0).text() == old.id))
        shoot(start, out, "start-due-for-deletion.png")

        # 5. The incident register.
        register = controller.open_register()
        register.secret.passphrase.setText(COORDINATOR)
        register.read_button.click()
        wait_until(lambda: not register.busy and register.table.rowCount() > 0)
        shoot(register, out, "register.png")
        register.reject()

        # 6. Verifying the bundle.
        check = controller.check_bundle()
        check.folder.setText(str(bundle.folder))
        check.passphrase.setText(bundle.passphrase)
        check.check_button.click()
        wait_until(lambda: not check.busy)
        shoot(check, out, "verify-bundle.png")
        check.reject()
        controller.shutdown()


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main()
