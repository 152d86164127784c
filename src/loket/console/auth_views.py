"""Console sign-in: password first (throttled by django-axes), then the TOTP code.

The session is only logged in after both factors: between the two steps it holds just
the pending user's id, for a few minutes.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from loket.console import audit
from loket.console.access import profile_of
from loket.console.second_factor import matching_device

PENDING = "console_pending_login"
PENDING_SECONDS = 300


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Nama pengguna atau sandi salah.",
        "inactive": "Akun ini tidak aktif.",
    }


class TokenForm(forms.Form):
    token = forms.CharField(label="Kode dari aplikasi autentikator", max_length=8)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/console/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}) and target.startswith("/console/"):
        return target
    return "/console/"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request):
    form = LoginForm(request, data=request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if profile_of(user) is None:
            error = "Akun ini bukan akun staf konsol."
        elif not user_has_device(user):
            error = "Akun ini belum memiliki faktor kedua (TOTP). Hubungi administrator."
        else:
            request.session.cycle_key()
            request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time()}
            return redirect(f"/console/login/kode/?{urlencode({'next': _next(request)})}")
    return render(request, "console/login.html", {"form": form, "error": error, "next": _next(request)})


@csrf_protect
@never_cache
def verify(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return redirect("/console/login/")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        return redirect("/console/login/")
    form = TokenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        device = matching_device(user, form.cleaned_data["token"].strip())
        if device is not None:
            del request.session[PENDING]
            user.backend = pending["backend"]
            auth_login(request, user)
            otp_login(request, device)
            audit.record(request, "login")
            return redirect(_next(request))
        error = "Kode salah atau kedaluwarsa. Coba kode yang baru."
        audit.AuditEntry.objects.create(
            actor=user, action="login_failed_token", address=audit.client_address(request)
        )
    return render(request, "console/verify.html", {"form": form, "error": error, "next": _next(request)})


@require_POST
def logout(request):
    if request.user.is_authenticated:
        audit.record(request, "logout")
    auth_logout(request)
    return redirect("/console/login/")
