from django.contrib import admin

from loket.offices.models import Office


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "has_desa_list",
        "retain_documents_days",
        "retain_messages_days",
        "pickup_lead_days",
    ]
    search_fields = ["code", "name"]
