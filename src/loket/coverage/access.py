"""Who may see the coverage and service dashboards, and which kecamatan.

The console decides (`loket.console.access`): a verified staff session whose role may
see "reports" (supervisors; the head of office has a supervisor account for the whole
regency), limited to the kecamatan of that account.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from loket.console.access import StaffRequest, console_view, may, office_kecamatan, profile_of

ACTION = "reports"


@dataclass(frozen=True)
class Scope:
    allowed: bool
    kecamatan: frozenset[str] | None = None  # None: the whole regency

    def covers(self, kode: str) -> bool:
        return self.kecamatan is None or kode in self.kecamatan


def scope_for(user) -> Scope:
    profile = profile_of(user)
    if profile is None or not may(profile, ACTION):
        return Scope(False)
    return Scope(True, office_kecamatan(profile))


class CoverageRequest(StaffRequest):
    """A request `coverage_view` let through (for the type checker): it carries the scope."""

    coverage_scope: Scope


def coverage_view(view):
    """Console access for reports; `request.coverage_scope` is the person's area."""

    @console_view(ACTION)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # The person's kecamatan, else their office's (docs/offices.md); None: every figure.
        request.coverage_scope = Scope(True, office_kecamatan(request.staff))
        return view(request, *args, **kwargs)

    return wrapped
