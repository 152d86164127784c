"""Recording what staff see and do. Details hold no personal data (ids and codes only)."""

from __future__ import annotations

from django.http import HttpRequest

from loket.console.models import AuditEntry


def client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def record(request: HttpRequest, action: str, *, case=None, document=None, detail: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        actor=request.user if request.user.is_authenticated else None,
        action=action,
        case=case,
        document=document,
        address=client_address(request),
        detail=detail[:500],
    )


ACTION_LABELS = {
    "login": "Masuk",
    "login_failed_token": "Kode verifikasi salah",
    "logout": "Keluar",
    "view_case": "Membuka permohonan (NIK/KK utuh)",
    "view_document": "Membuka dokumen",
    "take_next": "Mengambil dari antrean",
    "correction": "Meminta perbaikan",
    "approve": "Menyetujui",
    "reject": "Menolak",
    "hand_over": "Menyerahkan ke rekan",
    "reply": "Membalas pemohon",
    "checklist": "Mengubah daftar dokumen",
    "label_document": "Memberi label dokumen",
    "export": "Mengekspor daftar",
    "release": "Mengembalikan ke antrean",
    "canned_edit": "Mengubah balasan siap pakai",
}
