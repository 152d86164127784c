from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "loket.jobs"
    label = "jobs"
    verbose_name = "Pekerjaan latar"

    def ready(self) -> None:
        # Each app registers its job handlers in its `tasks` module. The queue's figures are
        # registered into /readyz and /metrics by loket.core, which sits above the queue.
        autodiscover_modules("tasks")
