from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "loket.regions"
    label = "regions"
    verbose_name = "Wilayah"
