"""Who may use the console, where, and what they did there."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from loket.offices.models import default_office


class Role(models.TextChoices):
    OFFICER = "officer", "Petugas verifikasi"
    SUPERVISOR = "supervisor", "Supervisor"
    COUNTER = "counter", "Petugas loket"
    ADMIN = "admin", "Administrator"
    # An operator desa/kelurahan or kader: submits requests for residents of their desa
    # (`loket.console.operator`), sees only their own submissions.
    OPERATOR = "operator", "Operator desa/kelurahan"
    # A province (or ministry) monitor: figures across every office of the installation
    # (coverage, service quality, SKM), never a person's data (docs/offices.md).
    PROVINCE = "province", "Pemantau provinsi"


class StaffProfile(models.Model):
    """A staff member's role, services and area. No profile, no console."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices)
    # The office this row belongs to (docs/offices.md); the only office when none is named.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, default=default_office, related_name="staff"
    )
    # Services an officer handles (["KIA", "KK"]); supervisors and admins see all.
    services = models.JSONField(default=list, blank=True)
    # Kecamatan codes ("36.03.01") the account is limited to; empty means the whole regency.
    kecamatan = models.JSONField(default=list, blank=True)
    # Desa/kelurahan codes ("36.03.03.2001") an operator serves (besides whole `kecamatan`).
    desa = models.JSONField(default=list, blank=True)
    # Single-key shortcuts on the console (K, S, T, B, N); each person may turn them off
    # (WCAG 2.1.4: speech input and stray keys must not act), on /console/pengaturan/.
    shortcuts = models.BooleanField("pintasan satu tombol", default=True)

    class Meta:
        verbose_name = "profil staf"
        verbose_name_plural = "profil staf"

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def area_label(self) -> str:
        if self.role == Role.OPERATOR:
            return ", ".join([*self.kecamatan, *self.desa]) or "tanpa wilayah"
        if self.role == Role.PROVINCE:
            return "Semua kantor (angka saja)"
        return ", ".join(self.kecamatan) if self.kecamatan else "Seluruh kabupaten"


ACTION_LABELS = {
    "login": "Masuk",
    "login_failed_token": "Kode verifikasi salah",
    "logout": "Keluar",
    "view_case": "Membuka permohonan (NIK/KK utuh)",
    "view_document": "Membuka dokumen",
    "take_next": "Mengambil dari antrean",
    "take_case": "Mengambil permohonan pilihan dari antrean",
    "correction": "Meminta perbaikan",
    "approve": "Menyetujui",
    "approve_refused": "Persetujuan ditolak pemeriksaan",
    "approve_override": "Menyetujui dengan pengecualian supervisor",
    "view_receipt": "Membuka bukti pengambilan",
    "reject": "Menolak",
    "hand_over": "Menyerahkan ke rekan",
    "reply": "Membalas pemohon",
    "checklist": "Mengubah daftar dokumen",
    "label_document": "Memberi label dokumen",
    "export": "Mengekspor daftar",
    "release": "Mengembalikan ke antrean",
    "canned_edit": "Mengubah balasan siap pakai",
    "counter_list": "Membuka daftar pengambilan",
    "counter_scan": "Memindai bukti di loket",
    "counter_hand_over": "Menyerahkan kartu di loket",
    "recording_done": "Mencatat perekaman selesai",
    "printing_view": "Membuka daftar cetak",
    "printing_mark": "Menandai kartu tercetak",
    "view_inbox": "Membuka kotak masuk",
    "inbox_handled": "Menandai percakapan selesai",
    "file_document": "Mencatat berkas ke permohonan",
    "admin_login": "Masuk ke admin",
    "admin_logout": "Keluar dari admin",
    "admin_view": "Membuka data pribadi di admin",
    "admin_action": "Menjalankan tindakan di admin",
    "admin_delete": "Menghapus data pemohon di admin",
    "admin_delete_refused": "Penghapusan pemohon ditolak",
    "erasure_list": "Membuka permintaan hapus data",
    "erasure_confirm": "Menghapus data pemohon (atas permintaan)",
    "erasure_refuse": "Menolak permintaan hapus data",
    "view_quarantine": "Membuka karantina kiriman",
    "quarantine_retry": "Mencoba ulang item karantina",
    "quarantine_discard": "Membuang item karantina",
    "operator_list": "Operator membuka daftar permohonannya",
    "operator_form": "Operator membuka formulir permohonan",
    "operator_refused": "Formulir operator ditolak pemeriksaan",
    "operator_submit": "Operator mengajukan permohonan untuk warga",
    "operator_duplicate": "Operator mengirim ulang permohonan yang sama",
    "operator_view": "Operator membuka permohonannya",
    "operator_add_documents": "Operator menambahkan foto dokumen",
    "operator_consent_sent": "Permintaan persetujuan dikirim ke orang tua/wali",
    "paper_consent_accept": "Menerima persetujuan tertulis (kertas)",
    "paper_consent_refuse": "Menolak persetujuan tertulis (kertas)",
    # Calls of the REST API (loket.api): no staff account, the token named in the detail.
    "api_list_cases": "API: daftar permohonan (NIK/KK utuh)",
    "api_view_case": "API: membuka permohonan",
    "api_view_document": "API: mengunduh dokumen",
    "api_correction": "API: meminta perbaikan",
    "api_approve": "API: menyetujui",
    "api_approve_refused": "API: persetujuan ditolak pemeriksaan",
    "api_reject": "API: menolak",
    "api_mark_printed": "API: menandai kartu tercetak",
    "api_hand_over": "API: menyerahkan kartu",
    "hooks_view": "Membuka langganan webhook",
    "hooks_create": "Membuat langganan webhook",
    "hooks_deactivate": "Menonaktifkan langganan webhook",
    "hooks_ping": "Mengirim webhook uji",
    "hooks_retry": "Mengirim ulang webhook yang gagal",
}


class AuditEntry(models.Model):
    """One thing a staff member saw or did: who, when, what, from which address."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=40, db_index=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    document = models.ForeignKey("cases.Document", null=True, blank=True, on_delete=models.SET_NULL)
    address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "catatan audit"
        verbose_name_plural = "catatan audit"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


class CannedReply(models.Model):
    """A ready answer officers insert into the reply box; supervisors edit them."""

    title = models.CharField(max_length=80)
    text = models.TextField()
    service = models.CharField(max_length=10, blank=True, help_text="empty: every service")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "balasan siap pakai"
        verbose_name_plural = "balasan siap pakai"

    def __str__(self) -> str:
        return self.title


class OperatorSubmission(models.Model):
    """A request a village operator filled in for a resident (`loket.console.operator`).

    Who submitted it, for whom (the parent's WhatsApp number, or none: a paper consent),
    and the officer's decision on a paper consent. The case itself is an ordinary Case
    (`source="operator"`); this row is what the operator's list and the officer's flag read.
    """

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="operator_submission")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="operator_submissions"
    )
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The one-time token of the form that sent it: a second POST of the same form finds this row.
    form_token = models.CharField(max_length=64, unique=True)
    # True: the parent has no WhatsApp; a signed paper consent was uploaded for an officer.
    paper_consent = models.BooleanField(default=False)
    paper_document = models.ForeignKey("cases.Document", null=True, blank=True, on_delete=models.SET_NULL)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, blank=True)  # "accepted" | "refused"

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = "permohonan lewat operator"
        verbose_name_plural = "permohonan lewat operator"

    def __str__(self) -> str:
        return f"{self.case} (operator)"

    @property
    def awaits_officer(self) -> bool:
        return self.paper_consent and not self.decision
