from django.conf import settings
from django.urls import path

from loket.channels.whatsapp import metrics, simulator, webhook

urlpatterns: list = [
    # Exactly this path: Meta does not follow a trailing-slash redirect.
    # Refusals are counted for /metrics by a wrapper (one UPSERT, never on the 200 path).
    path("webhooks/whatsapp", metrics.count_responses(webhook.whatsapp_webhook), name="whatsapp-webhook"),
    path("simulator/", simulator.page, name="whatsapp-simulator"),
    path("simulator/send", simulator.send, name="whatsapp-simulator-send"),
    path("simulator/chat", simulator.chat, name="whatsapp-simulator-chat"),
]

if settings.LOKET_WA_BENCH_VIEWS:
    from loket.channels.whatsapp import bench_views

    urlpatterns += bench_views.urlpatterns
