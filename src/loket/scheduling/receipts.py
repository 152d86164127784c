"""Receipts ("Bukti Pengambilan"): a signed token, an A6 PDF with its QR, verification.

The token is Django's signature over a random code: it carries no personal data, cannot
be forged without the secret key, and is revoked by marking its row, not by changing the
key. The PDF is drawn with reportlab; the QR is segno's matrix drawn as vector squares, so
it stays sharp on a phone screen and on an A6 print.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core import signing
from django.utils import timezone
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from loket.domain.calendar import long_date
from loket.messaging import port
from loket.scheduling.models import Booking, Purpose, Receipt
from loket.scheduling.office import office_calendar, office_identity, session_label

SALT = "loket.scheduling.receipt"


def token_for(receipt: Receipt) -> str:
    return signing.Signer(salt=SALT).sign(receipt.code)


def verify_url(receipt: Receipt) -> str:
    return f"{settings.LOKET_PUBLIC_URL}/v/{token_for(receipt)}"


def token_from_scan(text: str) -> str:
    """A scanner or camera gives the whole URL; a person may paste only the token."""
    text = text.strip()
    return text.rsplit("/v/", 1)[-1].strip("/") if "/v/" in text else text


@dataclass(frozen=True)
class Verification:
    status: str  # valid | forged | revoked
    receipt: Receipt | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == "valid"


def verify(token: str) -> Verification:
    try:
        code = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return Verification("forged")
    receipt = (
        Receipt.objects.select_related("booking__case__resident", "booking__schedule")
        .filter(code=code)
        .first()
    )
    if receipt is None:
        return Verification("forged")
    if not receipt.is_valid:
        return Verification("revoked", receipt)
    return Verification("valid", receipt)


def mask_name(name: str) -> str:
    """'SITI AMINAH' -> 'SI** AM****': enough for the holder to recognise, not to identify."""
    words = []
    for word in name.split():
        keep = 1 if len(word) <= 3 else 2
        words.append(word[:keep] + "*" * (len(word) - keep))
    return " ".join(words) or "-"


def holder_name(case) -> str:
    fields = case.fields or {}
    return fields.get("nama") or fields.get("nama_kepala_keluarga") or case.resident.profile_name or ""


def title_of(booking: Booking) -> str:
    return "Bukti Jadwal Perekaman" if booking.purpose == Purpose.APPOINTMENT else "Bukti Pengambilan"


def issue(booking: Booking) -> Receipt:
    return Receipt.objects.create(booking=booking)


def current_receipt(case) -> Receipt | None:
    """The valid receipt of the case's active booking (the latest one), if any."""
    return (
        Receipt.objects.filter(
            booking__case=case, booking__status=Booking.Status.ACTIVE, revoked_at__isnull=True
        )
        .select_related("booking__case__resident", "booking__schedule")
        .order_by("-issued_at", "-pk")
        .first()
    )


def revoke(booking: Booking, reason: str) -> int:
    return booking.receipts.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason=reason
    )


def render_pdf(receipt: Receipt) -> bytes:
    """One A6 page: office, request, masked holder, date and session, what to bring, QR."""
    booking = receipt.booking
    case = booking.case
    calendar = office_calendar(case.office_id)
    # The office of the case names itself on its receipt (docs/offices.md).
    office_name, office_address = office_identity(case.office)
    width, height = A6
    margin = 9 * mm
    text_width = width - 2 * margin
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A6, pageCompression=1)
    pdf.setTitle(f"{title_of(booking)} {case.request_number}")
    pdf.setAuthor(office_name)

    y = height - margin

    def lines(text: str, font: str = "Helvetica", size: float = 8, gap: float = 1.5) -> None:
        nonlocal y
        for line in simpleSplit(text, font, size, text_width):
            y -= size + gap
            pdf.setFont(font, size)
            pdf.drawString(margin, y, line)

    lines(office_name, "Helvetica-Bold", 8)
    lines(office_address, "Helvetica", 6.5)
    y -= 4
    pdf.setLineWidth(0.6)
    pdf.line(margin, y, width - margin, y)
    y -= 4
    lines(title_of(booking).upper(), "Helvetica-Bold", 13, 3)
    y -= 2
    rows = [
        ("Nomor permohonan", case.request_number),
        ("Layanan", booking.schedule.label),
        ("Atas nama", mask_name(holder_name(case))),
        ("Tanggal", long_date(booking.day)),
        ("Sesi", session_label(booking.day, booking.part, calendar)),
    ]
    for label, value in rows:
        lines(label, "Helvetica", 6.5, 2)
        lines(value, "Helvetica-Bold", 10, 1)
    y -= 3
    bring = [line.strip() for line in booking.schedule.bring.splitlines() if line.strip()]
    if bring:
        lines("Bawa dokumen asli:", "Helvetica-Bold", 7.5, 2)
        for item in bring:
            lines(f"- {item}", "Helvetica", 7.5, 1)

    url = verify_url(receipt)
    qr = segno.make(url, error="m")
    modules = qr.symbol_size(scale=1, border=2)[0]
    qr_size = min(34 * mm, y - margin - 14)
    cell = qr_size / modules
    left = (width - qr_size) / 2
    top = y - 6
    pdf.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(qr.matrix_iter(scale=1, border=2)):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(left + col_index * cell, top - (row_index + 1) * cell, cell, cell, stroke=0, fill=1)
    y = top - qr_size
    lines("Tunjukkan bukti ini di loket. Pindai kode QR untuk memeriksa keaslian.", "Helvetica", 6, 1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def file_name(receipt: Receipt) -> str:
    prefix = "bukti-perekaman" if receipt.booking.purpose == Purpose.APPOINTMENT else "bukti-pengambilan"
    return f"{prefix}-{receipt.booking.case.request_number}.pdf"


def message_text(booking: Booking) -> str:
    when = f"{long_date(booking.day)}, {session_label(booking.day, booking.part).lower()}"
    if booking.purpose == Purpose.APPOINTMENT:
        return (
            f"Permohonan {booking.case.request_number} disetujui. Silakan datang ke kantor Dukcapil untuk "
            f"perekaman sidik jari, foto dan tanda tangan pada {when}. Bukti jadwal terlampir. "
            "Ketik JADWAL ULANG bila perlu ganti jadwal."
        )
    return (
        f"{booking.schedule.label} untuk permohonan {booking.case.request_number} dapat diambil pada {when}. "
        "Bukti pengambilan terlampir: tunjukkan di loket. Ketik JADWAL ULANG bila perlu ganti jadwal."
    )


def send(receipt: Receipt, text: str = ""):
    """Render the receipt and put it in the outbox with a short text."""
    case = receipt.booking.case
    return port.tell(
        case.resident,
        case=case,
        purpose=port.Purpose.RECEIPT,
        text=text or message_text(receipt.booking),
        attachment=port.Attachment(render_pdf(receipt), file_name(receipt)),
    )


def receipt_facts(receipt: Receipt) -> dict:
    """What a receipt shows when checked (public verification and the counter): validity,
    service, date, session and a masked name."""
    booking = receipt.booking
    office_name, office_address = office_identity(booking.case.office)
    return {
        "office": office_name,
        "office_address": office_address,
        "title": title_of(booking),
        "service": booking.schedule.label,
        "date": long_date(booking.day),
        "session": session_label(booking.day, booking.part),
        "name": mask_name(holder_name(booking.case)),
        "request_number": booking.case.request_number,
    }
