from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "loket.privacy"
    label = "privacy"
    verbose_name = "Data pribadi"

    def ready(self) -> None:
        # The kinds this app purges itself (files, requests, residents, and the webhook
        # deliveries of `loket.hooks`, which sits below it); other capabilities
        # register theirs from their own ready().
        from loket.privacy import case_data, hook_deliveries, readings  # noqa: F401
