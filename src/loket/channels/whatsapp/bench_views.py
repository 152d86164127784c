"""Reference views for bench/bench_ingest.py, mounted only when LOKET_WA_BENCH_VIEWS is on.

They bracket the real webhook in the same server and run: `/bench/ok` only answers 200;
`/bench/minimal` is the smallest durable webhook (HMAC check, one INSERT of the raw body
into a bench-only table the benchmark creates, 200).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from loket.channels.whatsapp.webhook import signature_ok

BENCH_TABLE = "bench_raw_delivery"


@csrf_exempt
def ok(request):
    return HttpResponse("ok")


@csrf_exempt
def minimal(request):
    body = request.body
    if not signature_ok(settings.LOKET_WA_APP_SECRET, body, request.headers.get("X-Hub-Signature-256")):
        return HttpResponse(status=403)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BENCH_TABLE} (body) VALUES (%s)", [body])  # noqa: S608 - constant
    return HttpResponse("ok")


urlpatterns = [path("bench/ok", ok), path("bench/minimal", minimal)]
