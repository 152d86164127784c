"""The Content-Security-Policy middleware: django-csp's, kept in step with Django's
clickjacking decorators.

A view that lets the office's own pages frame it (`@xframe_options_sameorigin`, e.g. a PDF
document on the case page) gets `frame-ancestors 'self'`; every other response keeps the
policy's `frame-ancestors 'none'`. Browsers obey frame-ancestors over X-Frame-Options, so
the two must say the same thing.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase


class LoketCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        return parts
