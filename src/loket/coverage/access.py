"""Who may see the coverage and service dashboards, and which kecamatan.

ONE function decides (`scope_for`), so that the console's access helper can take over
at merge: pages are for supervisors and the head of office, area-scoped like every
console page. Until then: a console staff profile (`user.staff`, role and kecamatan)
when one exists, else the Django group "supervisor" / "kepala" or a superuser.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

VIEW_ROLES = frozenset({"supervisor", "head", "kepala"})


@dataclass(frozen=True)
class Scope:
    allowed: bool
    kecamatan: frozenset[str] | None = None  # None: the whole regency

    def covers(self, kode: str) -> bool:
        return self.kecamatan is None or kode in self.kecamatan


def scope_for(user) -> Scope:
    if not user.is_authenticated:
        return Scope(False)
    try:
        profile = user.staff
    except Exception:  # no console profile (yet)
        profile = None
    if profile is not None:
        areas = frozenset(profile.kecamatan or []) or None
        return Scope(str(profile.role) in VIEW_ROLES, areas)
    if user.is_superuser or user.groups.filter(name__in=VIEW_ROLES).exists():
        return Scope(True, None)
    return Scope(False)


def coverage_view(view):
    """Require a person allowed to see the dashboards; `request.coverage_scope` is their area."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"/console/login/?{urlencode({'next': request.get_full_path()})}")
        scope = scope_for(request.user)
        if not scope.allowed:
            raise PermissionDenied("Halaman ini untuk pengawas dan kepala dinas.")
        request.coverage_scope = scope
        return view(request, *args, **kwargs)

    return wrapped
