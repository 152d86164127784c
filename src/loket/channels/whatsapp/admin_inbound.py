"""Admin for what arrives: raw deliveries, messages of every type, conversations, consent.

Lists show no message text (it carries NIKs and names); the detail page does, for staff.
"""

from django.contrib import admin

from loket.channels.whatsapp.models import (
    CaseConsent,
    Conversation,
    Delivery,
    InboundMessage,
    QuarantinedItem,
)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "type",
        "phone_number_id",
        "resident",
        "sent_at",
        "media_state",
        "flags",
        "handled_at",
    ]
    list_filter = ["type", "media_state", "phone_number_id"]
    readonly_fields = [f.name for f in InboundMessage._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(QuarantinedItem)
class QuarantinedItemAdmin(admin.ModelAdmin):
    """Read-only: administrators retry or discard on /console/karantina/ (audited there)."""

    list_display = ["pk", "delivery", "path", "reason", "status", "quarantined_at", "resolved_at"]
    list_filter = ["status", "reason"]
    readonly_fields = [f.name for f in QuarantinedItem._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["pk", "resident", "needs_officer", "officer_requested_at", "flood_notice_at"]
    list_filter = ["needs_officer"]


@admin.register(CaseConsent)
class CaseConsentAdmin(admin.ModelAdmin):
    list_display = ["case", "asked_at", "answered_at", "agreed", "notice_version"]
    readonly_fields = ["case", "asked_at", "answered_at", "agreed", "notice_version", "answer_wamid"]
