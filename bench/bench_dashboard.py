"""Dashboard pages with a million cases on PostgreSQL: server time per page.

Uses the database in LOKET_BENCH_DATABASE_URL (default: this worktree's
postgresql://postgres@127.0.0.1:5432/loket_coverage). Fills it up to LOKET_BENCH_CASES
cases (default 1,000,000) with `loket demo-data` once; later runs reuse them.
Target: every page within 300 ms of server time.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

TARGET_MS = 300
PAGES = (
    "/console/coverage/",
    "/console/coverage/trend/?by=2027-12-31",
    "/console/coverage/priorities/",
    "/console/coverage/service/",
    "/console/coverage/service/?days=365",
    "/console/coverage/export/layanan.xlsx",
    "/console/coverage/export/antrean.csv",
    "/console/coverage/report.pdf",
)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = os.environ.get(
        "LOKET_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/loket_coverage"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    os.environ.setdefault("LOKET_SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ["LOKET_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()


def main() -> None:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from loket.cases.models import OPEN_STATES, Case, CaseEvent
    from loket.console.models import Role, StaffProfile
    from loket.coverage import aggregates, demo
    from loket.coverage.generate import generate
    from loket.coverage.models import OpenCaseDay, ServiceDay

    if connection.vendor != "postgresql":
        print("bench_dashboard needs PostgreSQL (LOKET_BENCH_DATABASE_URL)")
        return
    wanted = int(os.environ.get("LOKET_BENCH_CASES", "1000000"))
    call_command("migrate", interactive=False, verbosity=0)
    have = Case.objects.count()
    if have < wanted:
        started = time.monotonic()
        generate(wanted - have, seed=have + 1)
        print(f"generated {wanted - have} cases in {time.monotonic() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # Aggregates from an older layout (or a load that bypassed the signals): rebuild them.
    received = ServiceDay.objects.aggregate(n=Sum("received"))["n"] or 0
    open_now = Case.objects.filter(state__in=sorted(OPEN_STATES)).count()
    open_counted = OpenCaseDay.objects.aggregate(n=Sum("count"))["n"] or 0
    if received != Case.objects.count() or open_counted != open_now:
        started = time.monotonic()
        aggregates.rebuild()
        print(f"rebuilt aggregates in {time.monotonic() - started:.0f} s", flush=True)
    demo.load(sys.stdout)
    print(f"cases: {Case.objects.count()}, events: {CaseEvent.objects.count()}")
    user_model = get_user_model()
    boss = user_model.objects.filter(username="bench-head").first() or user_model.objects.create_user(
        "bench-head", "", "bench-not-a-real-password"
    )
    StaffProfile.objects.get_or_create(user=boss, defaults={"role": Role.SUPERVISOR})
    device = TOTPDevice.objects.filter(user=boss).first() or TOTPDevice.objects.create(
        user=boss, name="bench", confirmed=True
    )
    client = Client()
    client.force_login(boss, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # a session past both factors
    session.save()
    worst = 0.0
    for url in PAGES:
        client.get(url)  # warm: templates, region index, holiday tables
        times = []
        for _ in range(5):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        median = statistics.median(times)
        worst = max(worst, median)
        verdict = "ok" if median <= TARGET_MS else "SLOW"
        print(f"{url:45s} median {median:6.1f} ms  max {max(times):6.1f} ms  {verdict}", flush=True)
    print(f"slowest page median: {worst:.1f} ms (target {TARGET_MS} ms)")
    # What keeping the aggregates costs each transition (the signal work inside move_to).
    from loket.cases.models import State

    ids = list(
        Case.objects.filter(service__in=["KIA", "KTP", "KK"], state=State.WAITING_DOCUMENTS).values_list(
            "pk", flat=True
        )[:30]
    )
    times = []
    for case in Case.objects.filter(pk__in=ids):
        started = time.perf_counter()
        case.move_to(State.QUEUED, source="channel")
        times.append((time.perf_counter() - started) * 1000)
    if times:
        print(
            f"move_to with aggregate upkeep: median {statistics.median(times):.1f} ms over {len(times)} cases"
        )


if __name__ == "__main__":
    main()
