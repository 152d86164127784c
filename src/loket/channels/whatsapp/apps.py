from django.apps import AppConfig


class WhatsAppConfig(AppConfig):
    name = "loket.channels.whatsapp"
    label = "whatsapp"
    verbose_name = "WhatsApp"

    def ready(self) -> None:
        # Outbound job handlers (whatsapp.send, whatsapp.apply_status, whatsapp.watchdog) live
        # beside the sender; `tasks.py` stays free for the inbound handlers.
        from loket.channels.whatsapp import hours, quarantine, sending  # noqa: F401
        from loket.core.health import register_quarantine_source

        hours._watch_calendar_edits()
        # /readyz and /metrics: deliveries and items set aside, not yet retried or discarded.
        register_quarantine_source("whatsapp", quarantine.count)
