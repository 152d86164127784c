from django.apps import AppConfig


class PrecheckConfig(AppConfig):
    name = "loket.precheck"
    label = "precheck"
    verbose_name = "Pre-check dokumen"
