"""Requests that pass the approval guard: data a resident would send (parsed as the channel
parses it), every required document as a real (tiny) JPEG, and the parent's consent."""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools

from django.core.files.base import ContentFile
from PIL import Image

from loket.cases.checklist import checklist_for
from loket.cases.models import Case, Document
from loket.channels.whatsapp.models import CaseConsent
from loket.domain.intake import ParseResult, parse

_serial = itertools.count(1)

KK_NUMBER = "3603031203150007"
# A girl born 15 December 2018 (day + 40) in Tigaraksa; an adult born 12 May 1990.
CHILD_BIRTH = "551218"
ADULT_BIRTH = "120590"
MESSAGES = {
    "KIA": "#KIA#{nik}#{kk}#{name}#PASIR BOLANG#TIGARAKSA",
    "KTP": "#KTP#{nik}#{kk}#{name}#PASIR BOLANG#TIGARAKSA#{jenis}",
    "KK": "#KK#{kk}#{name}#PASIR BOLANG#TIGARAKSA",
    "SKPWNI": "#SKPWNI#{nik}#{kk}#{name}#JL MAWAR NO 5 RT 01 RW 02 KOTA BANDUNG",
    "SKDWNI": "#SKDWNI#SKPWNI/3506/22032021/{serial}#BEKERJA DI TANGERANG",
}


@functools.cache
def tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 210, 220)).save(buffer, format="JPEG")
    return buffer.getvalue()


def request(
    service: str,
    *,
    nik: str = "",
    name: str = "SITI AMINAH",
    jenis: str = "PEMULA",
    today: dt.date | None = None,
) -> ParseResult:
    serial = f"{next(_serial) % 9999 + 1:04d}"
    if not nik:
        nik = f"360303{CHILD_BIRTH if service == 'KIA' else ADULT_BIRTH}{serial}"
    text = MESSAGES[service].format(nik=nik, kk=KK_NUMBER, name=name, jenis=jenis, serial=serial)
    result = parse(text, today=today)
    assert result.ok, [p.code for p in result.problems]
    return result


def case_fields(result: ParseResult) -> dict:
    """Case columns for a parsed request, as `cases.opening` fills them."""
    return {
        "service": result.service,
        "subject": result.subject,
        "fields": dict(result.fields),
        "derived": dict(result.derived),
        "warnings": [w.to_dict() for w in result.warnings],
        "kode_kecamatan": str(result.fields.get("kode_kecamatan", "")),
        "kode_desa": str(result.fields.get("kode_desa", "")),
    }


def add_document(case: Case, label: str, content: bytes | None = None, mime: str = "image/jpeg") -> Document:
    content = tiny_jpeg() if content is None else content
    doc = Document(resident=case.resident, case=case, label=label, mime_type=mime, size=len(content))
    doc.file.save(f"{label}.jpg", ContentFile(content), save=False)
    doc.save()
    return doc


def add_checklist_documents(case: Case) -> list[Document]:
    return [add_document(case, item.key) for item in checklist_for(case, []) if item.key]


def give_consent(case: Case, agreed: bool = True) -> CaseConsent:
    consent, _ = CaseConsent.objects.update_or_create(
        case=case, defaults={"agreed": agreed, "notice_version": "test", "answered_at": case.created_at}
    )
    return consent


def make_complete(case: Case) -> Case:
    add_checklist_documents(case)
    give_consent(case)
    return case
