"""Files and devices through the real case window: keyboard, mouse and drops on widgets found by their words.

The law first: an imported picture is never decoded before the pair choose View… and accept the
warning. Every way Qt turns bytes into pixels is counted, and every way the core hands an item's
bytes out is watched; both stay at zero until "View it" is clicked.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QWidget

from evidence_app import Kind, Status
from evidence_app.school.settings import Settings
from tests.helpers.evidence_files import email_with_attachments, jpeg_with_exif, sparse_file
from ui.case_window.window import CaseWindow
from ui.items.dialog import ItemsDialog


def _button(parent: QWidget, words: str) -> QPushButton:
    found = [b for b in parent.findChildren(QPushButton) if b.text().replace("&", "") == words and b.isVisible()]
    assert found, f"no visible button {words!r} in {parent.windowTitle()!r}"
    return found[0]


def _click(qtbot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _drop(window: QWidget, paths: list[Path]) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPoint(window.width() // 2, window.height() // 2)
    with warnings.catch_warnings():  # PySide marks the only constructor it has as deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted(), "the case window refused the drag"
    drop = QDropEvent(QPointF(point), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)


def _select(qtbot, dialog: ItemsDialog, name: str) -> None:
    rows = [dialog.list.topLevelItem(i) for i in range(dialog.list.topLevelItemCount())]
    row = next(r for r in rows if r.text(1).strip().removeprefix("↳ ").strip() == name)
    rect = dialog.list.visualItemRect(row)
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.list.currentItem() is row


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every call that turns bytes or a file into pixels, anywhere in Qt's image API."""
    seen: list[str] = []

    def counting(owner: type, name: str, static: bool) -> None:
        original = getattr(owner, name)

        def spy(*args: object, **kwargs: object) -> object:
            seen.append(f"{owner.__name__}.{name}")
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, staticmethod(spy) if static else spy)

    for owner, name, static in ((QImage, "fromData", True), (QImage, "loadFromData", False), (QImage, "load", False),
                                (QPixmap, "loadFromData", False), (QPixmap, "load", False),
                                (QImageReader, "read", False)):
        counting(owner, name, static)
    yield seen


