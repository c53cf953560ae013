"""A kept page's web archive (MHTML, RFC 2557) read back into its parts, in memory, to be shown again.

The browser writes ``multipart/related``: the page's document first, then every part it showed,
each with the address it came from (``Content-Location``; a frame's document also with a
``Content-ID`` that its parent refers to as ``cid:``). :func:`read_archive` undoes the transfer
encodings (quoted-printable, base64) with the standard library's e-mail parser and returns the
parts; nothing is written anywhere. A part with neither cannot be referred to, so it is left out.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass

from evidence_app.errors import InvalidInput


@dataclass(frozen=True)
class ArchivePart:
    location: str
    media_type: str
    body: bytes
    content_id: str = ""  # a frame's document is referred to by it (``cid:...``)


@dataclass(frozen=True)
class Archive:
    """The page's address, and its parts (the document first)."""

    url: str
    parts: tuple[ArchivePart, ...]

    def index_of(self, location: str) -> int | None:
        for number, part in enumerate(self.parts):
            if part.location == location:
                return number
        return None


def read_archive(data: bytes) -> Archive:
    """The parts of an MHTML file; :class:`InvalidInput` with a sentence if it is not one."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if message.get_content_type() != "multipart/related" or not message.is_multipart():
        raise InvalidInput("This is not a web archive (MHTML): it cannot be shown.")
    parts: list[ArchivePart] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        location = str(part.get("Content-Location", "")).strip()
        content_id = str(part.get("Content-ID", "")).strip().removeprefix("<").removesuffix(">")
        body = part.get_payload(decode=True)
        if not (location or content_id) or not isinstance(body, bytes):
            continue
        parts.append(ArchivePart(location, part.get_content_type(), body, content_id))
    url = str(message.get("Snapshot-Content-Location", "")).strip()
    documents = [p for p in parts if p.media_type == "text/html"]
    if not documents:
        raise InvalidInput("The web archive holds no page: it cannot be shown.")
    main = next((p for p in parts if p.location == url), documents[0])
    ordered = (main, *(p for p in parts if p is not main))
    return Archive(url or main.location, ordered)
