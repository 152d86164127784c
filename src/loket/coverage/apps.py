from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "loket.coverage"
    label = "coverage"
    verbose_name = "Cakupan"
