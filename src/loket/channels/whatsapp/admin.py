"""Admin for the office numbers, the outbox (every outcome per message) and incidents.

Messages are residents' personal data: read only, audited (`loket.console.admin_audit`).
"""

from django.contrib import admin, messages

from loket.channels.whatsapp import incidents
from loket.channels.whatsapp.models import Incident, OutboundMessage, PhoneNumber
from loket.channels.whatsapp.sending import SENDABLE, requeue
from loket.console.admin_audit import AuditedReadOnlyAdmin, record_admin


@admin.register(PhoneNumber)
class PhoneNumberAdmin(admin.ModelAdmin):
    list_display = ["display_number", "phone_number_id", "services", "active", "throttled_until"]
    list_filter = ["active"]
    search_fields = ["display_number", "phone_number_id"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(AuditedReadOnlyAdmin):
    list_display = [
        "pk",
        "kind",
        "status",
        "held_reason",
        "attempts",
        "last_error_code",
        "last_error_title",
        "template_used",
        "created_at",
        "accepted_at",
        "delivered_at",
        "read_at",
    ]
    list_filter = ["status", "kind", "held_reason", "phone_number_id"]
    search_fields = ["wamid", "case__request_number"]
    actions = ["send_again"]

    def has_resend_permission(self, request) -> bool:
        # Sending a held or failed message again changes no content: allowed to whoever may
        # change outbound messages in principle (the admin itself never edits them).
        return request.user.has_perm("whatsapp.change_outboundmessage")

    @admin.action(description="Kirim ulang pesan yang ditahan atau gagal", permissions=["resend"])
    def send_again(self, request, queryset):
        count = 0
        for message in queryset.exclude(status__in=SENDABLE):
            if message.needs_officer:
                requeue(
                    message, force_template=False, wamid=None, uncertain_since=None, first_attempt_at=None
                )
                count += 1
        record_admin(request, "admin_action", self, note=f"send_again {count}")
        self.message_user(request, f"{count} pesan diantrekan ulang.", messages.SUCCESS)


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["kind", "scope", "error_code", "occurrences", "opened_at", "last_seen_at", "closed_at"]
    list_filter = ["kind", "closed_at"]
    readonly_fields = [f.name for f in Incident._meta.fields if f.name != "closed_at"]
    actions = ["close"]

    @admin.action(description="Tandai selesai (pengiriman dicoba lagi)")
    def close(self, request, queryset):
        closed = incidents.close_queryset(queryset)
        self.message_user(request, f"{closed} gangguan ditutup.", messages.SUCCESS)


# The inbound side registers its own models (kept in its own module).
from loket.channels.whatsapp import admin_inbound  # noqa: E402, F401
