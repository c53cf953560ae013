"""What kind of file this is, from its first bytes and its name: never from anything drawn from it.

A picture or a video is *visual*: the app never shows it until the pair choose to, after a warning.
When the bytes and the name disagree, either one saying "picture or video" makes it visual.
"""

from __future__ import annotations

import mimetypes

_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"BM", "image/bmp"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"\x00\x00\x01\x00", "image/x-icon"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (0, b"PK\x03\x04", "application/zip"),
)
_FTYP_IMAGES = (b"heic", b"heix", b"mif1", b"msf1", b"avif", b"heim", b"heis")
HEAD_BYTES = 64


def sniff(head: bytes, name: str) -> str:
    """The media type: from the bytes where they say, else from the name, else a plain byte stream."""
    for offset, signature, media_type in _SIGNATURES:
        if head[offset:offset + len(signature)] == signature:
            if media_type == "application/x-ole-storage" and name.lower().endswith(".msg"):
                return "application/vnd.ms-outlook"
            return media_type
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"AVI ", b"WAVE"):
        return {b"WEBP": "image/webp", b"AVI ": "video/x-msvideo", b"WAVE": "audio/wav"}[head[8:12]]
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _FTYP_IMAGES:
            return "image/heic" if brand != b"avif" else "image/avif"
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    lower = name.lower()
    if lower.endswith(".eml"):
        return "message/rfc822"
    if lower.endswith(".msg"):
        return "application/vnd.ms-outlook"
    guessed, _ = mimetypes.guess_type(lower, strict=False)
    return guessed or "application/octet-stream"


def is_visual(media_type: str, name: str) -> bool:
    """A picture or a video, by its bytes or by its name: never shown before the pair choose to."""
    guessed, _ = mimetypes.guess_type(name.lower(), strict=False)
    return any(t.startswith(("image/", "video/")) for t in (media_type, guessed or ""))
