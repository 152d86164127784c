from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "loket.privacy"
    label = "privacy"
    verbose_name = "Data pribadi"

    def ready(self) -> None:
        # The kinds this app purges itself (files, requests, residents); other capabilities
        # register theirs from their own ready().
        from loket.privacy import case_data, readings  # noqa: F401
