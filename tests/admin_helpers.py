"""Signing in to /admin/ as an administrator does: password and TOTP code in one form."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

ADMIN_PASSWORD = "sandi-admin-yang-panjang"


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def make_superuser(username: str = "root") -> object:
    user = get_user_model().objects.create_superuser(username, "", ADMIN_PASSWORD)
    TOTPDevice.objects.create(user=user, name="admin", confirmed=True)
    return user


def admin_sign_in(client, user, password: str = ADMIN_PASSWORD):
    """Through the admin's own login form, with the current code; returns the response."""
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": user.get_username(), "password": password, "token": code_for(user), "next": "/admin/"},
    )
