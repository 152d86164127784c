"""The pre-checks of one case, composed from its documents' readings and its request.

Per document, by the checklist item it was filed under (`ITEM_KINDS`):

- the kind read matches the item (a KK filed as "KK", not a KTP-el);
- on the KK: its number is the requested KK; the NIK of the request (the child's, for a KIA)
  is on it; the NIK read on each parent's (or the applicant's) KTP-el is on it;
- on the birth certificate: the child's NIK is on it;
- the child's photo: a face (not a document), in colour, not blurred; its background colour
  only when the office sets `LOKET_PRECHECK_BACKGROUND` (off by default: sources disagree).

Each line is "match", "mismatch" (with both values, side by side), "unreadable" or
"not_checked". Nothing here decides: the officer reads the lines and decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from loket.cases.checklist import PARENT_KTP, document_counts, is_complete, kind_label
from loket.cases.models import Case, Document
from loket.domain.precheck import Check, Kind, Reading, check_number, kind_matches
from loket.precheck.models import CaseCheck, DocumentReading, file_key

# The kind of document each checklist item expects (items not listed are not kind-checked:
# a police letter, an SKPWNI).
ITEM_KINDS: dict[str, Kind] = {
    "kk": "kk",
    "akta_kelahiran": "akta",
    "pas_foto": "photo",
    "ktp_el": "ktp",
    "ktp_rusak": "ktp",
    **dict.fromkeys(PARENT_KTP, "ktp"),
}
KIND_LABELS: dict[str, str] = {
    "kk": "KK",
    "ktp": "KTP-el",
    "akta": "akta kelahiran",
    "photo": "pas foto",
    "unknown": "tidak dikenali",
}
# The KTP-el whose NIK must be on the family card, with how the line names it.
KTP_ON_KK: dict[str, str] = {
    "ktp_ayah": "NIK ayah (dari KTP-el)",
    "ktp_ibu": "NIK ibu (dari KTP-el)",
    "ktp_wali": "NIK wali (dari KTP-el)",
    "ktp_orang_tua": "NIK orang tua (dari KTP-el)",
    "ktp_el": "NIK pemohon (dari KTP-el)",
}
# Background colours the office may require of the child's photo (LOKET_PRECHECK_BACKGROUND).
BACKGROUNDS = ("merah", "biru", "putih")


@dataclass(frozen=True)
class Line:
    """One check of one document: what, the result, and (for numbers and kinds) both values."""

    what: str
    result: Check
    expected: str = ""
    read: str = ""


@dataclass
class DocumentChecks:
    document: Document
    reading: DocumentReading | None
    lines: list[Line] = field(default_factory=list)

    @property
    def state(self) -> str:
        """pending | done | unreadable (failed, timed out, nothing legible) | not_checked."""
        if self.reading is None or self.reading.status == DocumentReading.Status.PENDING:
            return "pending"
        if self.reading.status != DocumentReading.Status.DONE:
            return "unreadable"
        if not self.reading.engine and self.reading.photo is None:
            return "not_checked"
        return "done"

    @property
    def kind_read(self) -> str:
        return KIND_LABELS.get(self.reading.kind, "") if self.reading else ""

    def count(self, result: str) -> int:
        return sum(1 for line in self.lines if line.result == result)


def background_rule() -> tuple[str, ...]:
    """The background colours the office accepts ('' = no rule, the default)."""
    raw = str(settings.LOKET_PRECHECK_BACKGROUND or "")
    return tuple(c for c in (part.strip().lower() for part in raw.split(",")) if c in BACKGROUNDS)


def closest(expected: str, numbers: tuple[str, ...] | list[str]) -> str:
    """The number read that is nearest the expected one (most digits in place), to show beside it."""
    if not numbers:
        return ""
    return max(numbers, key=lambda n: sum(a == b for a, b in zip(n, expected, strict=False)))


def number_line(what: str, reading: Reading, expected: str) -> Line:
    result = check_number(reading, expected)
    read = closest(expected, reading.numbers) if result == "mismatch" else ""
    return Line(what, result, expected=expected, read=read or (expected if result == "match" else ""))


def _current_readings(documents: list[Document]) -> dict[int, DocumentReading]:
    """Each document's reading of its current file."""
    wanted = {doc.pk: file_key(doc) for doc in documents}
    found: dict[int, DocumentReading] = {}
    for reading in DocumentReading.objects.filter(document_id__in=list(wanted)):
        if wanted.get(reading.document_id) == reading.file_key:
            found[reading.document_id] = reading
    return found


