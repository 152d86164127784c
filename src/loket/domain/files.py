"""Is a file what it claims to be? The one check a resident's file passes before it counts.

A name, a declared type or a caption proves nothing: only the bytes do. A file counts toward
a checklist item only when its bytes are one of the allowed types (JPEG, PNG, WebP,
HEIC/HEIF, PDF by default) and it opens as that type:

- images open with Pillow, restricted to the sniffed format (so no other plugin ever runs on
  them), with their dimensions checked against a pixel limit BEFORE any pixel is decoded
  (decompression bombs), then are re-encoded as a fresh JPEG: EXIF orientation applied,
  metadata (EXIF with GPS, comments, ICC, XMP) dropped, anything appended to or hidden in
  the original (a ZIP or HTML polyglot) gone. Only that copy is kept as the document.
- PDFs start with `%PDF-`, parse with pypdf, are not encrypted and have between one and
  `max_pdf_pages` pages. They are kept as received.

Everything else gets a refusal code; the caller keeps the original bytes for an officer,
flagged and never counted, and tells the resident plainly what to send instead.

Pure Python: no Django, no environment. Limits come in as arguments (`Limits`).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import filetype
import pillow_heif
from PIL import Image, ImageOps
from pypdf import PdfReader

# HEIC/HEIF photos (iPhones) open through pillow-heif and leave as JPEG like any photo.
pillow_heif.register_heif_opener()

JPEG, PNG, WEBP, HEIC, HEIF, PDF = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "image/heif",
    "application/pdf",
)
DEFAULT_TYPES = (JPEG, PNG, WEBP, HEIC, HEIF, PDF)
# The Pillow format each allowed image type may be opened as: nothing else is tried.
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP", HEIC: "HEIF", HEIF: "HEIF"}
# ISO base media `ftyp` brands of HEIC (HEVC) and of other HEIF images.
HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"heif"})

MB = 1024 * 1024

# Refusal codes (stored on the document).
TYPE = "type"  # the bytes are not an allowed type
IMAGE_UNREADABLE = "image_unreadable"  # claims to be an image, does not open (truncated, broken)
IMAGE_TOO_LARGE = "image_too_large"  # more pixels than allowed (decompression bomb)
PDF_UNREADABLE = "pdf_unreadable"
PDF_ENCRYPTED = "pdf_encrypted"
PDF_EMPTY = "pdf_empty"
PDF_TOO_MANY_PAGES = "pdf_too_many_pages"
TOO_LARGE = "too_large"  # more bytes than allowed (decided before the download finishes)
REFUSALS = (
    TYPE,
    IMAGE_UNREADABLE,
    IMAGE_TOO_LARGE,
    PDF_UNREADABLE,
    PDF_ENCRYPTED,
    PDF_EMPTY,
    PDF_TOO_MANY_PAGES,
    TOO_LARGE,
)


@dataclass(frozen=True)
class Limits:
    allowed_types: tuple[str, ...] = DEFAULT_TYPES
    max_pixels: int = 50_000_000
    max_pdf_pages: int = 0  # 0: no limit
    max_bytes: int = 10 * MB
    jpeg_quality: int = 85


@dataclass(frozen=True)
class Verdict:
    """What to keep. Accepted: `data` is the copy to store (re-encoded image or the PDF).
    Refused: `data` is the original, kept for an officer and never counted."""

    data: bytes
    mime_type: str  # of `data` when accepted; what the original bytes look like when refused
    extension: str
    refusal: str = ""  # one of REFUSALS, "" when accepted
    detail: str = ""  # for the officer (Bahasa Indonesia): what exactly is wrong

    @property
    def accepted(self) -> bool:
        return not self.refusal


def sniff(data: bytes) -> str:
    """The allowed type the bytes start as, or "" (magic numbers only, no guessing)."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in HEIC_BRANDS:
            return HEIC
        if brand in HEIF_BRANDS:
            return HEIF
    if data.startswith(b"%PDF-"):
        return PDF
    return ""


def describe(data: bytes) -> str:
    """What a refused file looks like, for the officer (a mime type; never trusted)."""
    head = data[:512].lstrip().lower()
    if data.startswith(b"MZ"):
        return "application/x-msdownload"
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower():
        return "image/svg+xml"
    if head.startswith((b"<!doctype html", b"<html", b"<script", b"<head", b"<body")):
        return "text/html"
    kind = filetype.guess(data)
    if kind is not None:
        return str(kind.mime)
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"


