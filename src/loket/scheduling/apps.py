from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "loket.scheduling"
    label = "scheduling"
    verbose_name = "Jadwal pengambilan"

    def ready(self) -> None:
        from loket.scheduling import checks  # noqa: F401  (registers the system checks)