@pytest.fixture
def handed_out(case, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every time the core hands an item's bytes to the window."""
    calls: list[str] = []
    for name in ("view_item", "read_item", "item_chunks"):
        original = getattr(case, name)
        monkeypatch.setattr(case, name, lambda item_id, _o=original, _n=name: (calls.append(f"{_n} {item_id}"),
                                                                              _o(item_id))[1])
    return calls


@pytest.fixture
def window(qtbot, case) -> CaseWindow:
    made = CaseWindow(case, settings=Settings)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    made.activateWindow()
    qtbot.waitUntil(made.isActiveWindow)
    return made


def _files(qtbot, window: CaseWindow) -> ItemsDialog:
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.items_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _wait_added(qtbot, dialog: ItemsDialog, count: int) -> None:
    qtbot.waitUntil(lambda: dialog.adder is None and dialog.list.topLevelItemCount() == count, timeout=20_000)


def test_a_dropped_picture_is_listed_but_never_decoded_until_the_pair_choose_to_view_it(
        qtbot, case, window: CaseWindow, tmp_path: Path, decodes: list[str], handed_out: list[str]) -> None:
    photo = tmp_path / "photo from parent.jpg"
    photo.write_bytes(jpeg_with_exif())
    dialog = _files(qtbot, window)
    _drop(window, [photo])
    _wait_added(qtbot, dialog, 1)
    assert dialog.list.topLevelItem(0).text(2) == "picture (not shown)"
    _select(qtbot, dialog, "photo from parent.jpg")
    _click(qtbot, _button(dialog, "Details…"))  # words only: EXIF read by the core, no pixels
    assert "Canon EOS 200D" in dialog.sub_dialog.findChild(QPlainTextEdit).toPlainText()
    dialog.sub_dialog.close()
    _click(qtbot, _button(dialog, "Describe…"))
    describe = dialog.sub_dialog
    qtbot.keyClicks(describe.note, "Photo of the group chat, described by the parent")
    _click(qtbot, _button(describe, "Save"))
    assert case.item("I0001").note == "Photo of the group chat, described by the parent"
    _click(qtbot, _button(dialog, "View…"))
    warning = dialog.warning
    assert isinstance(warning, QMessageBox) and "do not look at it" in warning.text()
    _click(qtbot, _button(warning, "Cancel"))
    assert (decodes, handed_out, dialog.viewer) == ([], [], None), "the picture was decoded before the choice"
    assert not any(e.kind == Kind.ITEM_VIEWED for e in case.events())
    _click(qtbot, _button(dialog, "View…"))
    _click(qtbot, _button(dialog.warning, "View it"))
    qtbot.waitUntil(lambda: dialog.viewer is not None and dialog.viewer.isVisible())
    assert decodes == ["QImage.fromData"] and handed_out == ["view_item I0001"]
    assert dialog.viewer.picture.pixmap() is not None and not dialog.viewer.picture.pixmap().isNull()
    assert [e.data["item"] for e in case.events() if e.kind == Kind.ITEM_VIEWED] == ["I0001"]


def test_the_stop_pressed_while_a_picture_is_shown_withholds_it_and_seals(
        qtbot, case, window: CaseWindow, tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg_with_exif())
    dialog = _files(qtbot, window)
    _drop(window, [photo])
    _wait_added(qtbot, dialog, 1)
    _select(qtbot, dialog, "photo.jpg")
    _click(qtbot, _button(dialog, "View…"))
    _click(qtbot, _button(dialog.warning, "View it"))
    qtbot.waitUntil(lambda: dialog.viewer is not None and dialog.viewer.isVisible())
    viewer = dialog.viewer
    qtbot.waitUntil(viewer.isActiveWindow)
    qtbot.keyClick(viewer, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    confirm = window.stop_confirm
    assert confirm is not None and confirm.request.captures == ("I0001",)
    with qtbot.waitSignal(window.sealed, timeout=5000):
        _click(qtbot, confirm.confirm_button)
    assert case.status is Status.SEALED and case.item("I0001").quarantined
    assert not viewer.isVisible() and window.items_dialog is None or not window.items_dialog.isVisible()


def test_choosing_the_child_abuse_concern_for_a_file_is_the_stop(qtbot, case, window: CaseWindow,
                                                                 tmp_path: Path) -> None:
    message = tmp_path / "from parent.eml"
    message.write_bytes(email_with_attachments())
    dialog = _files(qtbot, window)
    _drop(window, [message])
    _wait_added(qtbot, dialog, 3)
    _select(qtbot, dialog, "from parent.eml")
    _click(qtbot, _button(dialog, "Describe…"))
    describe = dialog.sub_dialog
    describe.concern.setCurrentIndex(describe.concern.findData("csam"))
    qtbot.waitUntil(lambda: window.stop_confirm is not None)
    with qtbot.waitSignal(window.sealed, timeout=5000):
        _click(qtbot, window.stop_confirm.confirm_button)
    assert [i.quarantined for i in case.items()] == [True, True, True]


def test_add_files_button_progress_and_cancel(qtbot, case, window: CaseWindow, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    big = sparse_file(tmp_path / "video.mp4", 1024 * 1024 * 1024)
    small = tmp_path / "notes.txt"
    small.write_text("what the pupil said")
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(small), str(big)], ""))
    dialog = _files(qtbot, window)
    _click(qtbot, _button(dialog, "Add a device…"))
    device = dialog.sub_dialog
    device.findChild(QLineEdit, "").setFocus()
    fields = device.findChildren(QLineEdit)
    qtbot.keyClicks(fields[0], "Pupil's phone")
    qtbot.keyClicks(fields[1], "Both investigators, the pupil and a parent")
    _click(qtbot, _button(device, "Save"))
    assert dialog.device.currentData() == "D0001"
    _click(qtbot, _button(dialog, "Add files…"))
    adder = dialog.adder
    assert adder is not None
    qtbot.waitUntil(lambda: adder.progress.value() > 0 and "video.mp4" in adder.progress.labelText(), timeout=20_000)
    _click(qtbot, _button(adder.progress, "Cancel"))
    _wait_added(qtbot, dialog, 1)
    assert "cancelled" in dialog.result.text()
    assert [(i.name, i.device) for i in case.items()] == [("notes.txt", "D0001")]
    assert case.devices()[0].items == ("I0001",)
    case.verify()


def test_a_screenshot_of_the_files_list(qtbot, case, window: CaseWindow, tmp_path: Path) -> None:
    """docs/files-and-devices.png at 1366x768, when the SCREENSHOTS folder is given."""
    folder = os.environ.get("SCREENSHOTS")
    if not folder:
        pytest.skip("set SCREENSHOTS to a folder to save the picture")
    device = case.add_device("Pupil's phone, a black iPhone", "Both investigators, the pupil and a parent")
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(jpeg_with_exif())
    case.add_item(photo, device=device.id, note="Photo of the group chat on the pupil's phone")
    message = tmp_path / "Screenshot of what was sent to my son.eml"
    message.write_bytes(email_with_attachments())
    case.add_item(message, note="Forwarded by the parent on Tuesday evening", concern="threatening-behaviour")
    window.resize(1366, 768)
    dialog = _files(qtbot, window)
    dialog.move(window.x() + 150, window.y() + 120)
    _select(qtbot, dialog, "IMG_2041.jpg")
    _click(qtbot, _button(dialog, "View…"))
    qtbot.wait(300)
    screen = QApplication.primaryScreen().grabWindow(0)
    screen.save(str(Path(folder) / "files-and-devices.png"))
    _click(qtbot, _button(dialog.warning, "Cancel"))
