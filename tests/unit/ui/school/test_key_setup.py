"""Setting up the school key: offered at first run, passphrase rules live, one page shown once, the key file made."""

from __future__ import annotations

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox

from evidence_app import SchoolKey
from evidence_app.vault.school_key import FILE_NAME
from tests.helpers.cases import CHEAP
from tests.helpers.pdf import needs_poppler, pdf_pages, pdf_text
from ui.school.key_offer import OFFER_TEXT
from ui.school.key_setup import PRINT_PAGE, SchoolKeySetupDialog

pytestmark = [pytest.mark.usefixtures("clean_qt"), needs_poppler]
COORDINATOR = "Head's own pass 2026!"


def make_key(qtbot, dialog: SchoolKeySetupDialog, passphrase: str = COORDINATOR) -> None:
    dialog.passphrase.first.setText(passphrase)
    dialog.passphrase.again.setText(passphrase)
    assert dialog.create_button.isEnabled()
    with qtbot.waitSignal(dialog.created, timeout=15_000):
        dialog.create_button.click()


def test_first_run_offers_it_without_forcing(qtbot, controller, store) -> None:
    offer = controller.start.school_key_offer
    assert offer.isVisible()
    assert OFFER_TEXT.count(". ") + 1 == 2 and "headteacher" in OFFER_TEXT and "school safe" in OFFER_TEXT
    assert controller.start.buttons["new"].isEnabled()  # nothing is blocked meanwhile
    assert not controller.start.buttons["register"].isVisible()
    offer.button.click()
    dialog = next(d for d in controller.dialogs if isinstance(d, SchoolKeySetupDialog))
    assert dialog.isVisible()
    dialog.cancel_button.click()  # "Not now"
    assert not (store.root / FILE_NAME).exists() and offer.isVisible()


def test_passphrase_rules_are_shown_live(qtbot, controller) -> None:
    controller.start.school_key_offer.button.click()
    dialog = next(d for d in controller.dialogs if isinstance(d, SchoolKeySetupDialog))
    dialog.passphrase.first.setText("short")
    assert "✗" in dialog.passphrase.feedback.text() and not dialog.create_button.isEnabled()
    dialog.passphrase.first.setText(COORDINATOR)
    dialog.passphrase.again.setText(COORDINATOR + "x")
    assert "differ" in dialog.passphrase.feedback.text() and not dialog.create_button.isEnabled()
    dialog.passphrase.again.setText(COORDINATOR)
    assert dialog.create_button.isEnabled()


def test_makes_the_key_and_shows_its_page_once(qtbot, controller, store) -> None:
    controller.kdf = CHEAP
    controller.start.school_key_offer.button.click()
    dialog = next(d for d in controller.dialogs if isinstance(d, SchoolKeySetupDialog))
    make_key(qtbot, dialog)
    assert (store.root / FILE_NAME).exists()
    key = store.unlock_school_key(COORDINATOR)
    assert dialog.key_id == key.public.id
    assert dialog.pages.currentIndex() == PRINT_PAGE
    assert dialog.document.pageCount() == 1
    pdf = dialog.page_pdf
    assert pdf is not None and pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    assert all(word in text for word in key.to_words().split())
    assert SchoolKey.from_words(key.to_words()) == key and key.public.fingerprint in text
    # the words are nowhere on disk, and not in any widget's text (only in the page being previewed)
    assert not any(key.to_words().split()[0] + " " + key.to_words().split()[1] in p.read_text(errors="ignore")
                   for p in store.root.rglob("*") if p.is_file())
    assert dialog.passphrase.first.text() == ""
    dialog.done_button.click()
    assert dialog.confirmed and dialog.page_pdf is None and dialog.document.pageCount() == 0
    # the start screen now offers the register, not the setup
    qtbot.waitUntil(lambda: not controller.start.school_key_offer.isVisible())
    assert controller.start.buttons["register"].isVisible()


def test_a_second_key_is_refused_plainly(qtbot, store) -> None:
    store.create_school_key(COORDINATOR, kdf=CHEAP)
    dialog = SchoolKeySetupDialog(store, kdf=CHEAP)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.passphrase.first.setText(COORDINATOR)
    dialog.passphrase.again.setText(COORDINATOR)
    dialog.create_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)
    assert "already has a school key" in dialog.message.text()
    assert dialog.pages.currentIndex() == 0


def test_closing_before_confirming_asks_first(qtbot, store) -> None:
    dialog = SchoolKeySetupDialog(store, kdf=CHEAP)
    qtbot.addWidget(dialog)
    dialog.open()
    make_key(qtbot, dialog)
    dialog.reject()
    box = dialog.close_question
    assert isinstance(box, QMessageBox) and box.isVisible() and dialog.isVisible()
    assert "never be shown again" in box.text()
    back = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole)
    back.click()
    assert dialog.isVisible() and dialog.page_pdf is not None
    dialog.reject()
    lose = next(b for b in dialog.close_question.buttons()
                if dialog.close_question.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    lose.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.page_pdf is None


def test_prints_the_page(qtbot, store, tmp_path) -> None:
    dialog = SchoolKeySetupDialog(store, kdf=CHEAP)
    qtbot.addWidget(dialog)
    dialog.open()
    make_key(qtbot, dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(dialog.printed, timeout=15_000) as signal:
        dialog.print_to(printer)
    assert signal.args == [True]
    assert pdf_pages(tmp_path / "printed.pdf") == 1
    assert "sent to the printer" in dialog.print_status.text()
    dialog.done_button.click()
