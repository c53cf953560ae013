"""``evidence-app --self-test``: prove that this installation works, end to end, without a screen.

Run from source or from the PyInstaller build, it checks the parts a broken
build loses first (QtWebEngine's helper process and resources, the ``resources``
data files, the crypto and PDF libraries) by doing a whole small case:

1. serve a page with a known marker from a throwaway HTTP server on 127.0.0.1;
2. make a school key, then create a case, with two investigators, in a temporary folder (cheap
   KDF): every step of the case from here is written to the incident register (on Windows a bug
   in the register's lock once broke exactly this);
3. import every module of the app and find the ``resources`` data files;
4. start QtWebEngine offscreen and load the page in the real recorded browser;
5. take a visible-area capture through the case, re-read it, check its hash and pixels;
6. check the journal: the visit, the page snapshot and the capture are there, the chain verifies;
7. make the signed incident form and open it with QtPdf;
8. export the case for the police and verify the bundle;
9. the stop, through the case window: the case is sealed, the referral screen shows, and the
   register (read with the school key) holds the case's created, exported and sealed entries.

Qt draws offscreen on Linux and macOS; on Windows the self-test uses the real screen (Qt's
offscreen platform does not run QtWebEngine there), so its windows flash up for a moment.

Each step prints one line. The exit status is 0 only if every step passed,
1 if one failed (the line says why), 3 if the whole run took longer than the
hard time limit (a watchdog thread ends the process, so it can never hang).
Everything it makes is deleted at the end.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

TIME_LIMIT_S = 90.0
STEP_WAIT_S = 30.0
MARKER = "EVIDENCE-APP-SELF-TEST-4b1d"
BLOCK_RGB = (0x1E, 0x6B, 0xC8)  # the block at the top of the test page; the capture must show it
VIEW_SIZE = (900, 640)
EXIT_OK, EXIT_FAILED, EXIT_TIMED_OUT = 0, 1, 3
PACKAGES = ("evidence_app", "ui", "resources")
MIN_MODULES = 40  # fewer means the build lost a package's modules
DATA_FILES = ("policy/concerns.json", "policy/sanctions.json", "export/README.txt.template",
              "fonts/DejaVuSans.ttf", "wordlist/bip39-english.txt")


class StepFailed(Exception):
    """A step did not do what it should; ``str()`` is a plain sentence."""


# ---------------------------------------------------------------------- the test page

PAGE = (f"<!doctype html><html><head><meta charset='utf-8'><title>Self test {MARKER}</title>"
        "<style>body{margin:0;font-family:sans-serif}</style></head><body>"
        f"<div style='height:320px;background:rgb{BLOCK_RGB}'></div>"
        f"<p id='marker'>{MARKER}</p></body></html>").encode("utf-8")


class _PageHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep the report clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        found = self.path.split("?")[0] == "/"
        body = PAGE if found else b"not found"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_page() -> Iterator[str]:
    """The test page at ``http://127.0.0.1:PORT/`` while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PageHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="self-test-web", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# ---------------------------------------------------------------------- the report


@dataclass
class Report:
    """Prints a line per step as it ends; remembers the step under way for the watchdog."""

    out: TextIO | None
    current: str = "starting"
    passed: int = 0

    def say(self, text: str) -> None:
        if self.out is None:  # a windowed program with no console: the exit status still tells
            return
        try:
            try:
                self.out.write(text + "\n")
            except UnicodeEncodeError:  # a console that cannot show some character of a message
                self.out.write(text.encode("ascii", "replace").decode("ascii") + "\n")
            self.out.flush()
        except (OSError, ValueError):  # the console went away
            pass

    def step(self, name: str, action: Callable[[], str]) -> None:
        """Run one step; :class:`StepFailed` (with the reason) if it raised."""
        self.current = name
        started = time.monotonic()
        try:
            detail = action()
        except Exception as exc:  # noqa: BLE001 - any failure of any part is the finding
            reason = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
            self.say(f"  FAILED  {name}: {reason}")
            raise StepFailed(f"{name}: {reason}") from exc
        self.passed += 1
        self.say(f"  ok      {name}: {detail} ({time.monotonic() - started:.1f} s)")


def start_watchdog(report: Report, limit_s: float) -> threading.Timer:
    """End the process (status 3) if the self-test is still running after ``limit_s`` seconds."""

    def expire() -> None:
        report.say(f"Self-test FAILED: no result after {limit_s:.0f} s (stuck at: {report.current}).")
        os._exit(EXIT_TIMED_OUT)

    timer = threading.Timer(limit_s, expire)
    timer.daemon = True
    timer.start()
    return timer


