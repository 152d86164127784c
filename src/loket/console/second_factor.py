"""The second factor's one check, shared by the console's and the admin's sign-in."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice


def matching_device(user, token: str) -> TOTPDevice | None:
    """The user's confirmed TOTP device that accepts `token`, else None."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, _ = device.verify_is_allowed()  # django-otp's own throttling of wrong codes
        if allowed and device.verify_token(token):
            return device
    return None
