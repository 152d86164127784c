"""Every console page, the coverage pages and the public receipt check in a real browser, at a
phone's viewport (360×740) and a desktop's: axe-core finds no critical or serious WCAG 2.1
A/AA violation, and on the phone no page scrolls sideways.

One browser for the whole walk; the people sign in once (their sessions are set as cookies).
Set LOKET_SCREENSHOTS=<folder> to keep a full-page PNG of every page at both sizes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from loket.cases.models import Case, State
from loket.console.models import Role, StaffProfile
from loket.domain import regions as domain_regions
from loket.precheck.checks import summarise
from loket.regions.loading import load_regions
from loket.regions.models import Region, RegionAlias
from loket.scheduling import receipts
from loket.scheduling.approval import approve_case
from tests.accessibility import DESKTOP, PHONE, Findings, photo
from tests.browser_csp import needs_chromium, watched_browser
from tests.console.builders import (
    KEC_A,
    add_document,
    failed_delivery,
    make_case,
    make_staff,
    quarantined_delivery,
    quarantined_item,
    sign_in,
    subscription,
)
from tests.coverage.builders import run_import
from tests.precheck.builders import documents_of, read
from tests.scheduling import builders as scheduling_builders

DATA = Path(__file__).resolve().parents[2] / "src" / "loket" / "data"
pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


def session_of(user, settings) -> dict[str, str]:
    client = Client()
    sign_in(client, user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def walk(context, urls: list[str], findings: Findings, shots: Path | None, who: str) -> None:
    page = context.new_page()
    for viewport, phone in ((PHONE, True), (DESKTOP, False)):
        page.set_viewport_size(viewport)
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, f"{url}: {response.status}"
            page.wait_for_load_state("load")
            label = f"{who} {url} @{viewport['width']}"
            findings.check(page, label, phone=phone)
            if shots is not None:
                name = url.strip("/").replace("/", "_").replace("?", "_")[:40] or "root"
                suffix = "" if phone else "-desktop"
                page.screenshot(path=str(shots / f"{who}-{name}{suffix}.png"), full_page=True)
    page.close()


@pytest.mark.django_db(transaction=True)
def test_console_coverage_and_public_pages_pass_axe_and_fit_a_phone(live_server, settings):
    settings.DEMO = False
    run_import(DATA / "kia_coverage_history.csv")
    run_import(DATA / "kia_coverage_2020.csv", "2020-S2")
    supervisor = make_staff("pengawas", Role.SUPERVISOR, services=["KIA"])
    admin = make_staff("admin-loket", Role.ADMIN)
    for _ in range(3):
        make_case(state=State.QUEUED)
    case = make_case(state=State.IN_REVIEW, assigned_to=supervisor, kecamatan=KEC_A)
    add_document(case, "", content=photo(), caption="foto dari HP")  # a file not yet labelled
    add_document(case, "kk", mime="application/pdf", content=b"%PDF-1.4\n%%EOF\n")
    # What the automated pre-check read, beside the documents: a difference side by side, a
    # match, an unreadable file, one not read yet (loket.precheck).
    docs = documents_of(case)
    read(docs["kk"], kind="kk", numbers=["3603031203159999", case.subject])
    read(docs["ktp_ayah"], kind="ktp", numbers=["3603031505880001"])
    read(docs["ktp_ibu"], kind="", status="failed", error="Berkas tidak dapat dibaca (OSError).")
    for queued in Case.objects.all():
        summarise(queued)
    quarantined_delivery()
    quarantined_item()
    failed_delivery(subscription(), case)
    approved = scheduling_builders.case("KIA", name="SITI AMINAH")
    approve_case(approved)
    token = receipts.token_for(approved.bookings.get().receipts.get())

    supervisor_pages = [
        "/console/",
        "/console/antrean/KIA/",
        "/console/antrean/KIA/?urut=cocok",
        f"/console/permohonan/{case.pk}/",
        "/console/kotak-masuk/",
        "/console/laporan/",
        "/console/balasan/",
        "/console/audit/",
        "/console/hapus-data/",
        "/console/counter/",
        "/console/printing/",
        "/console/coverage/",
        "/console/coverage/trend/",
        "/console/coverage/priorities/",
        "/console/coverage/service/",
        "/console/coverage/rencana/",
        "/console/coverage/imports/",
        "/console/skm/",
        "/console/kampanye/",
    ]
    # The village operator's pages are phone-first (issue 13's form); their area needs the
    # regions an earlier transactional test may have flushed.
    if not Region.objects.exists():
        load_regions(
            Region, RegionAlias, Path(domain_regions.PACKAGED_REGION_FILE), domain_regions.PACKAGED_ALIAS_FILE
        )
    kader = make_staff("kader-pasir", Role.OPERATOR)
    StaffProfile.objects.filter(user=kader).update(desa=["36.03.03.2002"])
    operator_pages = ["/console/operator/", "/console/operator/baru/", "/console/operator/baru/KIA/"]
    admin_pages = ["/console/staf/", "/console/karantina/", "/console/webhooks/"]
    public_pages = [f"/v/{token}", "/console/login/"]

    shots = Path(os.environ["LOKET_SCREENSHOTS"]) if os.environ.get("LOKET_SCREENSHOTS") else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    findings = Findings()
    with watched_browser(live_server.url, session_of(supervisor, settings)) as (context, watch):
        walk(context, supervisor_pages, findings, shots, "pengawas")
        context.clear_cookies()
        context.add_cookies(
            [{"name": k, "value": v, "url": live_server.url} for k, v in session_of(admin, settings).items()]
        )
        walk(context, admin_pages, findings, shots, "admin")
        context.clear_cookies()
        context.add_cookies(
            [{"name": k, "value": v, "url": live_server.url} for k, v in session_of(kader, settings).items()]
        )
        walk(context, operator_pages, findings, shots, "operator")
        context.clear_cookies()
        walk(context, public_pages, findings, shots, "warga")
        watch.assert_no_violations()
    findings.assert_none()
