from django.contrib import admin

from loket.cases.models import Case, CaseEvent, Document, Resident


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "actor", "source", "note", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["request_number", "service", "state", "kode_kecamatan", "created_at"]
    list_filter = ["service", "state"]
    search_fields = ["request_number"]
    # State changes go through the workflow (Case.move_to), never a raw edit.
    readonly_fields = ["state", "state_changed_at", "request_number", "subject", "resident"]
    inlines = [EventInline]


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["pk", "channel_number", "profile_name", "created_at"]
    search_fields = ["profile_name"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["pk", "case", "label", "mime_type", "status", "created_at"]
    list_filter = ["status", "label"]
    raw_id_fields = ["case", "resident"]
