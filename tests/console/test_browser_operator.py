"""A village operator on a phone (360×740) fills a KIA request for a parent, in Chromium under
the Content-Security-Policy: a wrong NIK is explained in the typed format's words, the photos
go in through the camera inputs, the parent's consent arrives through the signed webhook, and
the operator's list shows the request queued. No sideways scrolling, 44px targets."""

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loket.cases.models import Case, State
from loket.console.models import Role, StaffProfile
from loket.domain import regions as domain_regions
from loket.regions.loading import load_regions
from loket.regions.models import Region, RegionAlias
from tests.browser_csp import needs_chromium, watched_browser
from tests.console.builders import PASSWORD, current_code, make_staff
from tests.console.builders import sign_in as sign_in_client
from tests.whatsapp.inbound import deliver, jpeg, message, office_numbers, work

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    needs_chromium,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}
PARENT = "6281298765432"
DOCS = ["akta_kelahiran", "ktp_ayah", "ktp_ibu", "kk", "pas_foto"]
SHOTS = Path(os.environ.get("LOKET_SCREENSHOTS", "/tmp/loket-screenshots"))


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg(), content_type="image/jpeg")


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url
    small = page.evaluate(
        """[...document.querySelectorAll('main input:not([type=hidden]):not([type=checkbox]), main select, main button, main a.op-button, main a.op-choice')]
           .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
           .map(e => e.id || e.name || e.textContent.trim())"""
    )
    assert not small, f"targets under 44px: {small}"


def test_an_operator_submits_from_a_phone_and_the_parent_agrees(settings, live_server, fake_graph):
    if not Region.objects.exists():  # an earlier transactional test flushed the migrated rows
        load_regions(
            Region, RegionAlias, Path(domain_regions.PACKAGED_REGION_FILE), domain_regions.PACKAGED_ALIAS_FILE
        )
    settings.LOKET_WA_PAIR_BURST = 100
    office_numbers()
    kader = make_staff("kader-pasir", Role.OPERATOR)
    StaffProfile.objects.filter(user=kader).update(desa=["36.03.03.2002", "36.03.03.2003"])
    SHOTS.mkdir(parents=True, exist_ok=True)

    with watched_browser(live_server.url) as (context, watch):
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.set_viewport_size(PHONE)
        page.goto("/console/")
        page.fill("input[name=username]", kader.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.fill("input[name=token]", current_code(kader))
        page.click("button[type=submit]")
        page.wait_for_url("**/console/operator/")
        _fits_the_phone(page)

        page.click("#new-request")
        page.wait_for_url("**/console/operator/baru/")
        _fits_the_phone(page)
        page.click("a.op-choice:has-text('KIA')")
        page.wait_for_url("**/console/operator/baru/KIA/")
        _fits_the_phone(page)

        # A NIK one digit short: the typed format's explanation, at the field.
        page.get_by_label("NIK anak (16 angka)").fill("360303551218000")
        page.get_by_label("Nomor Kartu Keluarga (16 angka)").fill("3603031203150007")
        page.get_by_label("Nama anak").fill("Siti Aminah")
        page.select_option("#f-desa", "36.03.03.2002")
        page.get_by_label("Nomor WhatsApp orang tua/wali").fill("0812-9876-5432")
        for n, key in enumerate(DOCS, 1):
            page.set_input_files(
                f"#f-doc_{key}",
                {"name": f"{key}.jpg", "mimeType": "image/jpeg", "buffer": jpeg((40 * n, 90, 120))},
            )
        with page.expect_navigation():
            page.click("#submit")
        error = page.locator("#e-nik")
        assert "NIK harus 16 angka, yang Anda tulis 15 angka" in error.inner_text()
        assert error.get_attribute("role") == "alert"
        assert page.get_attribute("#f-nik", "aria-invalid") == "true"
        assert page.input_value("#f-nama") == "Siti Aminah"  # what was typed stays
        assert not Case.objects.exists()
        _fits_the_phone(page)
        page.screenshot(path=str(SHOTS / "operator-form-error.png"), full_page=True)

        # Corrected; the browser does not keep files across a refused form: photos again
        # (all but the child's photo, added afterwards from the request's page).
        page.get_by_label("NIK anak (16 angka)").fill("3603035512180003")
        for n, key in enumerate(DOCS[:-1], 1):
            page.set_input_files(
                f"#f-doc_{key}",
                {"name": f"{key}.jpg", "mimeType": "image/jpeg", "buffer": jpeg((40 * n, 90, 120))},
            )
        with page.expect_navigation():
            page.click("#submit")
        case = Case.objects.get()
        page.wait_for_url(f"**/console/operator/permohonan/{case.pk}/")
        assert page.inner_text("#request-number") == case.request_number
        assert "Menunggu persetujuan orang tua/wali" in page.inner_text("#state")
        assert "3603035512180003" not in page.content()
        _fits_the_phone(page)
        page.screenshot(path=str(SHOTS / "operator-submitted.png"), full_page=True)
        page.set_input_files(
            "#add-pas_foto", {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": jpeg((90, 120, 40))}
        )
        with page.expect_navigation():
            page.click("#add-documents button[type=submit]")
        assert "1 foto ditambahkan." in page.inner_text("main")
        assert page.locator("#add-documents").count() == 0

        # The parent receives the one template and presses "Saya setuju".
        work()
        assert [s.type for s in fake_graph.sent_to(PARENT)] == ["template"]
        deliver(message("button", payload="consent:yes", text="Saya setuju"), wa_id=PARENT, bsuid="")
        case.refresh_from_db()
        assert (case.source, case.state) == ("operator", State.QUEUED)

        page.goto("/console/operator/")
        item = page.locator("#submissions li", has_text=case.request_number)
        assert "Lengkap, dalam antrean" in item.inner_text()
        assert "3603 •••• •••• 0003" in item.inner_text()
        _fits_the_phone(page)
        page.screenshot(path=str(SHOTS / "operator-list.png"), full_page=True)
        watch.assert_no_violations()


def test_an_officer_decides_on_a_paper_consent_from_the_case_page(settings, live_server, client):
    if not Region.objects.exists():
        load_regions(
            Region, RegionAlias, Path(domain_regions.PACKAGED_REGION_FILE), domain_regions.PACKAGED_ALIAS_FILE
        )
    office_numbers()
    kader = make_staff("kader-pasir", Role.OPERATOR)
    StaffProfile.objects.filter(user=kader).update(desa=["36.03.03.2002"])
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in_client(client, kader)
    token = client.get("/console/operator/baru/KIA/").context["token"]
    files = {f"doc_{key}": upload(f"{key}.jpg") for key in DOCS}
    response = client.post(
        "/console/operator/baru/KIA/",
        {
            "token": token,
            "nik": "3603035512180003",
            "no_kk": "3603031203150007",
            "nama": "Siti Aminah",
            "desa": "36.03.03.2002",
            "tanpa_wa": "1",
            "persetujuan": upload("surat.jpg"),
            **files,
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    sign_in_client(client, officer)
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    with watched_browser(live_server.url, cookies) as (context, watch):
        page = context.new_page()  # the officer's desk (the case page's phone layout is its own work)
        page.goto(f"/console/permohonan/{case.pk}/")
        flag = page.locator("#operator-submission")
        assert "Perlu keputusan petugas" in flag.inner_text()
        flag.screenshot(path=str(SHOTS / "officer-paper-consent.png"))
        with page.expect_navigation():
            page.click("#paper-accept")
        assert "Persetujuan tertulis dicatat sah." in page.inner_text("main")
        case.refresh_from_db()
        assert case.state == State.QUEUED
        watch.assert_no_violations()
