"""The one file check (loket.domain.files): real hostile files are refused, real photos and PDFs
pass as clean copies. Pure: no database, limits passed in."""

import io
import struct
import zlib

import pytest
from PIL import Image

from loket.domain import files
from tests import hostile_files as hostile

LIMITS = files.Limits(max_pixels=50_000_000, max_pdf_pages=20, max_bytes=10 * files.MB)


def opened(verdict: files.Verdict) -> Image.Image:
    image = Image.open(io.BytesIO(verdict.data))
    image.load()
    return image


@pytest.mark.parametrize(
    "data",
    [hostile.jpeg(), hostile.png(), hostile.png(mode="RGBA"), hostile.webp(), hostile.heic()],
    ids=["jpeg", "png", "png-transparent", "webp", "heic"],
)
def test_real_photos_pass_as_a_fresh_jpeg(data):
    verdict = files.check(data, LIMITS)
    assert verdict.accepted and verdict.refusal == ""
    assert verdict.mime_type == "image/jpeg" and verdict.extension == "jpg"
    assert opened(verdict).format == "JPEG"


def test_a_heic_photo_from_an_iphone_is_converted_to_jpeg():
    data = hostile.heic()
    assert files.sniff(data) == files.HEIC
    verdict = files.check(data, LIMITS)
    assert verdict.accepted and opened(verdict).size == (48, 32)


def test_a_real_pdf_passes_as_it_is():
    data = hostile.pdf(pages=2)
    verdict = files.check(data, LIMITS)
    assert verdict.accepted and verdict.data == data and verdict.mime_type == "application/pdf"


@pytest.mark.parametrize(
    ("data", "seen"),
    [
        (hostile.exe(), "application/x-msdownload"),
        (hostile.SVG, "image/svg+xml"),
        (hostile.HTML, "text/html"),
        (hostile.TEXT, "text/plain"),
    ],
    ids=["exe", "svg-script", "html-script", "text"],
)
def test_what_is_not_an_allowed_type_is_refused_and_kept_as_it_was(data, seen):
    verdict = files.check(data, LIMITS)
    assert not verdict.accepted and verdict.refusal == files.TYPE
    assert verdict.data == data  # kept for the officer, untouched
    assert verdict.extension == "bin" and verdict.mime_type == seen and seen in verdict.detail


def test_a_jpeg_html_zip_polyglot_loses_its_payload():
    data = hostile.polyglot()
    assert hostile.ZIP_MARKER in data and b"<script>" in data
    verdict = files.check(data, LIMITS)
    assert verdict.accepted
    assert hostile.ZIP_MARKER not in verdict.data and b"payload.html" not in verdict.data
    assert b"<script>" not in verdict.data and b"<html>" not in verdict.data
    assert opened(verdict).size == (64, 48)


def test_location_and_camera_metadata_are_stripped_and_the_orientation_applied():
    data = hostile.jpeg_with_gps_rotated()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the GPS position is there
    verdict = files.check(data, LIMITS)
    image = opened(verdict)
    assert image.size == (40, 80)  # turned upright: 80×40 lying on its side
    assert dict(image.getexif()) == {} and b"Exif" not in verdict.data and b"KameraHP" not in verdict.data


def test_a_decompression_bomb_is_refused_small_on_disk():
    data = hostile.png_bomb()  # 20000×20000
    assert len(data) < 200_000
    verdict = files.check(data, LIMITS)
    assert verdict.refusal == files.IMAGE_TOO_LARGE and verdict.data == data


def test_the_pixel_limit_is_checked_before_any_pixel_is_decoded():
    # 8000×8000 (64 MP) with image data that would not decode: refused for its size, which
    # is only possible if the header was judged before decoding started.
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 8000, 8000, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"not zlib") + chunk(b"IEND", b"")
    verdict = files.check(data, LIMITS)
    assert verdict.refusal == files.IMAGE_TOO_LARGE and "8000×8000" in verdict.detail
    assert files.check(data, files.Limits(max_pixels=100_000_000)).refusal == files.IMAGE_UNREADABLE


def test_a_truncated_jpeg_is_refused_as_unreadable():
    verdict = files.check(hostile.truncated_jpeg(), LIMITS)
    assert verdict.refusal == files.IMAGE_UNREADABLE and verdict.extension == "bin"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (hostile.pdf(password="rahasia"), files.PDF_ENCRYPTED),
        (hostile.BROKEN_PDF, files.PDF_UNREADABLE),
        (hostile.PDF_WITHOUT_PAGES, files.PDF_UNREADABLE),
        (hostile.pdf(pages=0), files.PDF_EMPTY),
        (hostile.pdf(pages=21), files.PDF_TOO_MANY_PAGES),
    ],
    ids=["encrypted", "broken", "no-page-tree", "no-pages", "too-many-pages"],
)
def test_pdfs_that_cannot_be_read_as_documents_are_refused(data, code):
    verdict = files.check(data, LIMITS)
    assert verdict.refusal == code and verdict.data == data


def test_the_page_limit_is_optional():
    assert files.check(hostile.pdf(pages=21), files.Limits(max_pdf_pages=0)).accepted


def test_the_allowed_types_are_a_setting():
    only_pdf = files.Limits(allowed_types=(files.PDF,))
    assert files.check(hostile.jpeg(), only_pdf).refusal == files.TYPE
    assert files.check(hostile.pdf(), only_pdf).accepted
    assert files.what_to_send(only_pdf.allowed_types) == "PDF"
    assert files.what_to_send(files.DEFAULT_TYPES) == "foto (JPG/PNG) atau PDF"


def test_an_oversized_file_is_refused_with_the_limit():
    small = files.Limits(max_bytes=1 * files.MB)
    verdict = files.check(b"\xff\xd8\xff" + b"0" * files.MB, small)
    assert verdict.refusal == files.TOO_LARGE and "1 MB" in verdict.detail
    text = files.refusal_message('"AKTA"', files.TOO_LARGE, small)
    assert text == (
        'Berkas "AKTA" tidak dapat kami terima: berkasnya terlalu besar (lebih dari 1 MB). '
        "Kirim foto (JPG/PNG) atau PDF yang lebih kecil, paling besar 1 MB."
    )


def test_the_residents_message_names_the_file_and_what_to_send_instead():
    text = files.refusal_message('"akta.jpg"', files.TYPE, LIMITS)
    assert text == (
        'Berkas "akta.jpg" tidak dapat kami terima: isinya bukan foto atau PDF. Kirim foto (JPG/PNG) atau PDF.'
    )
    for code in files.REFUSALS:
        assert files.refusal_message("X", code, LIMITS).startswith("Berkas X tidak dapat kami terima: ")
