from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "loket.console"
    label = "console"
    verbose_name = "Konsol petugas"
