"""Demo data for scheduling: service settings, one Saturday service day, a queued request.

`loket cases approve <number>` on the printed request shows the whole path: a date, a
receipt in the simulator, its QR at /v/..., and the counter at /console/counter/.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from loket.cases import samples
from loket.cases.models import Case, Resident, State, next_request_number
from loket.messaging import port
from loket.scheduling.models import ExtraServiceDay
from loket.scheduling.office import office_calendar
from loket.scheduling.schedules import ensure_all

DEMO_SUBJECT = "3603035512180003"


def load(out) -> None:
    ensure_all()
    today = timezone.localdate()
    calendar = office_calendar()
    saturday = calendar.add_working_days(today, 10)
    saturday += dt.timedelta(days=(5 - saturday.weekday()) % 7)
    ExtraServiceDay.objects.get_or_create(date=saturday, defaults={"reason": "Layanan Sabtu (demo)"})

    # The channel's demo number (loaded before us), so the simulator shows the receipt.
    resident, _ = Resident.objects.get_or_create(
        channel_number=port.demo_address() or "demo",
        user_id="6281299990003",
        defaults={"wa_id": "6281299990003", "profile_name": "Ibu Demo"},
    )
    case = Case.objects.filter(
        resident=resident, service="KIA", subject=DEMO_SUBJECT, state=State.QUEUED
    ).first()
    if case is None and not Case.objects.filter(resident=resident, subject=DEMO_SUBJECT).exists():
        # A complete request (documents, consent) that passes the approval guard.
        case = Case.objects.create(
            request_number=next_request_number("KIA", today),
            resident=resident,
            state=State.QUEUED,
            **samples.request_columns(
                f"#KIA#{DEMO_SUBJECT}#3603031203150007#PUTRI DEMO LESTARI#TIGARAKSA#TIGARAKSA", today
            ),
        )
        samples.attach_documents(case)
        samples.record_consent(case)
    if case is not None:
        out.write(f"Jadwal: setujui permohonan demo dengan `loket cases approve {case.request_number}`")
    out.write(
        "Loket serah terima: /console/counter/   Daftar cetak: /console/printing/"
        "   (masuk sebagai loket atau supervisor)"
    )
