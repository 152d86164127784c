"""`/console/webhooks/`: administrators subscribe receivers (SIAK bridges, provincial
dashboards) to case events, see how sending goes, test and resend. Every action is audited;
a secret is shown once, in the answer to the form that created it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from loket.console import audit
from loket.console.access import StaffRequest, console_view, office_of
from loket.console.services import SERVICES
from loket.hooks import payloads, subscriptions
from loket.hooks.models import EVENT_TYPES, EventDelivery, Subscription
from loket.regions.models import Region

RECENT_FAILURES = 50


def _kecamatan(request: StaffRequest) -> dict[str, str]:
    """The person's office's own kecamatan (the region table holds the whole country)."""
    mine = Region.objects.filter(
        level=Region.Level.KECAMATAN, kode__startswith=f"{request.staff.office.code}."
    )
    return dict(mine.order_by("nama").values_list("kode", "nama"))


def _area(request: StaffRequest) -> dict[str, str]:
    """The kecamatan this administrator may subscribe to: theirs, or the whole office's."""
    everything = _kecamatan(request)
    if request.staff.kecamatan:
        return {k: everything.get(k, k) for k in request.staff.kecamatan}
    return everything


def _visible(request: StaffRequest) -> list[Subscription]:
    """Subscriptions this administrator manages: a kecamatan administrator only those limited
    to (some of) their kecamatan, like the staff page's accounts."""
    rows = list(Subscription.objects.filter(office_id=office_of(request.staff)).select_related("created_by"))
    area = set(request.staff.kecamatan or [])
    if area:
        rows = [s for s in rows if s.kecamatan and set(s.kecamatan) <= area]
    return rows


def _page(
    request: StaffRequest, *, created: Subscription | None = None, draft=None, error: str = "", status=200
):
    rows = _visible(request)
    health = subscriptions.health(rows)
    kecamatan = _area(request)
    failures = (
        EventDelivery.objects.filter(
            status=EventDelivery.Status.FAILED, subscription__in=[s.pk for s in rows]
        )
        .select_related("subscription", "case")
        .order_by("-failed_at", "-pk")[:RECENT_FAILURES]
    )
    context = {
        "rows": [
            {"s": s, "h": health.get(s.pk), "area": ", ".join(kecamatan.get(k, k) for k in s.kecamatan)}
            for s in rows
        ],
        "failures": failures,
        "event_types": EVENT_TYPES,
        "services": SERVICES,
        "kecamatan": kecamatan,
        "personal_allowed": payloads.personal_allowed(),
        "created": created,
        "draft": draft,
        "error": error,
    }
    return render(request, "hooks/webhooks.html", context, status=status)


@console_view("hooks")
@never_cache
def page(request: StaffRequest) -> HttpResponse:
    audit.record(request, "hooks_view")
    return _page(request)


@console_view("hooks")
@require_POST
@never_cache
def create(request: StaffRequest) -> HttpResponse:
    draft = subscriptions.Draft(
        name=request.POST.get("name", ""),
        url=request.POST.get("url", ""),
        events=request.POST.getlist("events"),
        services=request.POST.getlist("services"),
        kecamatan=request.POST.getlist("kecamatan"),
        personal=request.POST.get("personal") == "1",
    )
    if request.staff.kecamatan and not draft.kecamatan:
        draft.kecamatan = list(request.staff.kecamatan)  # never wider than the person's own area
    try:
        subscription = subscriptions.create(
            draft,
            office_id=office_of(request.staff),
            created_by=request.user,
            known_services=list(SERVICES),
            known_kecamatan=list(_area(request)),
        )
    except subscriptions.Refused as exc:
        return _page(request, draft=draft, error=str(exc), status=400)
    audit.record(
        request,
        "hooks_create",
        detail=f"langganan #{subscription.pk} events={','.join(subscription.events)} "
        f"personal={int(subscription.personal)}",
    )
    # The secret is in this answer only (never stored in the session, never shown again).
    return _page(request, created=subscription)


def _subscription(request: StaffRequest, pk: int) -> Subscription:
    subscription = next((s for s in _visible(request) if s.pk == pk), None)
    if subscription is None:
        raise Http404("Langganan tidak ditemukan.")
    return subscription


@console_view("hooks")
@require_POST
def deactivate(request: StaffRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    if subscriptions.deactivate(subscription):
        audit.record(request, "hooks_deactivate", detail=f"langganan #{pk}")
        messages.success(request, f"Langganan “{subscription.name}” dinonaktifkan; tidak ada kiriman baru.")
    return redirect("hooks:page")


@console_view("hooks")
@require_POST
def ping(request: StaffRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    if not subscription.active:
        messages.error(request, "Langganan ini sudah nonaktif.")
        return redirect("hooks:page")
    delivery = subscriptions.ping(subscription)
    audit.record(request, "hooks_ping", detail=f"langganan #{pk} kiriman {delivery.delivery_id}")
    messages.success(
        request, f"Kiriman uji ke “{subscription.name}” masuk antrean. Muat ulang untuk melihat hasilnya."
    )
    return redirect("hooks:page")


@console_view("hooks")
@require_POST
def retry(request: StaffRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    delivery = request.POST.get("delivery", "")
    chosen = EventDelivery.objects.filter(subscription=subscription)
    if delivery:
        chosen = chosen.filter(pk=int(delivery) if delivery.isdigit() and len(delivery) < 16 else 0)
    count = subscriptions.retry(chosen)
    audit.record(request, "hooks_retry", detail=f"langganan #{pk} kiriman={delivery or 'semua'} n={count}")
    if count:
        messages.success(request, f"{count} kiriman gagal dikirim ulang (dengan nomor kiriman yang sama).")
    else:
        messages.error(request, "Tidak ada kiriman gagal untuk dikirim ulang (atau langganan nonaktif).")
    return redirect("hooks:page")
