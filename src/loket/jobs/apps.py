from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

from loket.core.health import register_quarantine_source
from loket.core.metrics import register_metrics_collector


class JobsConfig(AppConfig):
    name = "loket.jobs"
    label = "jobs"
    verbose_name = "Pekerjaan latar"

    def ready(self) -> None:
        from loket.jobs import metrics  # models are loaded only now

        # Each app registers its job handlers in its `tasks` module.
        autodiscover_modules("tasks")
        register_quarantine_source(metrics.QUARANTINE_SOURCE, metrics.failed_count)
        register_metrics_collector("jobs", metrics.collect)
