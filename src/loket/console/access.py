"""The one place that decides who may see and do what in the console (healthchecks style).

Every console view is wrapped in `@console_view(action)` and fetches cases through
`cases_for(request)` / `case_for(request, pk)`, so a role's permissions, its office and its
area (the regency or some kecamatan) apply on every page and every export. A case outside a
person's office, area or services answers 404, as if it did not exist.

Offices (docs/offices.md): every staff profile belongs to one office and every query here
is limited to it (`of_office`), so staff of office A never read, list, count or act on
office B's rows. The province role sees figures across offices and no person's data:
`cases_for` gives it nothing.
"""

from __future__ import annotations

from functools import wraps
from typing import cast
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.utils import translation
from django_otp.middleware import is_verified as otp_verified

from loket.cases.models import Case, Document, Resident, State
from loket.console.models import AuditEntry, Role, StaffProfile
from loket.console.services import SERVICES
from loket.messaging import port
from loket.offices.regions import figures_area

# What each role may do. Administrators manage accounts and read the audit; they do not
# read residents' requests (least privilege).
ALLOWED: dict[str, frozenset[str]] = {
    "home": frozenset(Role),
    # Figures only (coverage, service quality, the planner): supervisors of their office, the
    # province monitor across offices.
    "queue": frozenset({Role.OFFICER, Role.SUPERVISOR}),
    "case": frozenset({Role.OFFICER, Role.SUPERVISOR}),
    # The counter checks a request's documents when handing the card over.
    "document": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.COUNTER}),
    "act": frozenset({Role.OFFICER, Role.SUPERVISOR}),
    "reassign": frozenset({Role.SUPERVISOR}),
    "reports": frozenset({Role.SUPERVISOR, Role.PROVINCE}),
    # The queue as a (masked) list of cases: a supervisor's, never the province monitor's.
    "export": frozenset({Role.SUPERVISOR}),
    "audit": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    "canned": frozenset({Role.SUPERVISOR}),
    "pickup": frozenset({Role.COUNTER, Role.SUPERVISOR}),
    "staff": frozenset({Role.ADMIN}),
    # The inbox: officers read residents' messages; administrators only the deliveries
    # that name no registered number (no resident content).
    "inbox": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.ADMIN}),
    "inbox_act": frozenset({Role.OFFICER, Role.SUPERVISOR}),
    # Residents' erasure requests (loket.privacy): decided by a supervisor or an administrator.
    "erasure": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    # The satisfaction survey's report (loket.survey): anonymous figures and suggestions.
    "skm": frozenset({Role.SUPERVISOR, Role.ADMIN, Role.PROVINCE}),
    # Campaigns and posters (loket.outreach.campaigns): counts only, no resident's content.
    "campaigns": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    # Deliveries and messages set aside as poison (masked metadata, no message content).
    "quarantine": frozenset({Role.ADMIN}),
    "hooks": frozenset({Role.ADMIN}),
    # Village operators: their own form and their own submissions, nothing else
    # (`loket.console.operator`); `cases_for` gives them no case at all.
    "operator": frozenset({Role.OPERATOR}),
}


class StaffRequest(HttpRequest):
    """A request `console_view` let through, carrying the person's staff profile.

    Django hands views a plain HttpRequest and `console_view` adds `staff` to it; this class
    only tells the type checker so (views and helpers behind `console_view` take it).
    """

    staff: StaffProfile


def login_url(request: HttpRequest) -> str:
    return f"/console/login/?{urlencode({'next': request.get_full_path()})}"


def profile_of(user) -> StaffProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.staff
    except StaffProfile.DoesNotExist:
        return None


def may(profile: StaffProfile | None, action: str) -> bool:
    return profile is not None and profile.role in ALLOWED[action]


