"""Read one document: its kind, the 16-digit numbers and names on it, and (for the child's
photo) whether it shows a face, in colour, sharp.

Bounded per document: the file passes the project's one file check first
(`domain.files.check`: type sniffed from the bytes, pixel limit before decoding, PDF page
count), the image is scaled down to `max_pixels` before anything reads it, and a PDF's pages
are read one after another (at most `MAX_PDF_PAGES`) only while `max_seconds` lasts.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass

import numpy as np
import pypdfium2
from django.conf import settings
from PIL import Image

from loket.domain import files
from loket.domain.precheck import Reading, classify, numbers_in
from loket.precheck import ocr
from loket.precheck.quality import photo_quality

# A phone photo of a document reads as well at ~1.3 megapixels as at 12 (the KK's smallest
# print is still ~14 px high), in a fraction of the time: the largest OCR input
# (docs/precheck.md has the measurements).
MAX_PIXELS = 1_300_000
MAX_SECONDS = 20.0
MAX_PDF_PAGES = 2
# Files above these limits are refused before any decoding (the one file check).
FILE_LIMITS = files.Limits(max_pixels=60_000_000, max_pdf_pages=50, max_bytes=20 * files.MB)
# A line read with less confidence than this gives no number: an unsure digit would be a
# false mismatch (and never a match: a match needs all 16 digits).
MIN_NUMBER_CONFIDENCE = 0.7
# The engine is sure of some text: at least this many lines above this confidence.
READABLE_LINES = 2
READABLE_CONFIDENCE = 0.8

_NAME_LABEL = re.compile(r"\bnama(?:\s+(?:lengkap|kepala\s+keluarga|anak))?\s*[:;]?\s*(.*)$", re.IGNORECASE)
_NAME = re.compile(r"^[A-Z][A-Z.' ]{2,60}$")


class UnreadableFile(ValueError):
    """The file is not a document the pre-check can open (refused by the one file check)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass
class _Text:
    lines: list[ocr.Line]

    def rows(self) -> list[str]:
        """Boxes on the same text row joined left to right (an engine may split a number)."""
        rows: list[list[ocr.Line]] = []
        for line in sorted(self.lines, key=lambda ln: (ln.box[1] + ln.box[3]) / 2):
            middle = (line.box[1] + line.box[3]) / 2
            if rows:
                last = rows[-1][-1]
                height = max(1.0, last.box[3] - last.box[1])
                if abs((last.box[1] + last.box[3]) / 2 - middle) < height / 2:
                    rows[-1].append(line)
                    continue
            rows.append([line])
        return [" ".join(ln.text for ln in sorted(row, key=lambda ln: ln.box[0])) for row in rows]


def _pages(data: bytes, mime_type: str, max_pixels: int, deadline: float) -> list[np.ndarray]:
    if mime_type == files.PDF:
        pdf = pypdfium2.PdfDocument(data)
        try:
            pages: list[np.ndarray] = []
            for index in range(min(len(pdf), MAX_PDF_PAGES)):
                if pages and time.monotonic() > deadline:
                    break
                page = pdf[index]
                width, height = page.get_size()  # points
                scale = min(4.0, (max_pixels / max(1.0, width * height)) ** 0.5)
                pages.append(np.asarray(page.render(scale=scale).to_pil().convert("RGB")))
            return pages
        finally:
            pdf.close()
    source = Image.open(io.BytesIO(data), formats=["JPEG"])
    # JPEG draft mode decodes straight at a smaller scale: big photos never exist in full.
    scale = (max_pixels / (source.width * source.height)) ** 0.5
    if scale < 1:
        source.draft("RGB", (int(source.width * scale) + 1, int(source.height * scale) + 1))
    image = source.convert("RGB")
    if image.width * image.height > max_pixels:
        scale = (max_pixels / (image.width * image.height)) ** 0.5
        image = image.resize((int(image.width * scale), int(image.height * scale)), Image.Resampling.LANCZOS)
    return [np.asarray(image)]


def names_in(rows: list[str]) -> tuple[str, ...]:
    """Names printed after a 'Nama' label (same row, or the next row when the value is there)."""
    found: list[str] = []
    for index, row in enumerate(rows):
        label = _NAME_LABEL.search(row)
        if not label:
            continue
        value = label.group(1).strip(" :;")
        if not value and index + 1 < len(rows):
            value = rows[index + 1].strip(" :;")
        value = value.upper()
        if _NAME.match(value) and value not in found:
            found.append(value)
    return tuple(found)


def read_document(
    data: bytes,
    content_type: str = "",
    *,
    max_seconds: float = MAX_SECONDS,
    max_pixels: int = MAX_PIXELS,
    engine: str | None = None,
) -> Reading:
    """What one document shows. `content_type` is informative only: the bytes decide.
    `engine` names the OCR engine (default: settings.LOKET_PRECHECK_OCR). Raises
    UnreadableFile for a file the one file check refuses."""
    started = time.monotonic()
    verdict = files.check(data, FILE_LIMITS)
    if not verdict.accepted:
        raise UnreadableFile(verdict.refusal, verdict.detail)
    try:
        pages = _pages(verdict.data, verdict.mime_type, max_pixels, started + max_seconds)
    except (OSError, ValueError, pypdfium2.PdfiumError) as error:
        raise UnreadableFile(
            files.IMAGE_UNREADABLE, f"Berkas tidak dapat dibaca ({type(error).__name__})."
        ) from error
    reader = ocr.engine(engine or settings.LOKET_PRECHECK_OCR)
    # The photo measures describe the first page (a photo is one page).
    quality = photo_quality(pages[0])
    lines: list[ocr.Line] = []
    if reader is not None:
        for page in pages:
            if lines and time.monotonic() - started > max_seconds:
                break
            lines.extend(reader.read(page))
    rows = _Text(lines).rows()
    sure = [ln for ln in lines if ln.confidence >= MIN_NUMBER_CONFIDENCE]
    numbers: list[str] = []
    for text in [ln.text for ln in sure] + _Text(sure).rows():
        numbers.extend(n for n in numbers_in(text) if n not in numbers)
    readable = sum(1 for ln in lines if ln.confidence >= READABLE_CONFIDENCE) >= READABLE_LINES
    kind = classify("\n".join(rows), face=quality.face, numbers=len(numbers))
    return Reading(
        kind=kind,
        numbers=tuple(numbers),
        names=names_in(rows),
        engine=reader.name if reader is not None else None,
        photo=quality,
        seconds=round(time.monotonic() - started, 3),
        readable=readable,
    )
