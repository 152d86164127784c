from django.apps import AppConfig
from django.conf import settings

from loket.core.health import register_quarantine_source
from loket.core.metrics import register_metrics_collector
from loket.domain import regions
from loket.domain.intake import services


class CoreConfig(AppConfig):
    name = "loket.core"
    label = "core"
    verbose_name = "Inti"

    def ready(self) -> None:
        configure_domain()
        # The job queue sits below the core (it imports nothing from it), so the core
        # registers the queue's figures into its own registries.
        # The file storage's `loket check` and its delete job (it imports the job queue's models).
        from loket.core import storage  # noqa: F401
        from loket.jobs import metrics  # models are loaded only now

        register_quarantine_source(metrics.QUARANTINE_SOURCE, metrics.failed_count)
        register_metrics_collector("jobs", metrics.collect)


def configure_domain() -> None:
    """The domain reads no environment: the office's region list and its numbers per service
    come from the settings (LOKET_REGION_*, LOKET_SERVICE_NUMBERS) and are passed in here, in
    every process, `loket parse` included (it needs no database, only the settings)."""
    regions.configure(
        region_file=settings.LOKET_REGION_FILE,
        alias_file=settings.LOKET_REGION_ALIAS_FILE,
        regency_code=settings.LOKET_REGION_CODE,
    )
    services.configure(numbers=services.parse_service_numbers(settings.LOKET_SERVICE_NUMBERS))
