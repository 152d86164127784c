"""Residents, cases and documents in the admin: read only, masked in lists, audited.

State changes go through the guarded workflow in the console (or `loket case move`), never
here. A resident may be deleted (with everything that is theirs) once no request of theirs
is open: `loket.cases.erasure`.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse

from loket.cases.erasure import ResidentHasOpenCase, erase_resident, refusal_reason, what_goes
from loket.cases.models import Case, CaseEvent, Correction, Document, Resident
from loket.console.admin_audit import AuditedReadOnlyAdmin, masked_resident, record_admin
from loket.domain.masking import mask_number


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "actor", "source", "note", "at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(AuditedReadOnlyAdmin):
    list_display = ["request_number", "service", "state", "masked_subject", "kode_kecamatan", "created_at"]
    list_filter = ["service", "state"]
    search_fields = ["request_number"]
    inlines = [EventInline]

    @admin.display(description="subjek (NIK)")
    def masked_subject(self, obj: Case) -> str:
        return mask_number(obj.subject)


@admin.register(Resident)
class ResidentAdmin(AuditedReadOnlyAdmin):
    list_display = ["pk", "masked_number", "channel_number", "created_at", "last_inbound_at", "consent_at"]
    search_fields = ["profile_name"]

    @admin.display(description="nomor")
    def masked_number(self, obj: Resident) -> str:
        return masked_resident(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting is the one change allowed here (an erasure), for whoever holds the permission.
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one resident at a time, each checked and audited
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        resident = self.get_object(request, unquote(object_id))
        if resident is not None and self.has_delete_permission(request, resident):
            reason = refusal_reason(resident)
            if reason is None:
                try:
                    return super().delete_view(request, object_id, extra_context)
                except ResidentHasOpenCase as exc:  # a request opened since the check
                    reason = str(exc)
            record_admin(request, "admin_delete_refused", self, resident)
            self.message_user(request, reason, messages.ERROR)
            return redirect(reverse("admin:cases_resident_change", args=[resident.pk]))
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(
        self, objs: Sequence[Resident] | QuerySet[Resident], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[str]]:
        # A summary by kind instead of Django's walk, which would list names and stop at
        # the PROTECT relations that erase_resident deletes in order. (Nested lists, as
        # Django's own summary: the template renders them as nested items.)
        summary: list[Any] = []
        model_count: dict[str, int] = {}
        for resident in objs:
            goes = what_goes(resident)
            summary += [f"pemohon #{resident.pk}", [f"{name}: {count}" for name, count in goes.items()]]
            model_count["pemohon"] = model_count.get("pemohon", 0) + 1
            for name, count in goes.items():
                model_count[name] = model_count.get(name, 0) + count
        return summary, model_count, set(), []

    def render_delete_form(self, request, context):
        record_admin(request, "admin_view", self, context.get("object"), note="(konfirmasi hapus)")
        return super().render_delete_form(request, context)

    def delete_model(self, request, obj: Resident) -> None:
        pk = obj.pk
        deleted = erase_resident(obj)
        counts = ", ".join(f"{label}={count}" for label, count in sorted(deleted.items()))
        obj.pk = pk  # Django clears it; the audit names the row that went
        record_admin(request, "admin_delete", self, obj, note=counts)

    def log_deletions(self, request, queryset):
        # Django's log would keep str(obj), the resident's name: keep only the id there.
        content_type = ContentType.objects.get_for_model(Resident)
        return LogEntry.objects.bulk_create(
            [
                LogEntry(
                    user_id=request.user.pk,
                    content_type_id=content_type.pk,
                    object_id=str(resident.pk),
                    object_repr=f"pemohon #{resident.pk}",
                    action_flag=DELETION,
                )
                for resident in queryset
            ]
        )

    def response_delete(self, request, obj_display, obj_id):
        return super().response_delete(request, f"pemohon #{obj_id}", obj_id)


@admin.register(Document)
class DocumentAdmin(AuditedReadOnlyAdmin):
    list_display = ["pk", "case", "label", "mime_type", "status", "refusal", "created_at"]
    list_filter = ["status", "refusal", "label"]
    exclude = ["caption"]  # may carry the resident's own words; the console shows it, audited


@admin.register(Correction)
class CorrectionAdmin(AuditedReadOnlyAdmin):
    list_display = ["pk", "case", "officer", "at", "resolved_at"]
