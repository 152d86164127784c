"""Admin for the office numbers, the outbox (every outcome per message) and incidents."""

from django.contrib import admin, messages

from loket.channels.whatsapp import incidents
from loket.channels.whatsapp.models import Incident, OutboundMessage, PhoneNumber
from loket.channels.whatsapp.sending import SENDABLE, requeue


@admin.register(PhoneNumber)
class PhoneNumberAdmin(admin.ModelAdmin):
    list_display = ["display_number", "phone_number_id", "services", "active", "throttled_until"]
    list_filter = ["active"]
    search_fields = ["display_number", "phone_number_id"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
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
    raw_id_fields = ["resident", "case"]
    readonly_fields = [
        f.name
        for f in OutboundMessage._meta.fields
        if f.name not in ("text", "interactive", "template_name", "template_params")
    ]
    actions = ["send_again"]

    @admin.action(description="Kirim ulang pesan yang ditahan atau gagal")
    def send_again(self, request, queryset):
        count = 0
        for message in queryset.exclude(status__in=SENDABLE):
            if message.needs_officer:
                requeue(
                    message, force_template=False, wamid=None, uncertain_since=None, first_attempt_at=None
                )
                count += 1
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
