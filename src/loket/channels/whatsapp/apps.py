from django.apps import AppConfig

from loket.core.metrics import register_metrics_collector


class WhatsAppConfig(AppConfig):
    name = "loket.channels.whatsapp"
    label = "whatsapp"
    verbose_name = "WhatsApp"

    def ready(self) -> None:
        # Outbound job handlers (whatsapp.send, whatsapp.apply_status, whatsapp.watchdog) live
        # beside the sender; `tasks.py` stays free for the inbound handlers.
        # Message contents and raw deliveries expire under loket.privacy's periods (retention).
        from loket.channels.whatsapp import hours, metrics, retention, sending  # noqa: F401

        hours._watch_calendar_edits()
        register_metrics_collector("whatsapp", metrics.collect)
        retention.register()
