"""The form's text and pictures in small: shaping, reordering, fallbacks, PNG pass-through, slicing."""

from __future__ import annotations

import io
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from evidence_app.form.images import CaptureImage, prepare_png
from evidence_app.form.layout import Styles
from evidence_app.typesetting.bidi import display_line, has_rtl, shape_arabic, visual_order
from evidence_app.typesetting.text import MAX_CHARS, TextBlock, printable
from tests.helpers.images import make_png

HELLO = "مرحبا"


def test_arabic_letters_take_their_joining_forms() -> None:
    # meem initial, reh final, hah initial, beh medial, alef final
    assert shape_arabic(HELLO) == "\ufee3\ufeae\ufea3\ufe92\ufe8e"


def test_lam_alef_becomes_one_ligature() -> None:
    assert shape_arabic("لا") == "\ufefb"
    assert shape_arabic("سلام")[1] == "\ufefc"  # joined to the seen before it: final form


def test_right_to_left_runs_are_reversed_inside_left_to_right_text() -> None:
    assert visual_order("abc אבג def") == "abc גבא def"
    assert visual_order("אבג 123 דהו") == "והד 123 גבא"  # numbers keep their order
    assert visual_order("(אב)") == "(בא)"  # brackets mirrored, so they still enclose


def test_plain_text_is_untouched() -> None:
    text = f"Zażółć gęślą jaźń {'Llanfairpwllgwyngyll'}"
    assert display_line(text) == text and not has_rtl(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab 12.,()אבגمرحبا\u064e"), max_size=40))
def test_reordering_keeps_every_character(text: str) -> None:
    shown = visual_order(text)
    assert sorted(shown.replace("(", "*").replace(")", "*")) == sorted(text.replace("(", "*").replace(")", "*"))


def test_emoji_and_missing_glyphs_are_spelled_out() -> None:
    assert printable("ok 👍") == "ok [THUMBS UP SIGN]"
    assert printable("a\u0007b\ufe0f") == "ab"
    assert printable("é") == "é"


def test_long_text_is_capped_and_says_so() -> None:
    shown = printable("x" * (MAX_CHARS + 10))
    assert shown.startswith("x" * MAX_CHARS) and "10 more characters" in shown


def test_wrapped_arabic_keeps_its_line_order() -> None:
    words = [f"{HELLO}{i}" for i in range(1, 30)]
    block = TextBlock(" ".join(words), Styles().body)
    block.wrap(120, 1000)
    lines = block._paragraph(120).text.split("<br/>")
    assert len(lines) > 3
    # The first line holds the first words (each line is then drawn right to left).
    assert "1" in lines[0] and "29" in lines[-1]


def test_text_blocks_wrap_and_split_like_paragraphs() -> None:
    block = TextBlock(" ".join(["Zażółć gęślą jaźń"] * 200), Styles().body)
    width, height = block.wrap(300, 10_000)
    assert width <= 300 and height > 100
    assert len(block.split(300, 60)) == 2


def test_an_rgb_png_goes_in_untouched() -> None:
    png = make_png(50, 30, seed=4)
    image = prepare_png(png)
    assert (image.width, image.height, image.color_space) == (50, 30, "DeviceRGB")
    assert len(zlib.decompress(image.stream)) == (50 * 3 + 1) * 30
    assert image.stream in png


@pytest.mark.parametrize("mode", ["RGBA", "P", "L", "I;16"])
def test_other_pngs_are_flattened_on_white(mode: str) -> None:
    picture = Image.new("RGBA" if mode == "RGBA" else "RGB", (20, 10), (10, 20, 30, 0) if mode == "RGBA" else (9, 9, 9))
    picture = picture if mode == "RGBA" else picture.convert(mode)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    image = prepare_png(buffer.getvalue())
    assert (image.width, image.height) == (20, 10)
    raw = zlib.decompress(image.stream)
    assert len(raw) == (20 * image.colors + 1) * 10
    if mode == "RGBA":
        assert raw[1:4] == b"\xff\xff\xff"  # transparent became white paper, first row after its filter byte


def test_a_tall_picture_is_cut_over_pages_and_a_short_one_is_not() -> None:
    tall = CaptureImage(prepare_png(make_png(100, 2000, seed=1)), whole_page=600)
    tall.wrap(500, 700)
    first, rest = tall.split(500, 700)
    assert first.wrap(500, 700)[1] == 700
    assert rest.wrap(500, 10_000)[1] == pytest.approx(100 * 0.75 * 20 - 700)  # never enlarged past 0.75 pt a pixel
    short = CaptureImage(prepare_png(make_png(400, 300, seed=1)), whole_page=600)
    assert short.split(500, 100) == []
