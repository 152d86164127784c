"""Personal data in the admin: read only, masked in lists, every view audited.

`AuditedReadOnlyAdmin` is the base for the admins of residents, cases, documents and
messages (cases and the WhatsApp channel use it). Nothing is added or changed there: state
changes go through the guarded workflow in the console. Each list, detail, history and
delete-confirmation page writes an `AuditEntry` (`admin_view`) like the console's case page;
the detail names the model and row id only.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from loket.cases.models import Case, Document, Resident
from loket.console import audit
from loket.domain.masking import mask_number


def masked_resident(resident: Resident | None) -> str:
    """A resident as lists show them: their id and a masked number, never the name."""
    if resident is None:
        return "-"
    return f"#{resident.pk} · {mask_number(resident.phone or resident.wa_id) or 'tanpa nomor'}"


def record_admin(
    request: HttpRequest, action: str, model_admin: admin.ModelAdmin, obj=None, *, note: str = ""
) -> None:
    """One audit row for what an administrator saw or did on a model's admin page."""
    opts = model_admin.model._meta
    detail = f"{opts.app_label}.{opts.model_name}" + (f" #{obj.pk}" if obj is not None else "")
    case = obj if isinstance(obj, Case) else getattr(obj, "case", None)
    document = obj if isinstance(obj, Document) else None
    audit.record(
        request,
        action,
        case=case if isinstance(case, Case) else None,
        document=document,
        detail=f"{detail} {note}".strip(),
    )


class AuditedReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by whoever may view the model; never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            record_admin(request, "admin_view", self, note="(daftar)")
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Every detail page (read-only view included) is rendered here, with its object.
        if obj is not None:
            record_admin(request, "admin_view", self, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            # Django renders the history as a TemplateResponse whose context holds the object.
            context = response.context_data if isinstance(response, TemplateResponse) else None
            record_admin(request, "admin_view", self, (context or {}).get("object"), note="(riwayat)")
        return response
