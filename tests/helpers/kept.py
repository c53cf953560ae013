"""A small web archive (MHTML), PDF and whole-page PNG, as the browser makes them, for the core's kept-page tests."""

from __future__ import annotations

import base64

from tests.helpers.images import make_png


def make_mhtml(text: str = "A kept page", url: str = "https://example.org/post", png: bytes | None = None) -> bytes:
    """An MHTML file with one HTML part (holding ``text``) and a picture part (``png``)."""
    picture = png if png is not None else make_png(40, 30, seed=3)
    encoded = base64.encodebytes(picture).decode("ascii")
    return (
        "From: <Saved by Blink>\r\n"
        f"Snapshot-Content-Location: {url}\r\n"
        "Subject: Kept\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n\tboundary=\"----B\"\r\n\r\n"
        "------B\r\nContent-Type: text/html\r\nContent-ID: <frame-1@mhtml.blink>\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        f"Content-Location: {url}\r\n\r\n"
        f"<html><body><h1>{text}</h1><img src=3D\"{url}/p.png\"></body></html>\r\n"
        "------B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Location: {url}/p.png\r\n\r\n{encoded}\r\n"
        "------B--\r\n").encode()


def make_pdf(text: str = "A kept page") -> bytes:
    """A one-page PDF (not a valid layout, only what the core checks: it starts as a PDF)."""
    return f"%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".encode()


def make_page_png(seed: int = 7) -> bytes:
    """The whole page's picture: a real PNG, taller than it is wide."""
    return make_png(40, 120, seed=seed)
