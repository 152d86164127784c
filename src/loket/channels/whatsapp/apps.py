from django.apps import AppConfig


class WhatsAppConfig(AppConfig):
    name = "loket.channels.whatsapp"
    label = "whatsapp"
    verbose_name = "WhatsApp"

    def ready(self) -> None:
        # Outbound job handlers (whatsapp.send, whatsapp.apply_status, whatsapp.watchdog) live
        # beside the sender; `tasks.py` stays free for the inbound handlers.
        from loket.channels.whatsapp import hours, sending  # noqa: F401

        hours._watch_calendar_edits()
        # Message contents and raw deliveries expire under loket.privacy's periods.
        from loket.channels.whatsapp import retention

        retention.register()
