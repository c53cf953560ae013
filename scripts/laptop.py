"""Every window on a 1366x768 laptop screen: its size, any button off-screen, and (optionally) a picture.

Run on a real X server with that screen (the journey test does this for CI):

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb .venv/bin/python scripts/laptop.py [--shots docs]

Prints one JSON line per window: its name, its size, the screen's available
size, and the buttons that are not wholly inside both the window and the
screen less a title bar (40 px). ``--shots DIR`` also writes
``DIR/laptop-<name>.png`` (each window's own grab) to look at.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from shot_tools import pause, wait_until  # noqa: E402  (first: it prepares Qt)

from PySide6.QtCore import QRect  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QWidget  # noqa: E402

from evidence_app.school.settings import Settings  # noqa: E402
from tests.helpers.cases import CHEAP, make_case, make_store  # noqa: E402
from tests.helpers.images import make_png  # noqa: E402
from ui.app import _create_application  # noqa: E402

TITLE_BAR = 40
Opener = Callable[..., QWidget]
WINDOWS: dict[str, Opener] = {}


def window(name: str) -> Callable[[Opener], Opener]:
    def keep(function: Opener) -> Opener:
        WINDOWS[name] = function
        return function
    return keep


@window("case-window")
def _case_window(case, store):  # type: ignore[no-untyped-def]
    from ui.browser import RecordedBrowser
    from ui.case_window.extras import install_case_extras
    from ui.case_window.window import CaseWindow

    made = CaseWindow(case, browser_factory=lambda c: RecordedBrowser(c), settings=lambda: Settings())
    install_case_extras(made)
    made.show()
    wait_until(lambda: made.browser_widget is not None)
    return made


@window("describe")
def _describe(case, store):  # type: ignore[no-untyped-def]
    from ui.case_window.annotate import AnnotateDialog

    made = AnnotateDialog(case, case.captures()[0])
    made.show()
    return made


@window("stop-confirmation")
def _stop(case, store):  # type: ignore[no-untyped-def]
    from ui.case_window.stop import StopConfirm, StopRequest

    made = StopConfirm(StopRequest("https://example.org/", "button"))
    made.show()
    return made


@window("conclusion")
def _conclusion(case, store):  # type: ignore[no-untyped-def]
    from ui.form.conclusion import ConclusionDialog

    made = ConclusionDialog(case)
    made.choose(substance="yes", subject="pupil")
    made.show()
    return made


@window("form-preview")
def _form(case, store):  # type: ignore[no-untyped-def]
    from ui.form.preview import FormDialog

    made = FormDialog(case)
    made.show()
    wait_until(lambda: made.preview.issued is not None, 60_000)
    return made


@window("timeline")
def _timeline(case, store):  # type: ignore[no-untyped-def]
    from ui.case_window.timeline import TimelineDialog

    made = TimelineDialog(case)
    made.show()
    return made


@window("help")
def _help(case, store):  # type: ignore[no-untyped-def]
    from ui.help import HelpWindow

    made = HelpWindow()
    made.show()
    return made


@window("start")
def _start(case, store):  # type: ignore[no-untyped-def]
    from ui.start.window import StartWindow

    made = StartWindow(store)
    made.show()
    return made


@window("wizard")
def _wizard(case, store):  # type: ignore[no-untyped-def]
    from ui.start.wizard import NewCaseWizard

    made = NewCaseWizard(store)
    made.show()
    made._show_page(2)  # the title and buttons too, as Next would leave them
    return made


@window("sign-in")
def _sign_in(case, store):  # type: ignore[no-untyped-def]
    from ui.start.sign_in import SignInDialog

    made = SignInDialog(store, case.id)
    made.show()
    return made


@window("settings")
def _settings(case, store):  # type: ignore[no-untyped-def]
    from ui.settings.dialog import SettingsDialog

    made = SettingsDialog(Settings())
    made.show()
    return made


@window("export")
def _export(case, store):  # type: ignore[no-untyped-def]
    from ui.export.dialog import ExportDialog

    made = ExportDialog(case)
    made.show()
    return made


@window("verify")
def _verify(case, store):  # type: ignore[no-untyped-def]
    from ui.export.verify_dialog import BundleCheckDialog

    made = BundleCheckDialog()
    made.show()
    return made


@window("first-run-location")
def _first_run_location(case, store):  # type: ignore[no-untyped-def]
    from evidence_app.school.first_run import Places
    from ui.start.location import CaseLocationDialog

    made = CaseLocationDialog(Places.of_this_computer())  # shown only: nothing is chosen or written here
    made.show()
    return made


def off_screen(made: QWidget) -> list[str]:
    screen = made.screen().availableGeometry()
    room = QRect(0, 0, min(made.width(), screen.width()), min(made.height(), screen.height() - TITLE_BAR))
    missing = []
    for button in made.findChildren(QAbstractButton):
        if not button.isVisible() or button.window() is not made or button.width() == 0:
            continue
        where = QRect(button.mapTo(made, button.rect().topLeft()), button.size())
        if not room.contains(where):
            missing.append(f"{button.text() or button.accessibleName()} at {where.getRect()}")
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=Path, help="write laptop-<name>.png here")
    parser.add_argument("names", nargs="*", help="only these windows")
    args = parser.parse_args()
    app = _create_application()
    with tempfile.TemporaryDirectory(prefix="laptop-") as tmp:
        store = make_store(Path(tmp) / "cases")
        case = make_case(store, kdf=CHEAP)
        case.record_visit("https://example.org/", "Example")
        case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/", concern="gambling")
        for name, opener in WINDOWS.items():
            if args.names and name not in args.names:
                continue
            made = opener(case, store)
            pause(400)
            screen = made.screen().availableGeometry()
            print(json.dumps({"window": name, "size": [made.width(), made.height()],
                              "screen": [screen.width(), screen.height()], "off_screen": off_screen(made)}),
                  flush=True)
            if args.shots:
                args.shots.mkdir(parents=True, exist_ok=True)
                made.grab().save(str(args.shots / f"laptop-{name}.png"), "PNG")
            browser = getattr(made, "browser_widget", None)
            if browser is not None:
                browser.shutdown()
            made.hide()  # not close(): closing the case window would lock the case
            made.deleteLater()
            pause(50)
        case.lock()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
