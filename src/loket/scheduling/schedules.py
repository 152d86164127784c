"""Which schedule (outcome, lead time, capacity) a case follows, with the reference defaults.

Defaults follow the reference (adminduk-domain §3): cards (KIA, KTP-el lost or damaged)
are picked up at the counter; a first KTP-el needs biometric recording at the office
first; KK, SKPWNI and SKDWNI are signed PDFs the officer sends over WhatsApp. Rows are
created on first use, so an administrator edits them in the admin afterwards.
"""

from __future__ import annotations

from django.conf import settings

from loket.domain.intake.services import SERVICES
from loket.offices.models import Office, default_office
from loket.scheduling.models import Outcome, ServiceSchedule

BRING_KIA = "Kartu Keluarga (KK) asli\nAkta kelahiran anak asli\nBukti pengambilan ini"
BRING_KTP = "Kartu Keluarga (KK) asli\nBukti pengambilan ini"

# Per schedule: its label, what follows approval and what to bring. A service's label is its
# name in the one declaration; KIA is a card picked up at the counter; KTP-el has one
# schedule per `jenis`; every other declared service (KK, SKPWNI, SKDWNI) is a signed PDF
# sent over WhatsApp.
DEFAULTS: dict[str, dict] = {
    code: (
        {"label": service.name, "outcome": Outcome.PICKUP, "bring": BRING_KIA}
        if code == "KIA"
        else {"label": service.name, "outcome": Outcome.DOCUMENT, "bring": BRING_KTP}
    )
    for code, service in SERVICES.items()
    if code != "KTP"
} | {
    "KTP_PEMULA": {"label": "KTP-el baru (pemula)", "outcome": Outcome.APPOINTMENT, "bring": BRING_KTP},
    "KTP_HILANG": {
        "label": "KTP-el pengganti (hilang)",
        "outcome": Outcome.PICKUP,
        "bring": BRING_KTP + "\nSurat kehilangan dari kepolisian asli",
    },
    "KTP_RUSAK": {
        "label": "KTP-el pengganti (rusak)",
        "outcome": Outcome.PICKUP,
        "bring": BRING_KTP + "\nKTP-el yang rusak",
    },
}


def schedule_key(service: str, fields: dict) -> str:
    if service == "KTP":
        jenis = (fields.get("jenis") or "PEMULA").upper()
        return f"KTP_{jenis}" if f"KTP_{jenis}" in DEFAULTS else "KTP_PEMULA"
    return service


def get_schedule(key: str, office_id: int | None = None) -> ServiceSchedule:
    """The office's schedule for `key`, created on first use from the installation's defaults
    (LOKET_PICKUP_LEAD_DAYS etc.; an office's own lead time overrides it); an administrator
    edits the row afterwards. Without an office: the only office."""
    if key not in DEFAULTS:
        raise ValueError(f"no schedule for service {key!r}")
    defaults = dict(DEFAULTS[key])
    defaults.update(
        lead_days=settings.LOKET_PICKUP_LEAD_DAYS,
        appointment_lead_days=settings.LOKET_APPOINTMENT_LEAD_DAYS,
        capacity_pagi=settings.LOKET_SESSION_CAPACITY,
        capacity_siang=settings.LOKET_SESSION_CAPACITY,
        capacity_day=settings.LOKET_DAY_CAPACITY,
    )
    office = Office.objects.get(pk=office_id if office_id is not None else default_office())
    defaults["lead_days"] = office.effective("LOKET_PICKUP_LEAD_DAYS")
    schedule, _ = ServiceSchedule.objects.get_or_create(office=office, key=key, defaults=defaults)
    return schedule


def schedule_for(case) -> ServiceSchedule:
    return get_schedule(schedule_key(case.service, case.fields or {}), case.office_id)


def ensure_all(office_id: int | None = None) -> list[ServiceSchedule]:
    return [get_schedule(key, office_id) for key in DEFAULTS]
