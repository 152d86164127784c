from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "loket.coverage"
    label = "coverage"
    verbose_name = "Cakupan"

    def ready(self) -> None:
        from loket.coverage import aggregates  # noqa: F401  (connects the signals)
        from loket.coverage.auto_replies import save_before_purge
        from loket.privacy import retention

        # The "explained automatically" figures are read from message texts: saved per day
        # before a purge removes them.
        retention.before_purge(save_before_purge)
