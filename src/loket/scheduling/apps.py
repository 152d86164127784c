from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "loket.scheduling"
    label = "scheduling"
    verbose_name = "Jadwal pengambilan"
