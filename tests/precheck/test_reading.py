"""Reading real (generated) documents with the real OCR engine: what matches, what does not,
and that nothing unreadable is ever called a match."""

from __future__ import annotations

import io
import socket

import numpy as np
import pytest
from PIL import Image, ImageFilter

from loket.domain.precheck import check_number, kind_matches
from loket.precheck import ocr, synthetic
from loket.precheck.reading import UnreadableFile, read_document

pytestmark = pytest.mark.slow


def _jpeg(image: Image.Image, quality: int = 88) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def kk():
    """A KK photographed at the moderate level, and what it reads as (read once)."""
    sample = synthetic.kk_sample(np.random.default_rng(181), synthetic.MODERATE)
    return sample, read_document(sample.data, "image/jpeg", engine=ocr.RAPIDOCR)


def test_kk_number_on_a_generated_kk_matches(kk):
    sample, reading = kk
    assert reading.engine == "rapidocr"
    assert reading.kind == "kk"
    assert check_number(reading, sample.kk) == "match"
    assert check_number(reading, sample.niks[-1]) == "match"  # the child's NIK on the KK
    assert kind_matches("kk", reading) == "match"
    assert kind_matches("akta", reading) == "mismatch"


def test_a_different_requested_kk_is_a_mismatch_with_both_values(kk):
    sample, reading = kk
    requested = synthetic.near_miss(np.random.default_rng(5), sample.kk)
    assert requested != sample.kk
    assert check_number(reading, requested) == "mismatch"
    # Side by side: the requested number, and the number the KK actually shows.
    assert sample.kk in reading.numbers
    assert requested not in reading.numbers


def test_every_number_read_was_printed(kk):
    sample, reading = kk
    assert set(reading.numbers) <= set(sample.numbers)


@pytest.mark.parametrize("make", ["blank", "noise", "blurred_kk"])
def test_unreadable_images_never_match(kk, make):
    sample, _ = kk
    rng = np.random.default_rng(3)
    if make == "blank":
        image = Image.new("RGB", (1200, 900), (235, 235, 230))
    elif make == "noise":
        image = Image.fromarray(rng.integers(0, 256, (900, 1200, 3), dtype=np.uint8))
    else:  # the KK itself, hopelessly out of focus
        image = Image.open(io.BytesIO(sample.data)).filter(ImageFilter.GaussianBlur(9))
    reading = read_document(_jpeg(image), engine=ocr.RAPIDOCR)
    for number in sample.numbers:
        assert check_number(reading, number) == "unreadable"
    assert reading.numbers == ()
    assert reading.kind == "unknown"


def test_a_pdf_is_read_from_its_first_page():
    fam = synthetic.family(np.random.default_rng(7))
    page = synthetic.akta_image(np.random.default_rng(8), fam.children[0], fam)
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=150)
    reading = read_document(buffer.getvalue(), "application/pdf", engine=ocr.RAPIDOCR)
    assert reading.kind == "akta"
    assert check_number(reading, fam.children[0].nik) == "match"


def test_child_photo_checks():
    rng = np.random.default_rng(11)
    colour = read_document(synthetic.photo_sample(rng, synthetic.MODERATE).data, engine=ocr.NONE)
    grey = read_document(synthetic.photo_sample(rng, synthetic.MODERATE, colour=False).data, engine=ocr.NONE)
    blurred = read_document(
        synthetic.photo_sample(rng, synthetic.MODERATE, blurred=True).data, engine=ocr.NONE
    )
    assert colour.photo is not None and grey.photo is not None and blurred.photo is not None
    assert colour.photo.face and colour.photo.colour and not colour.photo.blurred
    assert colour.kind == "photo" and kind_matches("photo", colour) == "match"
    assert grey.photo.face and not grey.photo.colour
    assert blurred.photo.blurred and blurred.photo.sharpness < colour.photo.sharpness


def test_a_document_is_not_the_childs_photo(kk):
    _, reading = kk
    assert reading.photo is not None and not reading.photo.face
    assert kind_matches("photo", reading) == "mismatch"


def test_bad_files_are_refused_clearly():
    with pytest.raises(UnreadableFile) as refused:
        read_document(b"hello, not a picture")
    assert refused.value.code == "type"
    truncated = _jpeg(Image.new("RGB", (800, 600), "white"))[:300]
    with pytest.raises(UnreadableFile):
        read_document(truncated)


def test_no_network_is_used(monkeypatch):
    """Models come from inside the installed packages: loading the engine afresh and reading
    a document work with every socket refused."""

    def refuse(*args, **kwargs):
        raise AssertionError("the pre-check tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    ocr.engine.cache_clear()
    try:
        fam = synthetic.family(np.random.default_rng(21))
        who = fam.head
        data = _jpeg(synthetic.ktp_image(np.random.default_rng(22), who, fam))
        reading = read_document(data, engine=ocr.RAPIDOCR)
    finally:
        ocr.engine.cache_clear()
    assert reading.engine == "rapidocr"
    assert check_number(reading, who.nik) == "match"
    assert reading.kind == "ktp"


def test_without_an_engine_numbers_are_not_checked():
    sample = synthetic.kk_sample(np.random.default_rng(181), synthetic.CLEAN)
    reading = read_document(sample.data, engine=ocr.NONE)
    assert reading.engine is None
    assert check_number(reading, sample.kk) == "not_checked"
    assert kind_matches("kk", reading) == "not_checked"
