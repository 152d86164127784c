"""`/admin/` behind the same second factor as the console.

The login form asks for the password AND the TOTP code; a session that passed only the
password (e.g. `client.login`, or a console sign-in abandoned before the code) is treated
as not allowed, so no admin page lists anything before the second factor. Only superusers
and console administrators (`StaffProfile.role == admin` with Django's `is_staff`) may use
the admin at all; officers, supervisors and the counter never do, whatever their flags.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django_otp import user_has_device
from django_otp.middleware import is_verified as otp_verified

from loket.console import audit
from loket.console.access import profile_of
from loket.console.models import Role
from loket.console.second_factor import matching_device


def may_use_admin(user) -> bool:
    """Whether `user` may open the admin once verified (the second factor is checked apart)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    profile = profile_of(user)
    return user.is_staff and profile is not None and profile.role == Role.ADMIN


class AdminLoginForm(AdminAuthenticationForm):
    """Password and TOTP code in one form; a password alone never signs in."""

    token = forms.CharField(label="Kode dari aplikasi autentikator", max_length=8)

    error_messages = {
        "invalid_login": "Nama pengguna atau sandi salah.",
        "inactive": "Akun ini tidak aktif.",
        "not_admin": "Akun ini tidak boleh membuka admin.",
        "no_device": "Akun ini belum memiliki faktor kedua (TOTP). Hubungi administrator.",
        "bad_token": "Kode salah atau kedaluwarsa. Coba kode yang baru.",
    }

    def confirm_login_allowed(self, user) -> None:
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        if not may_use_admin(user):
            raise forms.ValidationError(self.error_messages["not_admin"], code="not_admin")
        if not user_has_device(user, confirmed=True):
            raise forms.ValidationError(self.error_messages["no_device"], code="no_device")

    def clean(self):
        cleaned = super().clean()  # the password, then confirm_login_allowed
        user = self.get_user()
        token = (cleaned.get("token") or "").strip()
        if user is None or not token:
            return cleaned  # a missing code is already a field error: no sign-in
        device = matching_device(user, token)
        if device is None:
            audit.AuditEntry.objects.create(
                actor=user, action="login_failed_token", address=audit.client_address(self.request)
            )
            raise forms.ValidationError(self.error_messages["bad_token"], code="bad_token")
        # django-otp stores this device in the session when Django's login() runs.
        user.otp_device = device
        return cleaned


class SecondFactorAdminSite(admin.AdminSite):
    site_header = "Loket · admin"
    site_title = "Loket admin"
    index_title = "Administrasi"
    login_form = AdminLoginForm
    login_template = "console/admin_login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return may_use_admin(user) and otp_verified(user)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        response = super().login(request, extra_context)
        signed_in = getattr(request.user, "otp_device", None) is not None
        if request.method == "POST" and response.status_code == 302 and signed_in:
            audit.record(request, "admin_login")
        return response

    def logout(self, request: HttpRequest, extra_context=None) -> TemplateResponse:
        if request.method == "POST" and request.user.is_authenticated:
            audit.record(request, "admin_logout")
        return super().logout(request, extra_context)