def console_view(action: str):
    """Require a verified (password + TOTP) staff session whose role allows `action`."""

    def decorate(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            user = request.user
            if not user.is_authenticated or not otp_verified(user):
                return redirect(login_url(request))
            profile = profile_of(user)
            if profile is None or not may(profile, action):
                raise PermissionDenied("Halaman ini bukan bagian tugas Anda.")
            cast(StaffRequest, request).staff = profile
            # Officer-facing text is Bahasa Indonesia whatever the browser asks for.
            with translation.override("id"):
                return view(request, *args, **kwargs)

        return wrapped

    return decorate


def services_of(profile: StaffProfile) -> list[str]:
    if profile.role == Role.OPERATOR:
        return []  # no queue of any service
    if profile.role == Role.OFFICER:
        return [s for s in SERVICES if s in (profile.services or [])]
    return list(SERVICES)


def in_area(profile: StaffProfile, qs: QuerySet, field: str = "kode_kecamatan") -> QuerySet:
    return qs.filter(**{f"{field}__in": profile.kecamatan}) if profile.kecamatan else qs


def scoped_cases(
    qs: QuerySet | None = None,
    *,
    office: int | None = None,
    services: list[str] | None = None,
    kecamatan: list[str] | None = None,
) -> QuerySet:
    """The one filter of cases by scope, for staff (`cases_for`) and API tokens (`loket.api`):
    `services` None means every service (an empty list: none), `kecamatan` empty the whole
    regency (of the office), `office` None every office (the caller decides: staff and tokens
    always name theirs)."""
    qs = Case.objects.all() if qs is None else qs
    if office is not None:
        qs = qs.filter(office_id=office)
    if kecamatan:
        qs = qs.filter(kode_kecamatan__in=kecamatan)
    if services is not None:
        qs = qs.filter(service__in=services)
    return qs


def office_of(profile: StaffProfile) -> int:
    """The id of the person's office (every profile has one; the type stubs allow None)."""
    return cast(int, profile.office_id)


def of_office(profile: StaffProfile, qs: QuerySet, path: str = "office_id") -> QuerySet:
    """Rows of the person's office only (`path` leads from the row to its office's id, e.g.
    "case__office_id"); the province monitor reads no rows of any office through this
    (figures have their own path: `office_kecamatan`)."""
    if profile.role == Role.PROVINCE:
        return qs.none()
    return qs.filter(**{path: office_of(profile)})


def office_kecamatan(profile: StaffProfile) -> frozenset[str] | None:
    """The kecamatan whose figures this person reads on dashboards: their own list; else
    their office's kecamatan (None: everything, for the province monitor and on an
    installation of one office; `offices.regions.figures_area`, as for API tokens)."""
    if profile.role == Role.PROVINCE and not profile.kecamatan:
        return None
    return figures_area(profile.office, profile.kecamatan)


def cases_for(request: StaffRequest, qs: QuerySet | None = None) -> QuerySet:
    """The cases this person may see: their office, their area, and for officers their services."""
    profile = request.staff
    if profile.role in (Role.OPERATOR, Role.PROVINCE):
        # An operator's area is where they submit, not what they may read: they see their own
        # submissions only, through `operator.submissions_for`. The province monitor reads
        # no case at all (figures only).
        return (Case.objects.all() if qs is None else qs).none()
    services = services_of(profile) if profile.role == Role.OFFICER else None
    return scoped_cases(qs, office=office_of(profile), services=services, kecamatan=profile.kecamatan)


def counted_cases_for(request: StaffRequest) -> QuerySet:
    """The cases a figure counts (never lists): the person's, or for the province monitor
    every office's. Use only for counts grouped by service, state or kecamatan."""
    if request.staff.role == Role.PROVINCE:
        return Case.objects.all()
    return cases_for(request)


# What the counter works on: approved cases until the card has been handed over.
PICKUP_STATES = (State.APPROVED, State.READY_FOR_PICKUP, State.COLLECTED)


def case_for(request: StaffRequest, pk: int) -> Case:
    qs = cases_for(request)
    if request.staff.role == Role.COUNTER:
        qs = qs.filter(state__in=PICKUP_STATES)
    case = qs.select_related("resident", "assigned_to", "office").filter(pk=pk).first()
    if case is None:
        raise Http404("Permohonan tidak ditemukan.")
    return case


def document_for(request: StaffRequest, case: Case, pk: int) -> Document:
    # `case` came from `case_for` (the person's office and area); its documents follow it.
    document = Document.objects.filter(case=case, case__office_id=office_of(request.staff), pk=pk).first()
    if document is None:
        raise Http404("Dokumen tidak ditemukan.")
    return document


def require_service(request: StaffRequest, service: str) -> None:
    if service not in services_of(request.staff):
        raise Http404("Layanan tidak ditemukan.")


def audit_for(request: StaffRequest) -> QuerySet:
    """Audit entries within the person's area (entries without a case: regency-wide staff only)."""
    qs = AuditEntry.objects.select_related("actor", "case")
    if request.staff.role in (Role.OPERATOR, Role.PROVINCE):
        return qs.none()
    # The office's entries: about its cases, or (no case) done by its staff.
    qs = qs.filter(
        Q(case__office_id=office_of(request.staff))
        | Q(case__isnull=True, actor__staff__office_id=office_of(request.staff))
    )
    if request.staff.kecamatan:
        qs = qs.filter(case__kode_kecamatan__in=request.staff.kecamatan)
    return qs


def staff_for(request: StaffRequest) -> QuerySet:
    qs = StaffProfile.objects.select_related("user", "office").order_by("user__username")
    qs = qs.filter(office_id=office_of(request.staff))
    if request.staff.kecamatan:
        # A kecamatan administrator sees accounts limited to (some of) their kecamatan.
        ids = [p.pk for p in qs if p.kecamatan and set(p.kecamatan) <= set(request.staff.kecamatan)]
        qs = qs.filter(pk__in=ids)
    return qs


def colleagues_for(case: Case, profile: StaffProfile) -> QuerySet:
    """Officers and supervisors who could take this case over (service and area)."""
    candidates = StaffProfile.objects.filter(
        role__in=[Role.OFFICER, Role.SUPERVISOR], office_id=case.office_id
    ).select_related("user")
    ids = [
        p.user_id
        for p in candidates
        if (p.role == Role.SUPERVISOR or case.service in (p.services or []))
        and (not p.kecamatan or case.kode_kecamatan in p.kecamatan)
        and p.user.is_active
    ]
    return StaffProfile.objects.filter(user_id__in=ids).select_related("user").order_by("user__username")


def residents_for(request: StaffRequest) -> QuerySet:
    """The residents whose messages this person may read in the inbox.

    Those with a case the person may see; regency-wide staff also see those with no case
    yet who wrote to a number serving one of their services (someone must answer them).
    """
    profile = request.staff
    if not may(profile, "inbox_act"):
        return Resident.objects.none()
    visible = Q(pk__in=cases_for(request).values("resident_id"))
    if not profile.kecamatan:
        numbers = port.addresses_serving(services_of(profile))
        visible |= Q(channel_number__in=numbers) & ~Q(pk__in=Case.objects.values("resident_id"))
    return Resident.objects.filter(visible, office_id=office_of(profile))
