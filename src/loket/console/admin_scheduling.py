from django.contrib import admin

from loket.console.admin_audit import AuditedReadOnlyAdmin
from loket.offices.models import Office
from loket.scheduling.models import (
    Approval,
    Booking,
    ExtraServiceDay,
    HandOver,
    OfficeClosure,
    OfficeHours,
    PrintBatch,
    Receipt,
    ServiceSchedule,
)


class OfficeFieldWhenSeveral(admin.ModelAdmin):
    """The office is chosen on the form only when the installation has several; with one,
    the row gets that office (the field's default, docs/offices.md)."""

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        return [*exclude, "office"] if Office.objects.count() <= 1 else exclude


class DayAdmin(OfficeFieldWhenSeveral):
    list_display = ["date", "office", "reason", "created_by"]
    date_hierarchy = "date"
    search_fields = ["reason"]
    exclude = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


admin.site.register(OfficeClosure, DayAdmin)
admin.site.register(ExtraServiceDay, DayAdmin)


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = ["weekday", "opens", "closes"]


@admin.register(ServiceSchedule)
class ServiceScheduleAdmin(OfficeFieldWhenSeveral):
    list_display = [
        "key",
        "office",
        "label",
        "outcome",
        "lead_days",
        "capacity_pagi",
        "capacity_siang",
        "capacity_day",
    ]
    list_editable = ["outcome", "lead_days", "capacity_pagi", "capacity_siang", "capacity_day"]


class ReadOnlyAdmin(AuditedReadOnlyAdmin):
    """Records of what happened (who collected a card, for which case): viewable and audited,
    changed or deleted only through the workflow."""


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ["case", "purpose", "day", "part", "status", "reminded_at", "flagged_at"]
    list_filter = ["purpose", "status", "part"]
    date_hierarchy = "day"
    search_fields = ["case__request_number"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["booking", "issued_at", "revoked_at", "revoke_reason"]
    exclude = ["code"]  # the code is the secret half of the QR


admin.site.register(Approval, ReadOnlyAdmin)
admin.site.register(HandOver, ReadOnlyAdmin)
admin.site.register(PrintBatch, ReadOnlyAdmin)
