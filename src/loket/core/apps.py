from django.apps import AppConfig

from loket.core.health import register_quarantine_source
from loket.core.metrics import register_metrics_collector


class CoreConfig(AppConfig):
    name = "loket.core"
    label = "core"
    verbose_name = "Inti"

    def ready(self) -> None:
        # The job queue sits below the core (it imports nothing from it), so the core
        # registers the queue's figures into its own registries.
        from loket.jobs import metrics  # models are loaded only now

        register_quarantine_source(metrics.QUARANTINE_SOURCE, metrics.failed_count)
        register_metrics_collector("jobs", metrics.collect)
