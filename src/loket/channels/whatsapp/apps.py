from django.apps import AppConfig

from loket.core.demo_stand_ins import register_demo_stand_in
from loket.core.health import register_quarantine_source
from loket.core.metrics import register_metrics_collector


class WhatsAppConfig(AppConfig):
    name = "loket.channels.whatsapp"
    label = "whatsapp"
    verbose_name = "WhatsApp"

    def ready(self) -> None:
        # Outbound job handlers (whatsapp.send, whatsapp.apply_status, whatsapp.watchdog) live
        # beside the sender; `tasks.py` stays free for the inbound handlers.
        from loket.channels.whatsapp import demo_graph, hours, metrics, port, quarantine, retention, sending  # noqa: F401

        hours._watch_calendar_edits()
        register_metrics_collector("whatsapp", metrics.collect)
        # /readyz and /metrics: deliveries and items set aside, not yet retried or discarded.
        register_quarantine_source("whatsapp", quarantine.count)
        # Message contents and raw deliveries expire under loket.privacy's periods.
        retention.register()
        # The core speaks to residents through loket.messaging; this channel answers it.
        port.register()
        # `loket demo` stands the fake Graph API in for Meta.
        register_demo_stand_in("whatsapp", demo_graph.start)
