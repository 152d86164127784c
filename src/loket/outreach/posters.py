"""Click-to-chat posters (A4) and flyers (A6) for the places people already go.

One page per place: the service, the office's WhatsApp number in large type, a QR code of a
`wa.me` link whose prefilled text starts the guided conversation and ends with the place's
source token (`KIA (kode: POSY-3603011001)`), and two lines on what to prepare (the service's
checklist). Drawn with reportlab; the QR is segno's matrix drawn as vector squares (sharp at
any print size).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from django.conf import settings
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from loket.domain.intake.services import SERVICES
from loket.outreach import campaigns
from loket.outreach.models import Campaign
from loket.regions.names import region_names

SIZES = {"a4": A4, "a6": A6}
GREEN = (0.05, 0.45, 0.25)


@dataclass(frozen=True)
class Poster:
    service: str
    service_name: str
    number: str  # as written on paper
    link: str
    prefilled: str
    token: str
    place_name: str  # "Posyandu"
    area_name: str  # "Desa Sentul, Kecamatan Balaraja"
    prepare: tuple[str, str]


def poster_for(campaign: Campaign, place: str, kode: str) -> Poster:
    """The poster of `place` (a kind in `campaigns.PLACES`) in desa or kecamatan `kode`.
    `ValueError` for a place kind or a region outside the campaign's target."""
    if place not in campaigns.PLACES:
        raise ValueError(f"unknown place {place!r}")
    kecamatan = kode if kode.count(".") == 2 else kode.rsplit(".", 1)[0]
    token = campaigns.token_for(place, kode)
    if kecamatan not in campaign.kecamatan or not campaigns.token_in_campaign(campaign, token):
        raise ValueError(f"{kode} is outside the campaign's target")
    service = SERVICES[campaign.service]
    names = region_names({kode, kecamatan})
    if kode == kecamatan:
        area = f"Kecamatan {names.get(kode, kode)}"
    else:
        area = f"{names.get(kode, kode)}, Kecamatan {names.get(kecamatan, kecamatan)}"
    prefilled = campaigns.prefilled_text(campaign.service, token)
    return Poster(
        service=campaign.service,
        service_name=service.name,
        number=campaigns.display_number(service.number),
        link=campaigns.wa_link(service.number, prefilled),
        prefilled=prefilled,
        token=token,
        place_name=campaigns.PLACES[place][1],
        area_name=area,
        prepare=campaigns.what_to_prepare(campaign.service),
    )


def render_pdf(poster: Poster, size: str = "a4") -> bytes:
    """One page, A4 poster or A6 flyer; everything scales with the page width."""
    page = SIZES[size]
    width, height = page
    k = width / A4[0]  # 1 on A4, 0.5 on A6
    margin = 16 * mm * k
    text_width = width - 2 * margin
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=page, pageCompression=1)
    pdf.setTitle(f"{poster.service} lewat WhatsApp - {poster.area_name} ({poster.token})")
    pdf.setAuthor(settings.LOKET_OFFICE_NAME)

    # Band on top: who speaks.
    band = 30 * mm * k
    pdf.setFillColorRGB(*GREEN)
    pdf.rect(0, height - band, width, band, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    office = settings.LOKET_OFFICE_NAME
    size_pt = min(20 * k, 20 * k * text_width / max(stringWidth(office, "Helvetica-Bold", 20 * k), 1))
    pdf.setFont("Helvetica-Bold", size_pt)
    pdf.drawCentredString(width / 2, height - band / 2 - size_pt * 0.35, office)

    y = height - band - 8 * mm * k
    pdf.setFillColorRGB(0, 0, 0)

    def centred(text: str, font: str, size: float, gap: float = 0.35) -> None:
        nonlocal y
        for line in simpleSplit(text, font, size * k, text_width):
            y -= size * k
            pdf.setFont(font, size * k)
            pdf.drawCentredString(width / 2, y, line)
            y -= size * k * gap

    centred(f"Urus {poster.service} lewat WhatsApp", "Helvetica-Bold", 40)
    centred(poster.service_name, "Helvetica", 22)
    centred("tanpa antre, dipandu langkah demi langkah", "Helvetica", 20)

    # The QR code, as large as the page allows.
    qr = segno.make(poster.link, error="m")
    modules = qr.symbol_size(scale=1, border=4)[0]
    bottom_room = 78 * mm * k
    qr_size = min(width * 0.55, y - bottom_room)
    cell = qr_size / modules
    left = (width - qr_size) / 2
    top = y - 3 * mm * k
    for row_index, row in enumerate(qr.matrix_iter(scale=1, border=4)):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(left + col_index * cell, top - (row_index + 1) * cell, cell, cell, stroke=0, fill=1)
    y = top - qr_size - 2 * mm * k

    centred("Pindai kode ini dengan kamera HP, atau kirim WhatsApp ke:", "Helvetica", 16)
    pdf.setFillColorRGB(*GREEN)
    centred(poster.number, "Helvetica-Bold", 44, 0.25)
    pdf.setFillColorRGB(0, 0, 0)
    centred(f'Tulis: "{poster.prefilled}"', "Helvetica-Bold", 18)
    y -= 3 * mm * k
    for line in poster.prepare:
        centred(line, "Helvetica", 17, 0.25)

    pdf.setFont("Helvetica", 11 * k)
    pdf.setFillColorRGB(0.3, 0.3, 0.3)
    pdf.drawCentredString(
        width / 2,
        margin * 0.6,
        f"{poster.place_name} - {poster.area_name} - kode {poster.token}. Layanan gratis.",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def file_name(poster: Poster, size: str) -> str:
    kind = "poster" if size == "a4" else "selebaran"
    return f"{kind}-{poster.service.lower()}-{poster.token.lower()}.pdf"
