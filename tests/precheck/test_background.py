"""The photo's background colour, named from its border (used only when the office sets
LOKET_PRECHECK_BACKGROUND)."""

import io

import pytest
from PIL import Image, ImageDraw

from loket.precheck.background import background_colour


def portrait(background: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (300, 400), background)
    ImageDraw.Draw(image).ellipse((80, 60, 220, 260), fill=(224, 172, 140))  # a face-coloured oval
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("colour", "name"),
    [((200, 20, 30), "merah"), ((30, 60, 190), "biru"), ((250, 250, 250), "putih"), ((90, 140, 60), "lain")],
)
def test_the_border_names_the_background(colour, name):
    assert background_colour(portrait(colour)) == name


def test_no_image_no_background():
    assert background_colour(b"%PDF-1.4 not an image") == ""