# ---------------------------------------------------------------------- Qt


def prepare_environment() -> None:
    """Offscreen Qt (not on Windows); Chromium's sandbox off only when running as root (it refuses to start otherwise)."""
    if os.name != "nt":
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def wait_until(app: Any, condition: Callable[[], object], what: str, timeout_s: float = STEP_WAIT_S) -> None:
    """Process Qt events until ``condition()`` is true; :class:`StepFailed` naming ``what`` if it never is."""
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise StepFailed(f"{what} did not happen within {timeout_s:.0f} s")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.005)


def run_js(app: Any, page: Any, script: str) -> Any:
    answers: list[Any] = []
    page.runJavaScript(script, 0, answers.append)
    wait_until(app, lambda: answers, "the page's answer to a script")
    return answers[0]


def chromium_version() -> str:
    try:
        from PySide6.QtWebEngineCore import qWebEngineChromiumVersion
    except ImportError:
        return "version unknown"
    return f"Chromium {qWebEngineChromiumVersion()}"


# ---------------------------------------------------------------------- the run


class SelfTest:
    """The steps, sharing the objects they make; :meth:`close` undoes them in the safe order."""

    def __init__(self, work: Path, url: str) -> None:
        self.work = work
        self.url = url
        self.app: Any = None
        self.case: Any = None
        self.browser: Any = None
        self.capture: Any = None
        self.export: Any = None
        self.form: bytes | None = None
        self.export_passphrase = "self test " + secrets.token_hex(8)
        self.store: Any = None
        self.school_key: Any = None
        self.window: Any = None

    def make_school_key(self) -> str:
        from evidence_app import CaseStore, KdfParams

        self.store = CaseStore(self.work / "cases")
        self.school_key = self.store.create_school_key(f"Coordinator {secrets.token_hex(6)} #0!",
                                                       kdf=KdfParams.cheap_for_tests())
        return "the incident register will record every step of the case"

    def make_case(self) -> str:
        from evidence_app import CaseStore, Investigator, KdfParams

        store = self.store or CaseStore(self.work / "cases")
        first = Investigator("First Reviewer", "Headteacher", f"Alpha {secrets.token_hex(6)} #1!")
        second = Investigator("Second Reviewer", "Safeguarding lead", f"Bravo {secrets.token_hex(6)} #2!")
        self.case = store.create(reason="Self-test of this installation", group="Self test",
                                 computer_location="Self test", investigators=(first, second),
                                 kdf=KdfParams.cheap_for_tests())
        return f"case {self.case.id}, two investigators, in a temporary folder"

    def load_modules(self) -> str:
        """Import every module of the app: a build that left one out fails here, not in front of staff."""
        import importlib
        import pkgutil

        count = 0
        for package_name in PACKAGES:
            package = importlib.import_module(package_name)
            for module in pkgutil.walk_packages(package.__path__, package_name + "."):
                if module.name.endswith(".__main__"):  # importing it would start the program
                    continue
                importlib.import_module(module.name)
                count += 1
        if count < MIN_MODULES:
            raise StepFailed(f"only {count} modules were found: the build is missing some")
        from resources import resource_path

        missing = [name for name in DATA_FILES if not resource_path(*name.split("/")).is_file()]
        if missing:
            raise StepFailed(f"data files missing: {', '.join(missing)}")
        return f"{count} modules of {', '.join(PACKAGES)}; data files found"

    def start_browser(self) -> str:
        from PySide6.QtCore import QCoreApplication, Qt
        from PySide6.QtWidgets import QApplication

        import ui.browser  # QtWebEngine must be loaded before the QApplication exists
        from ui import bindings

        bindings.install()  # as the application does: PySide6 6.12.0 drops references to None and True

        app = QApplication.instance()
        if app is None:
            QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
            app = QApplication([sys.argv[0] if sys.argv else "evidence-app", "--self-test"])
        self.app = app
        self.browser = ui.browser.RecordedBrowser(self.case)
        self.browser.resize(*VIEW_SIZE)
        self.browser.show()
        wait_until(app, self.browser.isVisible, "showing the browser")
        return f"QtWebEngine ({chromium_version()}), Qt platform {app.platformName()}"

    def load_page(self) -> str:
        tab = self.browser.current_tab()
        results: list[bool] = []
        tab.page.loadFinished.connect(results.append)
        self.browser.load(self.url)
        wait_until(self.app, lambda: results, "loading the test page")
        if not results[-1]:
            raise StepFailed(f"the page {self.url} did not load")
        text = run_js(self.app, tab.page, "(document.getElementById('marker') || {}).textContent || ''")
        if text != MARKER:
            raise StepFailed(f"the marker was not found in the page (its title: {tab.page.title()!r})")
        # loadFinished comes before the first paint: wait for two animation frames.
        run_js(self.app, tab.page, "window.__painted = false; requestAnimationFrame(() => "
                                   "requestAnimationFrame(() => { window.__painted = true; })); 1")
        wait_until(self.app, lambda: run_js(self.app, tab.page, "window.__painted === true") is True,
                   "painting the page")
        wait_until(self.app, lambda: _block_shown(tab.view), "the page reaching the view", timeout_s=10)
        return f"{self.url}, marker found in the page"

    def take_capture(self) -> str:
        from PySide6.QtGui import QImage

        taken: list[Any] = []
        failed: list[str] = []
        self.browser.captured.connect(taken.append)
        self.browser.capture_failed.connect(failed.append)
        self.browser.capture_viewport()
        wait_until(self.app, lambda: taken or failed, "storing the capture")
        if failed:
            raise StepFailed(failed[0])
        capture = self.capture = taken[0]
        data = self.case.read_capture(capture.id)
        if hashlib.sha256(data).hexdigest() != capture.sha256:
            raise StepFailed("the stored capture does not match its hash")
        image = QImage.fromData(data, "PNG")
        if image.isNull():
            raise StepFailed("the stored capture is not a PNG image")
        colour = image.pixelColor(image.width() // 2, min(100, image.height() - 1))
        if (colour.red(), colour.green(), colour.blue()) != BLOCK_RGB:
            raise StepFailed(f"the capture does not show the page (colour {colour.name()} where "
                             f"the page is rgb{BLOCK_RGB})")
        return (f"{capture.id}, {image.width()}x{image.height()} PNG, "
                f"SHA-256 {capture.sha256[:16]}..., re-read and checked")

    def check_journal(self) -> str:
        from evidence_app import Kind

        def kinds_for_url() -> set[str]:
            return {e.kind for e in self.case.events() if e.data.get("url") == self.url}

        wait_until(self.app, lambda: {Kind.VISIT, Kind.SNAPSHOT, Kind.CAPTURE} <= kinds_for_url(),
                   "journaling the visit, the page snapshot and the capture")
        if not self.browser.flush(10.0):
            raise StepFailed("the browser's journal writes did not finish")
        self.browser.shutdown()  # pages first, then the profile: the order QtWebEngine needs
        verified = self.case.verify()
        return f"visit, page snapshot and capture journaled; chain of {verified.records} records verified"

    def show_form(self) -> str:
        """Make the incident form and open it with QtPdf, as the form preview does."""
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
        from PySide6.QtPdf import QPdfDocument

        from evidence_app import render_form

        self.form = render_form(self.case)
        document = QPdfDocument()
        data = QByteArray(self.form)
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document.load(buffer)
        wait_until(self.app, lambda: document.status() in (QPdfDocument.Status.Ready, QPdfDocument.Status.Error),
                   "QtPdf opening the form")
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
            raise StepFailed(f"QtPdf could not open the form ({document.error().name})")
        page = document.render(0, QSize(420, 594))
        if page.isNull():
            raise StepFailed("QtPdf could not draw the form's first page")
        pages = document.pageCount()
        document.close()
        buffer.close()
        return f"{len(self.form):,} bytes, {pages} page(s), first page drawn by QtPdf"

    def export_case(self) -> str:
        from evidence_app import Recipient, export_case

        dest = self.work / "export"
        dest.mkdir()
        self.export = export_case(self.case, dest, passphrase=self.export_passphrase,
                                       recipient=Recipient("Self test", "Self test", "0"), key_cost=10,
                                       form=self.form)
        return (f"{self.export.evidence_file.name} ({self.export.files} capture(s) and the signed form), "
                f"SHA-256 {self.export.evidence_sha256[:16]}...")

    def verify_export(self) -> str:
        from evidence_app import verify_bundle

        bundle = verify_bundle(self.export.folder, self.export_passphrase)
        if not bundle.ok:
            raise StepFailed("; ".join(str(problem) for problem in bundle.problems))
        if bundle.evidence_sha256 != self.export.evidence_sha256:
            raise StepFailed("the bundle's hash is not the one the export wrote")
        return (f"intact ({len(bundle.checks)} checks): {bundle.files_checked} files in the bag, "
                f"{bundle.journal_records} journal records, key fingerprint {bundle.key_fingerprint[:19]}...")

    def stop(self) -> str:
        """The stop, as the button does it: the case window seals the case and shows the referral screen."""
        from evidence_app import Status
        from evidence_app.school.settings import Settings
        from ui.case_window.stop import StopRequest
        from ui.case_window.window import CaseWindow

        self.window = CaseWindow(self.case, settings=Settings)
        self.window.show()
        sealed: list[str] = []
        self.window.sealed.connect(sealed.append)
        self.window.halt(StopRequest(self.url, "button", note="Self-test of the stop"))
        wait_until(self.app, lambda: sealed, "the stop")
        referral = self.window.referral
        if referral is None or not referral.isVisible():
            raise StepFailed("the referral screen did not appear after the stop")
        if self.case.status is not Status.SEALED:
            raise StepFailed("the case was not sealed by the stop")
        if self.school_key is None:
            return "case sealed, referral screen shown"
        check = self.store.check_register(self.school_key)  # signed entries, compared with the case on disk
        if check.problems:
            raise StepFailed(f"the incident register does not check against the case: {check.problems[0]}")
        events = [e.event for e in check.entries if e.case_id == self.case.id]
        if events[:1] != ["created"] or "exported" not in events or events[-1:] != ["sealed"]:
            raise StepFailed(f"the incident register holds {events} for the case, not created ... exported, sealed")
        return f"case sealed, referral screen shown; register: {', '.join(events)}"

    def close(self) -> None:
        """Browser (pages, then profile) before the case is locked; then let Qt delete them."""
        if self.window is not None:
            self.window.hide()
            self.window.deleteLater()
        if self.browser is not None:
            self.browser.shutdown()
            self.browser.hide()
            self.browser.deleteLater()
        if self.case is not None and not self.case.locked:
            self.case.lock()
        if self.app is not None:
            from PySide6.QtCore import QCoreApplication, QEvent

            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            self.app.processEvents()


def _block_shown(view: Any) -> bool:
    image = view.grab().toImage()
    if image.isNull() or image.height() < 2:
        return False
    colour = image.pixelColor(image.width() // 2, min(100, image.height() - 1))
    return (colour.red(), colour.green(), colour.blue()) == BLOCK_RGB


def describe_build() -> str:
    from evidence_app import __version__

    how = "frozen build" if getattr(sys, "frozen", False) else "from source"
    try:
        import PySide6

        qt = f"PySide6 {PySide6.__version__}"
    except ImportError:
        qt = "PySide6 missing"
    return f"Evidence App {__version__} self-test ({how}, Python {sys.version.split()[0]}, {qt})"


def run(out: TextIO | None = None, time_limit_s: float = TIME_LIMIT_S) -> int:
    """Run every step; return 0 if all passed, 1 if one failed (3, from the watchdog, on a time-out)."""
    report = Report(out if out is not None else sys.stdout)
    prepare_environment()
    watchdog = start_watchdog(report, time_limit_s)
    started = time.monotonic()
    report.say(describe_build())
    try:
        with tempfile.TemporaryDirectory(prefix="evidence-selftest-") as folder, serve_page() as url:
            test = SelfTest(Path(folder), url)
            report.say(f"  ok      local web server: {url}")
            try:
                for name, action in (("school key made", test.make_school_key),
                                     ("case created", test.make_case),
                                     ("application loaded", test.load_modules),
                                     ("browser started", test.start_browser),
                                     ("page loaded", test.load_page),
                                     ("visible area captured", test.take_capture),
                                     ("journal checked", test.check_journal),
                                     ("form made", test.show_form),
                                     ("case exported", test.export_case),
                                     ("export verified", test.verify_export),
                                     ("the stop", test.stop)):
                    report.step(name, action)
            finally:
                report.current = "cleaning up"
                test.close()
    except StepFailed as exc:
        report.say(f"Self-test FAILED at {exc}")
        return EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - e.g. no temporary folder: still a plain answer
        report.say(f"Self-test FAILED ({report.current}): {type(exc).__name__}: {exc}")
        return EXIT_FAILED
    finally:
        watchdog.cancel()
    report.say(f"Self-test passed: {report.passed + 1} steps in {time.monotonic() - started:.1f} s.")
    return EXIT_OK


def main() -> int:
    """The ``--self-test`` entry point."""
    return run()
