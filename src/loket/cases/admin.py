from django import forms
from django.contrib import admin, messages

from loket.cases.models import Case, CaseEvent, Correction, Document, IllegalTransition, Resident, State


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "actor", "source", "note", "at"]

    def has_add_permission(self, request, obj=None):
        return False


class CaseAdminForm(forms.ModelForm):
    """The admin changes state only through the workflow: a chosen move, checked by move_to."""

    move_to = forms.ChoiceField(
        label="Ubah status menjadi", required=False, choices=[("", "(tetap)"), *State.choices]
    )
    move_note = forms.CharField(label="Catatan perubahan", required=False)

    class Meta:
        model = Case
        fields = ["kode_kecamatan", "kode_desa", "assigned_to"]

    def clean_move_to(self):
        target = self.cleaned_data["move_to"]
        if target and self.instance.pk and not self.instance.can_move_to(target):
            raise forms.ValidationError(
                f"Status '{self.instance.get_state_display()}' tidak dapat diubah menjadi '{State(target).label}'."
            )
        return target


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    form = CaseAdminForm
    list_display = ["request_number", "service", "state", "kode_kecamatan", "created_at"]
    list_filter = ["service", "state"]
    search_fields = ["request_number"]
    readonly_fields = ["state", "state_changed_at", "request_number", "subject", "resident"]
    inlines = [EventInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        target = form.cleaned_data.get("move_to")
        if target:
            try:
                obj.move_to(target, actor=request.user, source="admin", note=form.cleaned_data["move_note"])
            except IllegalTransition as exc:  # moved by someone else since the form was shown
                messages.error(request, str(exc))


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["pk", "channel_number", "profile_name", "created_at"]
    search_fields = ["profile_name"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["pk", "case", "label", "mime_type", "status", "refusal", "created_at"]
    list_filter = ["status", "refusal", "label"]
    raw_id_fields = ["case", "resident"]
    # The file check's verdict is not editable: a refused file never counts (checklist.document_counts).
    readonly_fields = ["refusal", "refusal_note", "sha256"]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["pk", "case", "officer", "at", "resolved_at"]
    raw_id_fields = ["case"]
