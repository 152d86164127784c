from django.conf import settings
from django.urls import path

from loket.channels.whatsapp import metrics, quarantine_views, simulator, webhook

urlpatterns: list = [
    # Exactly this path: Meta does not follow a trailing-slash redirect.
    # Refusals are counted for /metrics by a wrapper (one UPSERT, never on the 200 path).
    path("webhooks/whatsapp", metrics.count_responses(webhook.whatsapp_webhook), name="whatsapp-webhook"),
    path("simulator/", simulator.page, name="whatsapp-simulator"),
    path("simulator/send", simulator.send, name="whatsapp-simulator-send"),
    path("simulator/chat", simulator.chat, name="whatsapp-simulator-chat"),
    path("simulator/media/<str:direction>/<int:pk>", simulator.media, name="whatsapp-simulator-media"),
    # Administrators' page in the console (console.access decides who may see it).
    path("console/karantina/", quarantine_views.page, name="whatsapp-quarantine"),
    path(
        "console/karantina/kiriman/<int:pk>/ulang/",
        quarantine_views.retry_delivery,
        name="whatsapp-quarantine-delivery-retry",
    ),
    path(
        "console/karantina/kiriman/<int:pk>/buang/",
        quarantine_views.discard_delivery,
        name="whatsapp-quarantine-delivery-discard",
    ),
    path(
        "console/karantina/item/<int:pk>/ulang/",
        quarantine_views.retry_item,
        name="whatsapp-quarantine-item-retry",
    ),
    path(
        "console/karantina/item/<int:pk>/buang/",
        quarantine_views.discard_item,
        name="whatsapp-quarantine-item-discard",
    ),
]

if settings.LOKET_WA_BENCH_VIEWS:
    from loket.channels.whatsapp import bench_views

    urlpatterns += bench_views.urlpatterns
