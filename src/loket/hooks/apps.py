from django.apps import AppConfig


class HooksConfig(AppConfig):
    name = "loket.hooks"
    label = "hooks"
    verbose_name = "Webhook keluar"

    def ready(self) -> None:
        # The case signals that record events, and the job handler that sends them.
        from loket.hooks import delivery, events  # noqa: F401
