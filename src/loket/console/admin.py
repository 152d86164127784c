from django.contrib import admin

# The admin pages of the capabilities below the console (cases, scheduling) live in the
# console: every page of personal data writes the console's audit (admin_audit.py).
from loket.console import admin_cases, admin_scheduling  # noqa: F401 - registers their admins
from loket.console.models import AuditEntry, CannedReply, StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "services", "kecamatan"]
    list_filter = ["role"]
    search_fields = ["user__username"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: the audit is a record, not something to edit."""

    list_display = ["at", "actor", "action", "case", "document", "address"]
    list_filter = ["action"]
    search_fields = ["case__request_number", "actor__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "service", "updated_at"]