def _ktp_niks(documents: list[Document], readings: dict[int, DocumentReading]) -> list[tuple[str, str]]:
    """(line label, NIK read) for each KTP-el on the case that was read with one number."""
    found = []
    for doc in documents:
        reading = readings.get(doc.pk)
        if doc.label in KTP_ON_KK and reading is not None and reading.status == DocumentReading.Status.DONE:
            numbers = list(reading.numbers or [])
            if numbers:  # a KTP-el shows one NIK; the first read is it
                found.append((KTP_ON_KK[doc.label], numbers[0]))
    return found


def _photo_lines(reading: Reading, stored: DocumentReading) -> list[Line]:
    photo = reading.photo
    if photo is None:
        return [Line("Foto wajah anak", "unreadable")]
    lines = [
        Line(
            "Foto wajah (bukan dokumen)",
            "match" if photo.face else "mismatch",
            "wajah",
            "ada" if photo.face else "tidak ada wajah",
        ),
        Line(
            "Berwarna",
            "match" if photo.colour else "mismatch",
            "berwarna",
            "berwarna" if photo.colour else "hitam putih",
        ),
        Line(
            "Tajam (tidak buram)",
            "mismatch" if photo.blurred else "match",
            "tajam",
            f"buram ({photo.sharpness:.0f})" if photo.blurred else f"tajam ({photo.sharpness:.0f})",
        ),
    ]
    wanted = background_rule()
    if wanted:
        seen = stored.background
        result: Check = "unreadable" if not seen else ("match" if seen in wanted else "mismatch")
        lines.append(Line("Latar belakang", result, " atau ".join(wanted), seen))
    return lines


def document_checks(
    case: Case, document: Document, reading: DocumentReading | None, context: dict
) -> DocumentChecks:
    checks = DocumentChecks(document, reading)
    read = reading.as_reading() if reading is not None else None
    if read is None:
        return checks
    expected_kind = ITEM_KINDS.get(document.label)
    if expected_kind is not None:
        result = kind_matches(expected_kind, read)
        checks.lines.append(
            Line(
                "Jenis dokumen",
                result,
                KIND_LABELS[expected_kind],
                KIND_LABELS.get(read.kind, read.kind) if result != "not_checked" else "",
            )
        )
    fields = case.fields or {}
    subject_nik = str(fields.get("nik") or "")
    whose = "NIK anak" if case.service == "KIA" else "NIK pemohon"
    if document.label == "kk":
        if fields.get("no_kk"):
            checks.lines.append(number_line("Nomor KK", read, str(fields["no_kk"])))
        if subject_nik:
            checks.lines.append(number_line(whose, read, subject_nik))
        for what, nik in context["ktp_niks"]:
            checks.lines.append(number_line(what, read, nik))
    elif document.label == "akta_kelahiran" and subject_nik:
        checks.lines.append(number_line(whose, read, subject_nik))
    elif document.label == "pas_foto":
        checks.lines.extend(_photo_lines(read, reading))  # type: ignore[arg-type]  # read is not None
    return checks


def case_checks(case: Case, documents: list[Document] | None = None) -> list[DocumentChecks]:
    """The pre-checks of every counted document of the case, in the case's order."""
    if documents is None:
        documents = list(case.documents.all())
    counted = [doc for doc in documents if document_counts(doc)]
    readings = _current_readings(counted)
    context = {"ktp_niks": _ktp_niks(counted, readings)}
    return [document_checks(case, doc, readings.get(doc.pk), context) for doc in counted]


def summarise(case: Case) -> CaseCheck:
    """Store the case's summary for the queue's sort (the job `precheck.case` calls this)."""
    checks = case_checks(case)
    counts = {
        "matches": sum(c.count("match") for c in checks),
        "mismatches": sum(c.count("mismatch") for c in checks),
        "unreadable": sum(c.count("unreadable") + (c.state == "unreadable") for c in checks),
        "pending": sum(c.state == "pending" for c in checks),
    }
    if not is_complete(case):
        verdict = CaseCheck.Verdict.INCOMPLETE
    elif counts["mismatches"] or counts["unreadable"]:
        verdict = CaseCheck.Verdict.ATTENTION
    elif counts["pending"] or not counts["matches"]:
        verdict = CaseCheck.Verdict.PENDING
    else:
        verdict = CaseCheck.Verdict.MATCH
    summary, _ = CaseCheck.objects.update_or_create(case=case, defaults={"verdict": verdict, **counts})
    return summary


def label_of(document: Document) -> str:
    return kind_label(document.label) if document.label else "Tanpa label"
