"""Admin for what arrives: raw deliveries, messages of every type, conversations, consent.

Lists show no message text (it carries NIKs and names) and residents only by id and masked
number; the detail page shows the text. All read only, every view audited.
"""

from django.contrib import admin

from loket.channels.whatsapp.models import (
    CaseConsent,
    Conversation,
    Delivery,
    InboundMessage,
    QuarantinedItem,
)
from loket.console.admin_audit import AuditedReadOnlyAdmin, masked_resident


@admin.register(Delivery)
class DeliveryAdmin(AuditedReadOnlyAdmin):
    list_display = ["pk", "received_at", "dispatched_at", "quarantined_at", "attempts", "flags"]
    list_filter = [("quarantined_at", admin.EmptyFieldListFilter)]
    readonly_fields = [
        "raw",
        "received_at",
        "dispatched_at",
        "flags",
        "attempts",
        "quarantined_at",
        "error",
        "progress",
    ]
    exclude = ["body"]

    @admin.display(description="isi")
    def raw(self, obj):
        return bytes(obj.body).decode("utf-8", "replace")


@admin.register(InboundMessage)
class InboundMessageAdmin(AuditedReadOnlyAdmin):
    list_display = [
        "pk",
        "type",
        "phone_number_id",
        "masked_resident",
        "sent_at",
        "media_state",
        "flags",
        "handled_at",
    ]
    list_filter = ["type", "media_state", "phone_number_id"]
    list_select_related = ["resident"]

    @admin.display(description="pemohon")
    def masked_resident(self, obj: InboundMessage) -> str:
        return masked_resident(obj.resident)


@admin.register(QuarantinedItem)
class QuarantinedItemAdmin(AuditedReadOnlyAdmin):
    """Read-only: administrators retry or discard on /console/karantina/ (audited there)."""

    list_display = ["pk", "delivery", "path", "reason", "status", "quarantined_at", "resolved_at"]
    list_filter = ["status", "reason"]
    readonly_fields = [f.name for f in QuarantinedItem._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Conversation)
class ConversationAdmin(AuditedReadOnlyAdmin):
    list_display = ["pk", "masked_resident", "needs_officer", "officer_requested_at", "flood_notice_at"]
    list_filter = ["needs_officer"]
    list_select_related = ["resident"]

    @admin.display(description="pemohon")
    def masked_resident(self, obj: Conversation) -> str:
        return masked_resident(obj.resident)


@admin.register(CaseConsent)
class CaseConsentAdmin(AuditedReadOnlyAdmin):
    list_display = ["case", "asked_at", "answered_at", "agreed", "notice_version"]
