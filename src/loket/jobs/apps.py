from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "loket.jobs"
    label = "jobs"
    verbose_name = "Pekerjaan latar"
