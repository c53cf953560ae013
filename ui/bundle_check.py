"""Verify a police export bundle from the start screen.

Everything about it is in this one module. When the core's bundle checker
(``evidence_app.bundle_verify``, from the export issue) is not installed, the
button says so plainly; when it is, this asks for the export folder and its
export passphrase, runs ``verify_bundle`` in the background and shows the
report's own text.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from .background import run_in_background
from .errors import show_error, show_message

NOT_INSTALLED = ("Checking an export bundle is not installed in this copy of Evidence App yet: "
                 "it arrives with the police export. Until then an officer can check a bundle with "
                 "the steps in its README.txt (age, tar and sha256sum).")


CHECKER_MODULES = ("evidence_app.bundle_verify", "evidence_app.bundle")


def checker_module() -> str | None:
    for name in CHECKER_MODULES:
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def bundle_checker_installed() -> bool:
    return checker_module() is not None


def start_bundle_check(parent: QWidget) -> QWidget:
    """Begin checking a bundle; returns the dialog it opened (never blocks)."""
    if not bundle_checker_installed():
        return show_message(parent, "Verify a bundle", NOT_INSTALLED)
    chooser = QFileDialog(parent, "Choose the export folder to check")
    chooser.setFileMode(QFileDialog.FileMode.Directory)
    chooser.fileSelected.connect(lambda path: _ask_passphrase(parent, path))
    chooser.open()
    return chooser


def _ask_passphrase(parent: QWidget, path: str) -> None:
    ask = QInputDialog(parent)
    ask.setWindowTitle("Verify a bundle")
    ask.setLabelText("The export passphrase (given separately with the bundle):")
    ask.setTextEchoMode(QLineEdit.EchoMode.Password)
    ask.textValueSelected.connect(lambda passphrase: _verify(parent, path, passphrase))
    ask.open()


def _verify(parent: QWidget, path: str, passphrase: str) -> None:
    bundle: Any = importlib.import_module(checker_module() or CHECKER_MODULES[0])

    def report(result: Any) -> None:
        ok = bool(getattr(result, "ok", False))
        text = ("The bundle is intact: every file matches its recorded hash and the case's signature "
                "is good." if ok else "The bundle is NOT intact. Do not rely on it: ask for a new export.")
        details = result.text() if callable(getattr(result, "text", None)) else str(result)
        show_message(parent, "Verify a bundle", text, details=details,
                     icon=QMessageBox.Icon.Information if ok else QMessageBox.Icon.Warning)

    run_in_background(parent, lambda: bundle.verify_bundle(path, passphrase=passphrase), report,
                      lambda exc: show_error(parent, exc, "Verify a bundle"))
