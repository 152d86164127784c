"""Offices: the tenants of one installation (one regency or city each).

Every resident-facing and staff-facing root record (resident, case, staff profile, WhatsApp
number, service schedule, campaign, survey row) names exactly one office; what hangs off
them (documents, bookings, receipts, erasure requests) reaches the office through them.
Precedence (docs/offices.md): a value set on the office overrides the installation's
default (the LOKET_* setting); an empty value means "use the installation default".
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

# Kemendagri regency/city code, dotted: "36.03" (Kabupaten Tangerang), "36.71" (Kota Tangerang).
CODE_PATTERN = re.compile(r"^\d{2}\.\d{2}$")


def validate_code(code: str) -> None:
    if not CODE_PATTERN.match(code or ""):
        raise ValidationError(
            f"Kode kantor '{code}' tidak sah: pakai kode kabupaten/kota Kemendagri, misalnya 36.03."
        )


class Office(models.Model):
    code = models.CharField(max_length=5, unique=True, validators=[validate_code])
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    # The office's desa/kelurahan list was loaded (`loket office add --regions FILE`, or the
    # packaged list for 36.03). Without it the office works at kecamatan level: a desa name is
    # accepted as written and flagged for the officer.
    has_desa_list = models.BooleanField(default=False)
    # The office's region CSV (kecamatan and desa, `loket regions load` columns) the domain's
    # matching reads for this office (`loket parse --office`); empty: LOKET_REGION_FILE or the
    # packaged Kabupaten Tangerang list.
    region_file = models.CharField(max_length=500, blank=True)
    # Per-office values; empty: the installation default (the LOKET_* setting of the same name).
    retain_documents_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="empty: LOKET_RETAIN_DOCUMENTS_DAYS"
    )
    retain_messages_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="empty: LOKET_RETAIN_MESSAGES_DAYS"
    )
    pickup_lead_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="empty: LOKET_PICKUP_LEAD_DAYS"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "kantor"
        verbose_name_plural = "kantor"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def kecamatan_prefix(self) -> str:
        """Region codes of this office start with it ("36.03.")."""
        return f"{self.code}."

    def effective(self, setting: str) -> int:
        """A per-office value, else the installation default: the one precedence rule."""
        own = {
            "LOKET_RETAIN_DOCUMENTS_DAYS": self.retain_documents_days,
            "LOKET_RETAIN_MESSAGES_DAYS": self.retain_messages_days,
            "LOKET_PICKUP_LEAD_DAYS": self.pickup_lead_days,
        }[setting]
        return own if own is not None else getattr(settings, setting)


class OfficeRequired(Exception):
    """A row was created without an office while the installation has several: refused."""


def first_office() -> Office:
    """The office today's settings describe (LOKET_REGION_CODE, LOKET_OFFICE_NAME/ADDRESS),
    created when missing: an installation of one office needs no manual step."""
    office, _ = Office.objects.get_or_create(
        code=settings.LOKET_REGION_CODE,
        defaults={
            "name": settings.LOKET_OFFICE_NAME,
            "address": settings.LOKET_OFFICE_ADDRESS,
            "has_desa_list": True,
        },
    )
    return office


def default_office() -> int:
    """The office a row gets when the caller names none (the model fields' default).

    One office (or none yet): that office, so a single-office installation, `loket demo` and
    code written before offices keep working. Two or more: refused, the caller must choose.
    """
    ids = list(Office.objects.values_list("pk", flat=True)[:2])
    if len(ids) == 1:
        return ids[0]
    if not ids:
        return first_office().pk
    raise OfficeRequired("Instalasi ini melayani beberapa kantor: sebutkan kantornya (--office KODE).")


def office_by_code(code: str | None) -> Office:
    """The office named on a command line; without a code, the only office (else refused)."""
    if code:
        office = Office.objects.filter(code=code).first()
        if office is None:
            known = ", ".join(Office.objects.values_list("code", flat=True)) or "-"
            raise OfficeRequired(f"Kantor {code} tidak dikenal (terdaftar: {known}).")
        return office
    return Office.objects.get(pk=default_office())
