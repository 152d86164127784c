from django.apps import AppConfig

from loket.core.health import register_quarantine_source
from loket.core.metrics import register_metrics_collector


class WhatsAppConfig(AppConfig):
    name = "loket.channels.whatsapp"
    label = "whatsapp"
    verbose_name = "WhatsApp"

    def ready(self) -> None:
        # Outbound job handlers (whatsapp.send, whatsapp.apply_status, whatsapp.watchdog) live
        # beside the sender; `tasks.py` stays free for the inbound handlers.
        from loket.channels.whatsapp import hours, metrics, quarantine, retention, sending  # noqa: F401

        hours._watch_calendar_edits()
        register_metrics_collector("whatsapp", metrics.collect)
        # /readyz and /metrics: deliveries and items set aside, not yet retried or discarded.
        register_quarantine_source("whatsapp", quarantine.count)
        # Message contents and raw deliveries expire under loket.privacy's periods.
        retention.register()
