from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "loket.coverage"
    label = "coverage"
    verbose_name = "Cakupan"

    def ready(self) -> None:
        from loket.coverage import aggregates  # noqa: F401  (connects the signals)
