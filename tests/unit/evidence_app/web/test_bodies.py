"""Which bodies are kept: text, yes; pictures, films and sounds, never, whatever they are called."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidence_app.web.bodies import (
    BodyRule,
    body_rule,
    is_media,
    is_text_like,
    looks_like_media,
)
from tests.helpers.images import make_png


@pytest.mark.parametrize("kind", ["text/html; charset=utf-8", "application/json", "text/javascript",
                                  "text/css", "application/xml", "text/plain", "application/activity+json",
                                  "Application/JSON; charset=UTF-8"])
def test_text_like_bodies_are_kept(kind: str) -> None:
    assert body_rule(kind, "XHR") is BodyRule.KEEP


@pytest.mark.parametrize("kind", ["image/png", "image/svg+xml", "video/mp4", "audio/mpeg", "image/jpeg",
                                  "application/octet-stream", "font/woff2", "application/pdf", "", "weird"])
def test_everything_else_is_hash_only(kind: str) -> None:
    assert body_rule(kind, "Other") is BodyRule.HASH_ONLY


@pytest.mark.parametrize("resource_type", ["Image", "Media", "Font"])
def test_a_picture_labelled_as_text_is_not_kept_when_the_browser_loaded_it_as_a_picture(resource_type: str) -> None:
    assert body_rule("text/plain", resource_type) is BodyRule.HASH_ONLY


def test_media_types() -> None:
    assert is_media("image/svg+xml") and is_media("VIDEO/webm") and is_media("audio/aac")
    assert not is_media("text/html") and not is_text_like("image/svg+xml")


@pytest.mark.parametrize("start", [make_png(4, 4), b"\xff\xd8\xff\xe0\x00\x10JFIF", b"GIF89a\x01\x00",
                                   b"RIFF\x00\x00\x00\x00WEBPVP8 ", b"\x00\x00\x00\x18ftypmp42",
                                   b"\x1a\x45\xdf\xa3\x9f", b"OggS\x00\x02", b"ID3\x04\x00",
                                   b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00"])
def test_pictures_films_and_sounds_are_known_by_their_first_bytes(start: bytes) -> None:
    assert looks_like_media(start[:16])


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=0, max_size=40))
def test_plain_text_never_looks_like_media(text: str) -> None:
    assert not looks_like_media(text.encode("ascii")[:16]) or text.startswith(("GIF8", "ID3", "OggS", "fLaC"))
