"""PNG encoding in memory; the whole-screen capture says plainly when there is no screen."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtGui import QColor, QImage

from ui.browser import grab
from ui.browser.grab import CaptureUnavailable, grab_screen, png_bytes


def test_png_bytes_round_trip() -> None:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#123456"))
    data = png_bytes(image)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    back = QImage.fromData(data, "PNG")
    assert back.size() == image.size() and back.pixelColor(5, 5).name() == "#123456"
    assert hashlib.sha256(png_bytes(image)).hexdigest() == hashlib.sha256(data).hexdigest()


def test_no_display_gives_a_plain_sentence(monkeypatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(grab.sys, "platform", "linux")
    with pytest.raises(CaptureUnavailable, match="no screen to capture"):
        grab_screen()


def test_a_display_that_cannot_be_opened_gives_a_plain_sentence(monkeypatch) -> None:
    monkeypatch.setenv("DISPLAY", ":4242")  # nothing listens there
    monkeypatch.setattr(grab.sys, "platform", "linux")
    with pytest.raises(CaptureUnavailable, match="could not be captured"):
        grab_screen()
