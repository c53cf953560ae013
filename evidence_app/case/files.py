"""Files and devices brought into a case: the rules, as a part of :class:`~evidence_app.case.open_case.Case`.

A file is read once, in chunks: each chunk is hashed (SHA-256, MD5, SHA-1) and encrypted into the
vault as it passes, so a 2 GB video never sits in memory. Only then is its record journaled, with
its original name, size and modification time, who added it, the note and the concern, and what
the file says about itself (read from the very bytes that were hashed, for files up to
:data:`~evidence_app.items.examine.EXAMINE_LIMIT`). A message's attachments become items of their own.

The stop applies as for captures: the child-abuse concern on an item, at import or later, quarantines
it (with its attachments) and seals the case; a quarantined item is never read back for display.
A picture or video is never read back for display until the pair choose to view it: :meth:`view_item`
journals that choice; :meth:`read_item` refuses a picture or video.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence_app.case.text import checked_text
from evidence_app.errors import (
    Cancelled,
    CaseSealed,
    InvalidInput,
    Quarantined,
    TamperDetected,
)
from evidence_app.items.examine import EXAMINE_LIMIT, examine, too_large
from evidence_app.items.examined import Attachment, clipped
from evidence_app.items.hashes import MultiHash
from evidence_app.items.kinds import HEAD_BYTES, is_visual, sniff
from evidence_app.items.records import Device, Item
from evidence_app.policy.concerns import CSAM
from evidence_app.vault.durable import storage_error
from evidence_app.vault.events import Event, Kind
from evidence_app.vault.streams import CHUNK
from evidence_app.vault.timestamps import utc_now

if TYPE_CHECKING:
    from evidence_app.vault.blobs import BlobStore

Progress = Callable[[int, int], None]
"""Told ``(bytes done, bytes in all)`` as a file is read."""
MAX_NAME_CHARS = 1_000
MAX_ATTACHMENT_DEPTH = 3  # a message inside a message inside a message: deeper ones are kept whole


class FilesAndDevices:
    """The part of a case that takes files and devices. Mixed into ``Case``; uses its journal and guards."""

    _mutex: threading.RLock
    _blobs: BlobStore
    _events: list[Event]

    # ------------------------------------------------------------------ devices

    def add_device(self, description: str, present: str) -> Device:
        """Record a device reviewed (e.g. "pupil's phone") and who was present when it was reviewed."""
        checked_text(description, "device's description", 2_000)
        checked_text(present, "list of who was present", 2_000)
        if not description.strip():
            raise InvalidInput("Describe the device (for example: \"pupil's phone, a black iPhone\").")
        if not present.strip():
            raise InvalidInput("Say who was present when the device was reviewed.")
        with self._mutex:
            self._require_evidence_allowed()  # type: ignore[attr-defined]
            device_id = f"D{self._counts[Kind.DEVICE] + 1:04d}"  # type: ignore[attr-defined]
            self._append(Kind.DEVICE, {"id": device_id, "description": description,  # type: ignore[attr-defined]
                                       "present": present})
            return self._device(device_id)

    def devices(self) -> list[Device]:
        """Every device, with the items that came from it."""
        self._require_keys()  # type: ignore[attr-defined]
        return [self._device(e.data["id"]) for e in self._events if e.kind == Kind.DEVICE]

    def _device(self, device_id: str) -> Device:
        for event in self._events:
            if event.kind == Kind.DEVICE and event.data["id"] == device_id:
                items = tuple(e.data["id"] for e in self._events
                              if e.kind == Kind.ITEM and e.data.get("device") == device_id)
                return Device(id=device_id, description=event.data["description"], present=event.data["present"],
                              added_at=event.time, by=event.by, items=items)
        raise InvalidInput(f"There is no device {device_id!r} in this case.")

    # ------------------------------------------------------------------ adding files

    def add_item(self, source: Path | str, *, note: str = "", concern: str = "", device: str = "",
                 progress: Progress | None = None, cancel: threading.Event | None = None) -> Item:
        """Bring a file into the case; return once its bytes and its record are durable.

        A message's attachments are added after it, as items naming it as their ``parent``.
        The child-abuse concern keeps the file (quarantined, for the police) and seals the case:
        :class:`CaseSealed` says so.
        """
        path = Path(source)
        checked_text(note, "note")
        self._check_concern(concern)  # type: ignore[attr-defined]
        with self._mutex:
            self._require_evidence_allowed()  # type: ignore[attr-defined]
            if device:
                self._device(device)
        name = clipped(path.name, MAX_NAME_CHARS)
        if path.is_dir():  # Windows refuses to open a folder with "access denied", not "is a directory"
            raise InvalidInput(f"{name!r} is a folder. Choose the files inside it.")
        try:
            with open(path, "rb") as handle:
                stat = os.fstat(handle.fileno())
                modified = datetime.fromtimestamp(stat.st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                stored = self._stream_in(handle, stat.st_size, name, progress, cancel)
        except FileNotFoundError:
            raise InvalidInput(f"The file {name!r} is not there any more. Nothing was added.") from None
        except IsADirectoryError:
            raise InvalidInput(f"{name!r} is a folder. Choose the files inside it.") from None
        except PermissionError:
            raise InvalidInput(f"This account may not read {name!r}. Nothing was added.") from None
        except OSError as exc:
            raise InvalidInput(f"The file {name!r} could not be read ({exc.strerror or exc}). "
                               "Nothing was added.") from exc
        return self._keep(stored, name=name, modified=modified, note=note, concern=concern, device=device)

    def _stream_in(self, handle: Any, expected: int, name: str, progress: Progress | None,
                   cancel: threading.Event | None) -> dict[str, Any]:
        """Read, hash and encrypt the file chunk by chunk; keep the bytes too if small enough to examine."""
        blob_id, writer = self._blobs.new_stream(f"the file {name}")
        hashes = MultiHash()
        kept: bytearray | None = bytearray() if expected <= EXAMINE_LIMIT else None
        head = b""
        try:
            while chunk := handle.read(CHUNK):
                if cancel is not None and cancel.is_set():
                    raise Cancelled(f"Adding {name!r} was cancelled. Nothing of it was kept.")
                self._require_evidence_allowed()  # type: ignore[attr-defined]  # locked or sealed meanwhile: stop now
                hashes.update(chunk)
                writer.write(chunk)
                if len(head) < HEAD_BYTES:
                    head += chunk[:HEAD_BYTES]
                if kept is not None:
                    kept += chunk
                    if len(kept) > EXAMINE_LIMIT:
                        kept = None  # it grew while being read: kept and hashed, not examined
                if progress is not None:
                    progress(hashes.size, max(expected, hashes.size))
            writer.finish()
        except BaseException as exc:
            writer.abort()
            self._blobs.settled(blob_id)
            if isinstance(exc, OSError):
                raise storage_error(exc, f"the file {name}") from exc
            raise
        return {"blob": blob_id, "hashes": hashes.result(), "size": hashes.size, "head": head,
                "bytes": None if kept is None else bytes(kept)}

    def _keep(self, stored: dict[str, Any], *, name: str, modified: str, note: str, concern: str,
              device: str, parent: str = "", depth: int = 0) -> Item:
        """Examine the stored bytes, journal the item (and its attachments); settle the stop if asked."""
        media_type = sniff(stored["head"], name)
        data: bytes | None = stored.pop("bytes")
        found = examine(data, media_type) if data is not None else too_large(stored["size"])
        attachments = found.attachments if concern != CSAM and depth < MAX_ATTACHMENT_DEPTH else ()
        record = {"name": name, "size": stored["size"], "modified": modified, "added_at": utc_now(),
                  **stored["hashes"].to_json(), "media_type": media_type, "visual": is_visual(media_type, name),
                  "note": note, "concern": concern, "device": device, "parent": parent,
                  "metadata": found.to_json(), "blob": stored["blob"]}
        with self._mutex:
            try:
                self._require_evidence_allowed()  # type: ignore[attr-defined]
                record["id"] = f"I{self._counts[Kind.ITEM] + 1:04d}"  # type: ignore[attr-defined]
                event = self._append(Kind.ITEM, record)  # type: ignore[attr-defined]
            except BaseException:
                if self._journal.refused_bytes_remain():  # type: ignore[attr-defined]
                    self._blobs.refused.add(stored["blob"])
                else:
                    self._blobs.discard(stored["blob"])
                raise
            finally:
                self._blobs.settled(stored["blob"])
            item_id = event.data["id"]
            if concern == CSAM:
                self.flag_csam("", note=note, captures=(item_id,))  # type: ignore[attr-defined]
                raise CaseSealed(f"{name!r} was kept for the police, encrypted and quarantined: it will never be "
                                 "shown, printed or copied by this app. The concern chosen was child sexual abuse "
                                 "images, so the case is now sealed; follow the referral steps.")
            for attachment in attachments:
                self._add_attachment(attachment, parent=item_id, device=device, depth=depth + 1)
            return self.item(item_id)

    def _add_attachment(self, attachment: Attachment, *, parent: str, device: str, depth: int) -> None:
        blob_id, writer = self._blobs.new_stream(f"the attachment {attachment.name}")
        hashes = MultiHash()
        try:
            view = memoryview(attachment.data)
            for start in range(0, len(view), CHUNK):
                hashes.update(view[start:start + CHUNK])
                writer.write(view[start:start + CHUNK])
            writer.finish()
        except BaseException:
            writer.abort()
            self._blobs.settled(blob_id)
            raise
        stored = {"blob": blob_id, "hashes": hashes.result(), "size": hashes.size,
                  "head": attachment.data[:HEAD_BYTES], "bytes": attachment.data}
        self._keep(stored, name=attachment.name, modified="", note="", concern="", device=device,
                   parent=parent, depth=depth)

    # ------------------------------------------------------------------ reading

    def items(self) -> list[Item]:
        """Every item, with its latest note and concern, and whether it is quarantined."""
        self._require_keys()  # type: ignore[attr-defined]
        described: dict[str, Any] = {e.data["item"]: e.data for e in self._events if e.kind == Kind.ITEM_DESCRIBED}
        return [self._item_from(e, described.get(e.data["id"])) for e in self._events if e.kind == Kind.ITEM]

    def item(self, item_id: str) -> Item:
        self._require_keys()  # type: ignore[attr-defined]
        found = [i for i in self.items() if i.id == item_id]
        if not found:
            raise InvalidInput(f"There is no item {item_id!r} in this case.")
        return found[0]

    def _item_from(self, event: Event, described: Any = None) -> Item:
        d = event.data
        latest = described or d
        return Item(id=d["id"], name=d["name"], size=d["size"], modified=d["modified"], added_at=d["added_at"],
                    by=event.by, sha256=d["sha256"], md5=d["md5"], sha1=d["sha1"], media_type=d["media_type"],
                    visual=d["visual"], note=latest["note"], concern=latest["concern"], device=d["device"],
                    parent=d["parent"], metadata=dict(d["metadata"]),
                    quarantined=d["id"] in self._quarantined)  # type: ignore[attr-defined]

    def _item_event(self, item_id: str) -> Event:
        for event in self._events:
            if event.kind == Kind.ITEM and event.data["id"] == item_id:
                return event
        raise InvalidInput(f"There is no item {item_id!r} in this case.")

    def item_chunks(self, item_id: str) -> Iterator[bytes]:
        """The item's original bytes in chunks, for the police export; the hashes are re-checked at the end.

        The last chunk is given only once all three hashes matched: a consumer that writes them out
        must treat :class:`TamperDetected` as "throw away what was written".
        """
        with self._mutex:
            self._require_keys()  # type: ignore[attr-defined]
            event = self._item_event(item_id)
        return self._checked_chunks(event)

    def _checked_chunks(self, event: Event) -> Iterator[bytes]:
        hashes = MultiHash()
        held = b""
        for chunk in self._blobs.read_chunks(event.data["blob"]):
            if held:
                yield held
            hashes.update(chunk)
            held = chunk
        result = hashes.result()
        if result.to_json() != {k: event.data[k] for k in ("sha256", "md5", "sha1")} or hashes.size != event.data["size"]:
            raise TamperDetected(f"blobs/{event.data['blob']}.blob",
                                 f"its content no longer matches the hashes recorded in journal record {event.seq}")
        if held:
            yield held

    def _check_item_blob(self, event: Event) -> None:
        for _ in self._checked_chunks(event):
            pass

    def read_item(self, item_id: str) -> bytes:
        """An item's bytes, hashes re-checked. Not for pictures and videos (see :meth:`view_item`) nor quarantined ones."""
        with self._mutex:
            event = self._readable(item_id)
            if event.data["visual"]:
                raise InvalidInput(f"{event.data['name']!r} is a picture or a video: it is shown only when you "
                                   "choose View… and accept the warning.")
            return self._read_whole(event)

    def view_item(self, item_id: str) -> bytes:
        """The pair chose to view an item after the warning: journal that choice, then give its bytes."""
        with self._mutex:
            event = self._readable(item_id)
            if not self.read_only:  # type: ignore[attr-defined]
                self._append(Kind.ITEM_VIEWED, {"item": item_id})  # type: ignore[attr-defined]
            return self._read_whole(event)

    def _readable(self, item_id: str) -> Event:
        self._require_keys()  # type: ignore[attr-defined]
        event = self._item_event(item_id)
        if item_id in self._quarantined:  # type: ignore[attr-defined]
            raise Quarantined(f"Item {item_id} was flagged as suspected child abuse imagery. It is kept for the "
                              "police and is never shown, printed or copied.")
        return event

    def _read_whole(self, event: Event) -> bytes:
        if event.data["size"] > EXAMINE_LIMIT:
            raise InvalidInput(f"{event.data['name']!r} is too large to open inside the app "
                               f"({event.data['size'] / 1024 / 1024:,.0f} MB). It is in the police export whole.")
        return b"".join(self._checked_chunks(event))

    # ------------------------------------------------------------------ describing

    def describe_item(self, item_id: str, *, note: str, concern: str) -> Event:
        """Set an item's note and concern (no need to view it). The child-abuse concern is the stop."""
        checked_text(note, "note")
        self._check_concern(concern)  # type: ignore[attr-defined]
        with self._mutex:
            self._require_evidence_allowed()  # type: ignore[attr-defined]
            self._item_event(item_id)
            if concern == CSAM:
                return self.flag_csam("", note=note, captures=(item_id,))  # type: ignore[attr-defined]
            return self._append(Kind.ITEM_DESCRIBED, {"item": item_id, "note": note,  # type: ignore[attr-defined]
                                                      "concern": concern})

    def _items_caught(self, ids: tuple[str, ...] | list[str]) -> list[Item]:
        """The items named in a stop, and everything attached inside them, at any depth."""
        caught: list[Item] = []
        wanted = set(ids)
        for item in self.items():
            if item.id in wanted or item.parent in wanted:
                caught.append(item)
                wanted.add(item.id)
        return caught

