"""The captures list in the side panel: a thumbnail, the time and the short hash of each.

Thumbnails are decrypted through the core (``read_capture`` re-checks the
hash) and cached by capture id while the case is unlocked; :meth:`clear`
drops every one of them. A quarantined capture is never decrypted: it shows
as a grey "withheld" tile. Double-clicking (or Enter on) a capture that is not
withheld emits :attr:`CapturesList.capture_chosen`, to describe it afterwards.

Pages kept whole ("Keep this page") are listed after the captures, as a blue "kept page" tile
(their pictures are never decrypted for a thumbnail); double-clicking one that is not withheld
emits :attr:`CapturesList.kept_chosen`, to show it again.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from evidence_app import Capture, Case, EvidenceError, KeptPage
from ui.texts import concern_words, local_time

THUMB = QSize(128, 80)  # large enough to recognise a page; double-click for the note, "View full size…" there


KEPT_ROLE = Qt.ItemDataRole.UserRole + 2  # True on a kept page's entry


def withheld_tile(text: str = "withheld", colour: str = "#9e9e9e") -> QPixmap:
    tile = QPixmap(THUMB)
    tile.fill(QColor(colour))
    painter = QPainter(tile)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(tile.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return tile


def thumbnail(png: bytes) -> QPixmap:
    image = QImage.fromData(png, "PNG")
    if image.isNull():
        return withheld_tile("unreadable")
    return QPixmap.fromImage(image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))


def caption(capture: Capture) -> str:
    lines = [f"{capture.id} · {local_time(capture.captured_at, with_date=False)} · {capture.sha256[:12]}"]
    if capture.quarantined:
        lines.append("Withheld for the police: never shown")
    else:
        if capture.url:
            lines.append(capture.url if len(capture.url) <= 34 else capture.url[:33] + "…")
        if capture.concern:
            lines.append(f"Concern: {concern_words(capture.concern)}")
    return "\n".join(lines)


def kept_caption(kept: KeptPage) -> str:
    lines = [f"{kept.id} · {local_time(kept.kept_at, with_date=False)} · {kept.sha256[:12]}"]
    if kept.quarantined:
        lines.append("Withheld for the police: never shown")
    else:
        lines.append(kept.url if len(kept.url) <= 34 else kept.url[:33] + "…")
        lines.append("Kept: web archive, PDF, picture" if kept.file("png") else  # fits the side panel
                     "Kept whole: web archive and PDF")
        if kept.concern:
            lines.append(f"Concern: {concern_words(kept.concern)}")
    return "\n".join(lines)


class CapturesList(QListWidget):
    """Every capture of the case, newest last, then every page kept whole."""

    capture_chosen = Signal(str)  # capture id (never a withheld one)
    kept_chosen = Signal(str)     # kept page id (never a withheld one)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.itemActivated.connect(self._on_activated)
        self.setAccessibleName("Screenshots taken")
        self.setIconSize(THUMB)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # wrapped, never scrolled sideways
        self.setUniformItemSizes(False)
        self.setSpacing(2)
        self._thumbs: dict[str, QPixmap] = {}
        self._shown: tuple[Capture | KeptPage, ...] = ()

    def show_captures(self, case: Case) -> None:
        """Bring the list up to date with ``case`` (only new captures are decrypted)."""
        captures = tuple(case.captures())
        kept = tuple(case.kept_pages())
        if captures + kept == self._shown:
            return
        self.clear()
        for capture in captures:
            self.addItem(self._item(case, capture))
        for page in kept:
            self.addItem(self._kept_item(page))
        self._shown = captures + kept
        self.scrollToBottom()

    def _kept_item(self, kept: KeptPage) -> QListWidgetItem:
        tile = withheld_tile() if kept.quarantined else withheld_tile("kept page", "#2f5d8a")
        item = QListWidgetItem(QIcon(tile), kept_caption(kept))
        item.setData(Qt.ItemDataRole.UserRole, kept.id)
        item.setData(Qt.ItemDataRole.UserRole + 1, kept.quarantined)
        item.setData(KEPT_ROLE, True)
        hint = "" if kept.quarantined else ("\nDouble-click to see it again, as it was kept (offline)"
                                            + (", and its picture of the whole page." if kept.file("png") else "."))
        item.setToolTip(f"{kept.url}\nSHA-256 of the web archive {kept.sha256}{hint}")
        return item

    def _item(self, case: Case, capture: Capture) -> QListWidgetItem:
        if capture.quarantined:
            pixmap = withheld_tile()
            self._thumbs.pop(capture.id, None)
        else:
            pixmap = self._thumbs.get(capture.id) or QPixmap()
            if pixmap.isNull():
                try:
                    pixmap = thumbnail(case.read_capture(capture.id))
                except EvidenceError:
                    pixmap = withheld_tile("cannot show")
                self._thumbs[capture.id] = pixmap
        item = QListWidgetItem(QIcon(pixmap), caption(capture))
        item.setData(Qt.ItemDataRole.UserRole, capture.id)
        item.setData(Qt.ItemDataRole.UserRole + 1, capture.quarantined)
        hint = "" if capture.quarantined else "\nDouble-click to change its note or concern."
        item.setToolTip(f"SHA-256 {capture.sha256}{hint}")
        return item

    @Slot(QListWidgetItem)
    def _on_activated(self, item: QListWidgetItem) -> None:
        if item.data(Qt.ItemDataRole.UserRole + 1):
            return
        if item.data(KEPT_ROLE):
            self.kept_chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))
        else:
            self.capture_chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def clear(self) -> None:  # type: ignore[override]
        super().clear()
        self._shown = ()

    def forget(self) -> None:
        """Drop every thumbnail and caption: the case is being locked."""
        self.clear()
        self._thumbs.clear()
