"""Campaigns in the console (`/console/kampanye/`): supervisors and administrators create a
campaign from the coverage priorities, read its funnel per kecamatan and per poster, and
download the posters (A4) and flyers (A6). Every creation is audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from loket.console.access import StaffRequest, console_view, of_office
from loket.console.audit import record
from loket.domain.intake.services import SERVICES
from loket.messaging import port
from loket.outreach import campaigns, posters
from loket.outreach.models import Campaign
from loket.regions.models import Region

ACTION = "campaigns"


def _area(request: StaffRequest) -> set[str]:
    return set(request.staff.kecamatan or [])


def _visible(request: StaffRequest, campaign: Campaign) -> None:
    area = _area(request)
    if area and not set(campaign.kecamatan) <= area:
        raise Http404("Kampanye tidak ditemukan.")


def _kecamatan_choices(request: StaffRequest) -> list[Region]:
    rows = Region.objects.filter(
        level=Region.Level.KECAMATAN, kode__startswith=f"{request.staff.office.code}."
    ).order_by("nama")
    area = _area(request)
    return [r for r in rows if not area or r.kode in area]


@console_view(ACTION)
def campaign_list(request: StaffRequest) -> HttpResponse:
    problems: list[str] = []
    today = timezone.localdate()
    form = {
        "name": "",
        "service": "KIA",
        "template": campaigns.TEMPLATES.get("KIA", ""),
        "kecamatan": request.GET.getlist("kecamatan"),
        "desa": "",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=30)).isoformat(),
    }
    if request.method == "POST":
        form = {key: request.POST.get(key, "") for key in form}
        form["kecamatan"] = request.POST.getlist("kecamatan")
        area = _area(request)
        desa = [d.strip() for d in str(form["desa"]).replace(",", " ").split() if d.strip()]
        try:
            starts_on = dt.date.fromisoformat(str(form["starts_on"]))
            ends_on = dt.date.fromisoformat(str(form["ends_on"]))
        except ValueError:
            problems.append("Tanggal tidak dikenali.")
        else:
            own = {r.kode for r in _kecamatan_choices(request)}
            if (area and not set(form["kecamatan"]) <= area) or not set(form["kecamatan"]) <= own:
                raise PermissionDenied("Kecamatan di luar wilayah Anda.")
            try:
                campaign = campaigns.create(
                    name=str(form["name"]),
                    service=str(form["service"]),
                    template=str(form["template"]).strip(),
                    kecamatan=list(form["kecamatan"]),
                    desa=desa,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    created_by=request.user,
                    office_id=request.staff.office_id,
                )
            except campaigns.Refused as refused:
                problems.append(str(refused))
            else:
                record(request, "campaign_create", detail=f"kampanye #{campaign.pk} {campaign.service}")
                return redirect("outreach:campaign", pk=campaign.pk)
    rows = of_office(request.staff, Campaign.objects.all()).annotate(reached=Count("recipients"))
    area = _area(request)
    listed = [c for c in rows if not area or set(c.kecamatan) <= area]
    return render(
        request,
        "outreach/campaigns.html",
        {
            "campaigns": listed,
            "form": form,
            "problems": problems,
            "kecamatan": _kecamatan_choices(request),
            "services": {code: s.officer_name for code, s in SERVICES.items()},
        },
        status=400 if problems else 200,
    )


@console_view(ACTION)
def campaign_page(request: StaffRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(of_office(request.staff, Campaign.objects.all()), pk=pk)
    _visible(request, campaign)
    campaigns.refresh(campaign)
    places = []
    for kec in Region.objects.filter(kode__in=campaign.kecamatan).order_by("nama"):
        desa = kec.children.order_by("nama")
        if campaign.desa:
            desa = desa.filter(kode__in=campaign.desa)
        places.append((kec, list(desa)))
    return render(
        request,
        "outreach/campaign.html",
        {
            "campaign": campaign,
            "service": SERVICES[campaign.service].officer_name
            if campaign.service in SERVICES
            else campaign.service,
            "funnel": campaigns.funnel(campaign),
            # A template renamed or re-categorised since creation: the job skips the campaign; say so.
            "refused": port.template_refusal(campaign.template, purpose=port.Purpose.BULK),
            "posters": campaigns.by_poster(campaign),
            "places": places,
            "place_kinds": [(kind, name) for kind, (_prefix, name) in campaigns.PLACES.items()],
        },
    )


@console_view(ACTION)
def poster_pdf(request: StaffRequest, pk: int, kode: str) -> HttpResponse:
    campaign = get_object_or_404(of_office(request.staff, Campaign.objects.all()), pk=pk)
    _visible(request, campaign)
    size = request.GET.get("ukuran", "a4")
    place = request.GET.get("tempat", "posyandu")
    if size not in posters.SIZES:
        raise Http404("Ukuran tidak dikenal.")
    try:
        poster = posters.poster_for(campaign, place, kode)
    except ValueError:
        raise Http404("Tempat di luar sasaran kampanye.") from None
    response = HttpResponse(posters.render_pdf(poster, size), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{posters.file_name(poster, size)}"'
    return response
