"""Registering the office's WhatsApp numbers (command, demo, admin share this)."""

from __future__ import annotations

import re

from loket.channels.whatsapp.models import PhoneNumber
from loket.domain.intake.services import SERVICES
from loket.offices.models import OfficeRequired, office_by_code


def international(display: str) -> str:
    """Digits in international form: 081282372016 and +62 812-8237-2016 give 6281282372016."""
    digits = re.sub(r"\D", "", display)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def register_number(
    phone_number_id: str, display: str, services: list[str], office_code: str | None = None
) -> tuple[PhoneNumber, bool]:
    """Create or update an office number; its services are replaced by `services`.

    The number belongs to the office named (`office_code`), else to the only office; with
    several offices and none named, or a number already serving another office, refused
    (its residents and cases are that office's: docs/offices.md)."""
    phone_number_id = phone_number_id.strip()
    if not phone_number_id.isdigit():
        raise ValueError(f"phone_number_id harus berupa angka, bukan {phone_number_id!r}.")
    digits = international(display)
    if not 10 <= len(digits) <= 15:
        raise ValueError(f"Nomor tampilan {display!r} tidak sah (contoh: 6285694012597).")
    chosen = []
    for service in services:
        name = service.strip().upper()
        if name not in SERVICES:
            raise ValueError(f"Layanan {service!r} tidak dikenal; pilih dari {', '.join(SERVICES)}.")
        if name not in chosen:
            chosen.append(name)
    existing = PhoneNumber.objects.filter(phone_number_id=phone_number_id).select_related("office").first()
    if existing is not None and not office_code:
        office = existing.office
    else:
        try:
            office = office_by_code(office_code)
        except OfficeRequired as refused:
            raise ValueError(str(refused)) from refused
    if existing is not None and existing.office_id != office.pk:
        raise ValueError(
            f"Nomor {phone_number_id} sudah terdaftar untuk kantor {existing.office.code}; "
            "satu nomor melayani satu kantor."
        )
    return PhoneNumber.objects.update_or_create(
        phone_number_id=phone_number_id,
        defaults={"display_number": digits, "services": chosen, "active": True, "office": office},
    )
