"""Journeys: the application as two members of staff use it, through its real windows.

A journey starts the application's controller with its real browser, on a real
website nobody on this project wrote (Debian's ``python3-doc``: the Python
documentation, served by a plain HTTP server on 127.0.0.1), and makes every
step through :class:`tests.helpers.person.Person`: what is on screen, found by
its words, driven with QTest's mouse and keyboard.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6 import QtWebEngineWidgets  # noqa: F401 - QtWebEngine before the QApplication
from PySide6.QtWidgets import QApplication

from tests.helpers.bundles import CHEAP_SCRYPT
from tests.helpers.cases import CHEAP, make_store
from tests.helpers.person import Person
from tests.unit.ui.conftest import clean_qt, collect_on_this_thread  # noqa: F401 - shared fixtures
from ui.app import Controller

DOCS = Path("/usr/share/doc/python3/html")  # Debian's python3-doc (scripts/debian-packages.txt)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


class DocsSite:
    """The Python documentation on http://127.0.0.1:PORT/ (a real site, with links, anchors and a search)."""

    def __init__(self, root: Path = DOCS) -> None:
        if not (root / "index.html").is_file():
            pytest.fail(f"{root} is missing: install the Debian package python3-doc "
                        "(scripts/debian-packages.txt) for the journey tests")
        handler = functools.partial(QuietHandler, directory=str(root))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.base = f"http://{self.host}"

    def start(self) -> DocsSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def docs_site() -> Iterator[DocsSite]:
    site = DocsSite().start()
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture
def app(qapp: QApplication, tmp_path: Path, clean_qt: None) -> Iterator[Controller]:  # noqa: F811
    """The application as ``./scripts/start`` runs it, with its real browser, on a fresh computer."""
    store = make_store(tmp_path / "cases")
    controller = Controller(qapp, store=store, settings_path=tmp_path / "config" / "settings.json",
                            kdf=CHEAP, with_browser=True)
    controller.export_key_cost = CHEAP_SCRYPT
    controller.show_start()
    yield controller
    controller.shutdown()


@pytest.fixture
def person(qtbot: Any, qapp: QApplication) -> Person:
    return Person(qtbot, qapp)
