from django.apps import AppConfig


class WhatsAppConfig(AppConfig):
    name = "loket.channels.whatsapp"
    label = "whatsapp"
    verbose_name = "WhatsApp"
