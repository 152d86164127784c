"""Allocations per second under contention on PostgreSQL, and proof that nothing is overbooked.

Two runs against the `loket_scheduling` database (DATABASE_URL overrides):
1. allocation only: THREADS threads take places in the same few sessions at once;
2. whole approvals: 50 cases approved at the same instant (state change, booking,
   receipt PDF, outbox row), as the console's approve button does.
Afterwards every session's bookings are counted against its capacity.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
import time

THREADS = int(os.environ.get("BENCH_THREADS", "16"))
ALLOCATIONS_PER_THREAD = 100
APPROVALS = 50


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/loket_scheduling")
    os.environ.setdefault("LOKET_SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("LOKET_MEDIA_DIR", tempfile.mkdtemp(prefix="loket-bench-media-"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def run_threads(count: int, work) -> tuple[float, list[BaseException]]:
    from django.db import connections

    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def body(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, errors


def overbooked(schedule) -> list[str]:
    from django.db.models import Count, F

    from loket.scheduling.models import Booking, Slot

    problems = [f"slot {s.day} {s.part or 'day'}: {s.booked}/{s.capacity}" for s in Slot.objects.filter(
        schedule=schedule, booked__gt=F("capacity"))]  # fmt: skip
    counted = (
        Booking.objects.filter(schedule=schedule, status="active")
        .values("day", "part")
        .annotate(n=Count("pk"))
    )
    for row in counted:
        slot = Slot.objects.get(schedule=schedule, purpose="pickup", day=row["day"], part=row["part"])
        if row["n"] > slot.capacity:
            problems.append(f"{row['day']} {row['part']}: {row['n']} bookings for {slot.capacity} places")
    return problems


def bench_allocation_only(threads: int) -> None:
    from django.db import transaction

    from loket.scheduling.allocation import allocate
    from loket.scheduling.models import ServiceSchedule, Slot
    from loket.scheduling.office import office_calendar

    ServiceSchedule.objects.filter(key="BENCH").delete()
    schedule = ServiceSchedule.objects.create(
        key="BENCH",
        label="bench",
        outcome="pickup",
        lead_days=1,
        capacity_pagi=40,
        capacity_siang=40,
        capacity_day=70,
    )
    calendar = office_calendar()
    start = calendar.add_working_days(dt.date.today(), 1)
    taken: list[tuple] = []

    def work(_index: int) -> None:
        for _ in range(ALLOCATIONS_PER_THREAD):
            with transaction.atomic():
                session = allocate(schedule, "pickup", start, calendar)
            taken.append((session.day, session.part))

    seconds, errors = run_threads(threads, work)
    total = threads * ALLOCATIONS_PER_THREAD
    per_session: dict = {}
    for key in taken:
        per_session[key] = per_session.get(key, 0) + 1
    over = [k for k, n in per_session.items() if n > 40]
    per_day: dict = {}
    for (day, _part), n in per_session.items():
        per_day[day] = per_day.get(day, 0) + n
    over += [d for d, n in per_day.items() if n > 70]
    slots_over = Slot.objects.filter(schedule=schedule, booked__gt=40).exclude(part="").count()
    print(
        f"allocation only: {total} places by {threads} thread(s) in {seconds:.2f}s = {total / seconds:.0f} allocations/s"
    )
    print(
        f"  sessions used: {len(per_session)}, errors: {len(errors)}, overbooked sessions: {len(over) + slots_over}"
    )
    schedule.delete()


def bench_approvals() -> None:
    from loket.cases import samples
    from loket.cases.models import Case, Document, Resident, State
    from loket.channels.whatsapp.models import OutboundMessage
    from loket.scheduling.allocation import release
    from loket.scheduling.approval import approve_case
    from loket.scheduling.models import Booking
    from loket.scheduling.schedules import get_schedule

    residents = Resident.objects.filter(channel_number="bench")

    def clean() -> None:
        for booking in Booking.objects.filter(case__resident__in=residents, status="active"):
            release(booking.schedule, booking.purpose, booking.day, booking.part)
        OutboundMessage.objects.filter(resident__in=residents).delete()
        for document in Document.objects.filter(resident__in=residents):
            document.file.delete(save=False)
        Document.objects.filter(resident__in=residents).delete()
        Case.objects.filter(resident__in=residents).delete()

    clean()
    schedule = get_schedule("KIA")
    saved = (schedule.capacity_pagi, schedule.capacity_siang, schedule.capacity_day)
    schedule.capacity_pagi, schedule.capacity_siang, schedule.capacity_day = 8, 7, 12
    schedule.save()
    cases = []
    for i in range(APPROVALS):
        resident, _ = Resident.objects.get_or_create(channel_number="bench", user_id=f"bench{i}")
        # A complete request (valid data, documents, consent): the approval guard passes it.
        case = Case.objects.create(
            request_number=f"BENCH-{time.time_ns()}-{i}",
            resident=resident,
            state=State.IN_REVIEW,
            **samples.request_columns(
                f"#KIA#36030355121{i + 1:05d}#3603031203150007#ANAK BENCH#PASIR BOLANG#TIGARAKSA"
            ),
        )
        samples.attach_documents(case)
        samples.record_consent(case)
        cases.append(case)
    try:
        seconds, errors = run_threads(APPROVALS, lambda i: approve_case(cases[i], source="system"))
        mine = Booking.objects.filter(case__in=cases)
        print(
            f"whole approvals: {APPROVALS} simultaneous in {seconds:.2f}s = {APPROVALS / seconds:.0f} approvals/s "
            f"(each with receipt PDF); booked {mine.count()}, errors {len(errors)}"
        )
        problems = overbooked(schedule)
        print(f"  overbooked sessions: {len(problems)}" + (f" {problems}" if problems else ""))
    finally:
        clean()
        schedule.capacity_pagi, schedule.capacity_siang, schedule.capacity_day = saved
        schedule.save()


def main() -> None:
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    bench_allocation_only(1)  # the floor: one transaction commit (fsync) per place
    bench_allocation_only(THREADS)
    bench_approvals()


if __name__ == "__main__":
    main()