def check(data: bytes, limits: Limits) -> Verdict:
    """The verdict on one file's bytes (never raises for bad input: hostile files are expected)."""
    if len(data) > limits.max_bytes:
        return refused(data, TOO_LARGE, f"Lebih dari {megabytes(limits.max_bytes)} MB.")
    kind = sniff(data)
    if not kind or kind not in limits.allowed_types:
        seen = kind or describe(data)
        return refused(data, TYPE, f"Bukan foto atau PDF yang diterima (isi berkas: {seen}).", seen)
    if kind == PDF:
        return _check_pdf(data, limits)
    return _reencode_image(data, kind, limits)


def refused(data: bytes, code: str, detail: str, mime_type: str = "") -> Verdict:
    # Kept as an opaque blob: never with an extension a browser or a desktop would act on.
    return Verdict(data, mime_type or describe(data), "bin", refusal=code, detail=detail)


def megabytes(size: int) -> str:
    value = size / MB
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")


def _reencode_image(data: bytes, kind: str, limits: Limits) -> Verdict:
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard, as a second line behind the explicit limit below.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
                width, height = image.size  # from the header: nothing decoded yet
                if width * height > limits.max_pixels:
                    return refused(
                        data, IMAGE_TOO_LARGE, f"Gambar {width}×{height} piksel, melebihi batas.", kind
                    )
                image.load()
                ImageOps.exif_transpose(image, in_place=True)
                clean = _flatten(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return refused(data, IMAGE_TOO_LARGE, "Gambar melebihi batas ukuran piksel.", kind)
    except Exception:  # noqa: BLE001 - a hostile file may break a decoder in any way; it is refused
        return refused(data, IMAGE_UNREADABLE, "Gambar rusak atau tidak dapat dibuka.", kind)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=limits.jpeg_quality)
    return Verdict(out.getvalue(), JPEG, "jpg")


def _flatten(image: Image.Image) -> Image.Image:
    """The picture as plain RGB (or grey) pixels, transparency laid on white."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    mode = "L" if image.mode in ("L", "1", "I;16", "I") else "RGB"
    clean = image.convert(mode)  # a copy, even in the same mode
    clean.info = {}  # no EXIF (GPS), comment, ICC or XMP may follow it into the saved copy
    return clean


def _check_pdf(data: bytes, limits: Limits) -> Verdict:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return refused(data, PDF_ENCRYPTED, "PDF terkunci (terenkripsi).", PDF)
        pages = len(reader.pages)
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on broken or hostile files
        return refused(data, PDF_UNREADABLE, "PDF rusak atau tidak dapat dibaca.", PDF)
    if pages < 1:
        return refused(data, PDF_EMPTY, "PDF tanpa halaman.", PDF)
    if limits.max_pdf_pages and pages > limits.max_pdf_pages:
        return refused(
            data, PDF_TOO_MANY_PAGES, f"PDF {pages} halaman, batasnya {limits.max_pdf_pages}.", PDF
        )
    return Verdict(data, PDF, "pdf")


# --- what the resident reads ---------------------------------------------------------------------


def what_to_send(allowed_types: tuple[str, ...]) -> str:
    """The kinds of file the office takes, as the resident reads them."""
    photos = [name for mime, name in ((JPEG, "JPG"), (PNG, "PNG")) if mime in allowed_types]
    parts = []
    if photos:
        parts.append(f"foto ({'/'.join(photos)})")
    if PDF in allowed_types:
        parts.append("PDF")
    return " atau ".join(parts) or "foto atau PDF"


def refusal_reason(code: str, limits: Limits) -> str:
    """Why the file was not taken, in a few words (after "Berkas X tidak dapat kami terima: ")."""
    return {
        TYPE: "isinya bukan foto atau PDF",
        IMAGE_UNREADABLE: "fotonya rusak atau tidak dapat dibuka",
        IMAGE_TOO_LARGE: "gambarnya terlalu besar untuk dibuka",
        PDF_UNREADABLE: "PDF-nya rusak atau tidak dapat dibuka",
        PDF_ENCRYPTED: "PDF-nya terkunci kata sandi",
        PDF_EMPTY: "PDF-nya tidak berisi halaman",
        PDF_TOO_MANY_PAGES: f"PDF-nya lebih dari {limits.max_pdf_pages} halaman",
        TOO_LARGE: f"berkasnya terlalu besar (lebih dari {megabytes(limits.max_bytes)} MB)",
    }.get(code, "berkasnya tidak dapat kami periksa")


def refusal_message(name: str, code: str, limits: Limits) -> str:
    """One line for the resident: which file, what is wrong, what to send instead."""
    instead = f"Kirim {what_to_send(limits.allowed_types)}"
    if code == TOO_LARGE:
        instead += f" yang lebih kecil, paling besar {megabytes(limits.max_bytes)} MB"
    elif code == PDF_ENCRYPTED:
        instead += " tanpa kata sandi"
    return f"Berkas {name} tidak dapat kami terima: {refusal_reason(code, limits)}. {instead}."
