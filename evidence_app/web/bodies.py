"""Which response bodies may be kept: text, yes; images, video and audio, never.

A copy of an indecent image of a child is itself an offence, so the recorder never
keeps a picture, a film or a sound automatically: of those only the hash, the size
and the type are written down. Text-like bodies (HTML, JSON, JavaScript, CSS, XML,
plain text) are the evidence social sites deliver (posts and comments come as
JSON) and are kept, encrypted. Anything else (fonts, PDFs, ``application/octet-stream``,
unknown types) is treated like media: hash only, because a body of unknown kind
may be a picture under another name.

Two checks, both must pass to keep: the declared type is text-like *and* the
browser did not load it as an image, media or font. The bytes themselves are
checked too (:func:`looks_like_media`), in case a server labels a picture as text.
"""

from __future__ import annotations

from enum import StrEnum

TEXT_TYPES = frozenset({
    "text/html", "text/plain", "text/css", "text/javascript", "text/xml", "text/csv", "text/markdown",
    "application/json", "application/ld+json", "application/manifest+json", "application/javascript",
    "application/x-javascript", "application/ecmascript", "application/xml", "application/xhtml+xml",
    "application/rss+xml", "application/atom+xml", "application/graphql-response+json",
})
MEDIA_RESOURCE_TYPES = frozenset({"Image", "Media", "Font"})  # as the DevTools Protocol names them

# First bytes of pictures, films and sounds; (offset, signature).
_SIGNATURES: tuple[tuple[int, bytes], ...] = (
    (0, b"\x89PNG"), (0, b"\xff\xd8\xff"), (0, b"GIF8"), (0, b"\x00\x00\x01\x00"),
    (0, b"II*\x00"), (0, b"MM\x00*"), (8, b"WEBP"), (8, b"WAVE"), (8, b"AVI "), (4, b"ftyp"),
    (0, b"\x1a\x45\xdf\xa3"), (0, b"OggS"), (0, b"ID3"), (0, b"\xff\xfb"), (0, b"fLaC"), (0, b"\x00\x00\x00\x0cjP"),
)


class BodyRule(StrEnum):
    """What becomes of a body: kept (encrypted), or only its hash, size and type."""

    KEEP = "kept"
    HASH_ONLY = "hash-only"


def essence(content_type: str) -> str:
    """``Text/HTML; charset=utf-8`` -> ``text/html``."""
    return content_type.split(";", 1)[0].strip().lower()


def is_text_like(content_type: str) -> bool:
    kind = essence(content_type)
    return kind in TEXT_TYPES or (kind.startswith("application/") and (kind.endswith("+json") or kind.endswith("+xml")))


def is_media(content_type: str) -> bool:
    return essence(content_type).split("/", 1)[0] in ("image", "video", "audio")


def body_rule(content_type: str, resource_type: str = "") -> BodyRule:
    """Keep only text-like bodies the browser did not load as an image, media or font."""
    if resource_type in MEDIA_RESOURCE_TYPES or not is_text_like(content_type):
        return BodyRule.HASH_ONLY
    return BodyRule.KEEP


SIGNATURES = _SIGNATURES


def looks_like_media(first_bytes: bytes) -> bool:
    """Whether a body starts like a picture, a film or a sound (whatever its declared type)."""
    if first_bytes[:2] == b"BM" and first_bytes[6:10] == b"\x00\x00\x00\x00":
        return True  # a bitmap: its reserved fields are zero
    return any(first_bytes[offset:offset + len(signature)] == signature for offset, signature in _SIGNATURES)
