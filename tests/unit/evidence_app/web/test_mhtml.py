"""Reading a kept page's web archive back into its parts (in memory)."""

from __future__ import annotations

import pytest

from evidence_app.errors import InvalidInput
from evidence_app.web.mhtml import read_archive
from tests.helpers.images import make_png
from tests.helpers.kept import make_mhtml


def test_the_document_comes_first_and_the_picture_is_decoded() -> None:
    png = make_png(30, 20, seed=9)
    archive = read_archive(make_mhtml(text="Hello kept", url="https://example.org/post", png=png))
    assert archive.url == "https://example.org/post"
    document, picture = archive.parts
    assert document.media_type == "text/html" and b"Hello kept" in document.body
    assert b"=3D" not in document.body  # quoted-printable undone
    assert (picture.location, picture.media_type, picture.body) == ("https://example.org/post/p.png", "image/png", png)
    assert archive.index_of("https://example.org/post/p.png") == 1 and archive.index_of("https://x/") is None


@pytest.mark.parametrize("data", [b"", b"<html>a page</html>", b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nx",
                                  b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b--\r\n"])
def test_what_is_not_a_web_archive_is_refused_with_a_sentence(data: bytes) -> None:
    with pytest.raises(InvalidInput, match="cannot be shown"):
        read_archive(data)
