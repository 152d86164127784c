"""Sample requests for demos and generated data that pass the approval guard honestly:
the data a resident would send (parsed by the intake as the channel parses it), the
checklist's documents as small real JPEGs, and the parent's consent on record."""

from __future__ import annotations

import datetime as dt
import functools
import io

from django.utils import timezone
from PIL import Image, ImageDraw

from loket.cases import document_files
from loket.cases.checklist import checklist_for
from loket.cases.models import Case, Document
from loket.domain.intake import parse
from loket.messaging import port

SAMPLE_NOTICE_VERSION = "demo"


def request_columns(text: str, today: dt.date | None = None) -> dict:
    """Case columns for a request message; ValueError when the intake would refuse it."""
    result = parse(text, today=today)
    if not result.ok:
        raise ValueError(f"sample request refused: {[p.code for p in result.problems]}")
    fields = dict(result.fields)
    return {
        "service": result.service,
        "subject": result.subject,
        "fields": fields,
        "derived": dict(result.derived),
        "warnings": [w.to_dict() for w in result.warnings],
        "raw_text": text,
        "kode_kecamatan": str(fields.get("kode_kecamatan", "")),
        "kode_desa": str(fields.get("kode_desa", "")),
    }


@functools.cache
def sample_jpeg(label: str) -> bytes:
    """A small JPEG that says what it stands for (a few hundred bytes)."""
    image = Image.new("L", (160, 100), 240)
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 155, 95), outline=60, width=3)
    draw.text((12, 44), f"CONTOH {label.upper()}"[:24], fill=30)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=40, optimize=True)
    return buffer.getvalue()


def checklist_labels(case: Case) -> list[str]:
    return [item.key for item in checklist_for(case, [])]


def attach_documents(case: Case, labels: list[str] | None = None) -> list[Document]:
    """The checklist's documents (or `labels`), each a real JPEG in the case's folder."""
    made = []
    for label in checklist_labels(case) if labels is None else labels:
        doc = Document(
            resident_id=case.resident_id, case=case, label=label, caption=label.replace("_", " ").upper()
        )
        # The same file check as a resident's file (re-encoded copy, verdict recorded).
        document_files.keep(doc, document_files.check(sample_jpeg(label)), stem=label)
        doc.save()
        made.append(doc)
    return made


def record_consent(case: Case) -> None:
    # The consent row belongs to the channel that asks for it: recorded through the port.
    at = case.created_at or timezone.now()
    port.record_consent(case, agreed=True, at=at, notice_version=SAMPLE_NOTICE_VERSION)
