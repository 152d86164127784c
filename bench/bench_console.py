"""Console figures: take-next under concurrent officers, case page and queue page latency.

Runs on a throw-away test database of the configured engine (SQLite file or PostgreSQL).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    os.environ.setdefault("LOKET_SECRET_KEY", "bench-secret-key")
    os.environ.setdefault("LOKET_AXES_ENABLED", "0")
    if not os.environ.get("DATABASE_URL"):
        os.environ["LOKET_DATA_DIR"] = tempfile.mkdtemp(prefix="loket-bench-console-")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="loket-bench-media-")
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    return connection, name


def _ms(samples):
    return f"median {statistics.median(samples) * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms"


def main() -> None:
    connection, name = _setup()
    from django.db import connection as conn
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from tests.console.builders import make_case, make_staff, sign_in

    from loket.cases.models import Case, State
    from loket.console.models import Role
    from loket.console.queue import take_next

    try:
        from django.conf import settings

        settings.LOKET_CONSOLE_REVIEW_LIMIT = 10_000
        officers = [make_staff(f"petugas{i}", Role.OFFICER, services=["KIA"]) for i in range(8)]
        cases = 300
        for _ in range(cases):
            make_case(docs=())
        taken: list[int] = []
        lock = threading.Lock()

        def officer_loop(user):
            from django.db import connection as thread_conn

            while True:
                case = take_next(user, Case.objects.all())
                if case is None:
                    break
                with lock:
                    taken.append(case.pk)
            thread_conn.close()

        start = time.perf_counter()
        threads = [threading.Thread(target=officer_loop, args=(o,)) for o in officers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        assert len(taken) == len(set(taken)) == cases, "a case went to two officers"
        print(
            f"take-next: {cases} cases by {len(officers)} officers racing in {elapsed:.2f}s "
            f"({cases / elapsed:.0f}/s), each case to exactly one officer"
        )

        case = Case.objects.filter(state=State.IN_REVIEW).select_related("assigned_to").first()
        officer = case.assigned_to
        from tests.console.builders import add_document

        for label in ("akta_kelahiran", "ktp_ayah", "ktp_ibu", "kk"):
            add_document(case, label)
        client = Client()
        sign_in(client, officer)
        samples = []
        for _ in range(30):
            t0 = time.perf_counter()
            assert client.get(f"/console/permohonan/{case.pk}/").status_code == 200
            samples.append(time.perf_counter() - t0)
        with CaptureQueriesContext(conn) as queries:
            client.get(f"/console/permohonan/{case.pk}/")
        print(f"case page: {_ms(samples)}, {len(queries)} queries")

        for _ in range(1000):
            make_case(docs=())
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(client.get, "/console/antrean/KIA/")
            pstats.Stats(profile).sort_stats("tottime").print_stats(15)
        samples = []
        for _ in range(20):
            t0 = time.perf_counter()
            assert client.get("/console/antrean/KIA/").status_code == 200
            samples.append(time.perf_counter() - t0)
        with CaptureQueriesContext(conn) as queries:
            client.get("/console/antrean/KIA/")
        print(f"queue page (1,300 cases, 200 shown): {_ms(samples)}, {len(queries)} queries")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
