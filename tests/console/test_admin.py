"""/admin/ is no back door: second factor first, personal data read only, masked, audited."""

from __future__ import annotations

import io

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from loket.cases.models import Case, Document, Resident, State
from loket.channels.whatsapp.models import (
    CaseConsent,
    Conversation,
    Delivery,
    InboundMessage,
    OutboundMessage,
)
from loket.console import demo
from loket.console.models import AuditEntry, Role
from loket.scheduling.models import OfficeClosure
from tests.admin_helpers import ADMIN_PASSWORD, admin_sign_in, code_for, make_superuser
from tests.console.builders import PASSWORD, make_case, make_resident, make_staff, sign_in
from tests.scheduling.builders import schedule as schedule_for

pytestmark = pytest.mark.django_db

NIK = "3603035512180003"
PHONE = "6281234567890"

# Residents, cases, documents and messages: read only and audited in the admin.
PERSONAL = [
    "cases/resident",
    "cases/case",
    "cases/document",
    "cases/correction",
    "whatsapp/inboundmessage",
    "whatsapp/outboundmessage",
    "whatsapp/delivery",
    "whatsapp/conversation",
    "whatsapp/caseconsent",
]


def personal_data() -> dict[str, object]:
    """One row of every personal model, carrying a whole NIK and phone number."""
    resident = make_resident(phone=PHONE, wa_id=PHONE, profile_name="Siti Aminah")
    case = make_case(state=State.QUEUED, subject=NIK, resident=resident, docs=("kk",), consent=False)
    case.corrections.create(officer=None)
    delivery = Delivery.objects.create(body=f'{{"text": "#KIA#{NIK}"}}'.encode())
    inbound = InboundMessage.objects.create(
        wamid="wamid.ADMIN-T",
        delivery=delivery,
        phone_number_id="1001",
        resident=resident,
        type="text",
        sent_at=timezone.now(),
        payload={"text": {"body": f"#KIA#{NIK}"}},
        summary=f"#KIA#{NIK}",
    )
    outbound = OutboundMessage.objects.create(
        resident=resident, case=case, text=f"NIK {NIK}", recipient=PHONE
    )
    conversation = Conversation.objects.create(resident=resident)
    consent = CaseConsent.objects.create(case=case, notice_version="1")
    return {
        "cases/resident": resident,
        "cases/case": case,
        "cases/document": case.documents.get(),
        "cases/correction": case.corrections.get(),
        "whatsapp/inboundmessage": inbound,
        "whatsapp/outboundmessage": outbound,
        "whatsapp/delivery": delivery,
        "whatsapp/conversation": conversation,
        "whatsapp/caseconsent": consent,
    }


def every_admin_url(objects: dict[str, object]) -> list[str]:
    urls = ["/admin/", "/admin/cases/", "/admin/otp_totp/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls += [base, f"{base}add/"]
        row = model._default_manager.first()
        if row is not None:
            urls.append(f"{base}{row.pk}/change/")
    return urls


# --- the second factor comes first -------------------------------------------------------


def test_a_password_only_session_opens_no_admin_page_and_lists_no_model(client):
    objects = personal_data()
    user = make_superuser()
    assert client.login(username="root", password=ADMIN_PASSWORD)  # password only
    urls = every_admin_url(objects)
    assert len(urls) > 40
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    page = client.get("/admin/login/?next=/admin/")
    html = page.content.decode()
    assert "Kode verifikasi" in html and "/admin/cases/" not in html and NIK not in html
    assert not AuditEntry.objects.filter(actor=user, action="admin_view").exists()


def test_the_admin_login_form_refuses_a_password_without_its_code(client):
    make_superuser()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "root", "password": ADMIN_PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_wrong_code_is_refused_and_audited(client):
    user = make_superuser()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "root", "password": ADMIN_PASSWORD, "token": "000000", "next": "/admin/"},
    )
    assert response.status_code == 200
    assert "Kode salah atau kedaluwarsa" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(actor=user, action="login_failed_token").count() == 1


def test_an_account_without_a_device_is_told_so(client):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("tanpa", "", ADMIN_PASSWORD)
    response = client.post(
        "/admin/login/",
        {"username": "tanpa", "password": ADMIN_PASSWORD, "token": "123456", "next": "/admin/"},
    )
    assert "belum memiliki faktor kedua" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_and_code_open_the_admin_and_the_sign_in_is_audited(client):
    user = make_superuser()
    response = admin_sign_in(client, user)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    html = client.get("/admin/").content.decode()
    for model in ["cases/case", "cases/resident", "scheduling/officeclosure", "otp_totp/totpdevice"]:
        assert f"/admin/{model}/" in html, model
    assert AuditEntry.objects.filter(actor=user, action="admin_login").count() == 1
    client.post("/admin/logout/")
    assert AuditEntry.objects.filter(actor=user, action="admin_logout").count() == 1
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


# --- who may use the admin at all ----------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.COUNTER])
def test_console_roles_other_than_administrator_never_reach_the_admin(role):
    user = make_staff(f"staf-{role}", role, services=["KIA"])
    user.is_staff = True  # even with Django's flag set by mistake
    user.save()
    verified = Client()
    sign_in(verified, user)  # password and code, through the console
    assert verified.get("/admin/")["Location"].startswith("/admin/login/")
    form = Client().post(
        "/admin/login/", {"username": user.username, "password": PASSWORD, "token": code_for(user)}
    )
    assert "tidak boleh membuka admin" in form.content.decode()


def test_a_plain_account_without_a_profile_never_reaches_the_admin():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("biasa", password=PASSWORD, is_staff=True)
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    client = Client()
    response = client.post(
        "/admin/login/", {"username": "biasa", "password": PASSWORD, "token": code_for(user)}
    )
    assert "tidak boleh membuka admin" in response.content.decode()
    sign_in(client, user)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_console_administrator_with_staff_status_signs_in_with_the_code():
    user = make_staff("administrator", Role.ADMIN)
    client = Client()
    refused = client.post(
        "/admin/login/", {"username": "administrator", "password": PASSWORD, "token": code_for(user)}
    )
    assert "tidak boleh membuka admin" in refused.content.decode()  # no is_staff yet
    user.is_staff = True
    user.save()
    response = client.post(
        "/admin/login/", {"username": "administrator", "password": PASSWORD, "token": code_for(user)}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    # Without model permissions granted by a superuser it sees nothing of the residents.
    assert client.get("/admin/cases/resident/").status_code == 403


# --- personal data: read only, masked, audited ---------------------------------------------


def test_lists_of_personal_data_are_masked_and_every_view_is_audited(admin_client, admin_user):
    objects = personal_data()
    for model in PERSONAL:
        before = AuditEntry.objects.filter(actor=admin_user, action="admin_view").count()
        listing = admin_client.get(f"/admin/{model}/")
        assert listing.status_code == 200, model
        html = listing.content.decode()
        assert NIK not in html and PHONE not in html and "Siti Aminah" not in html, model
        detail = admin_client.get(f"/admin/{model}/{objects[model].pk}/change/")
        assert detail.status_code == 200, model
        views = AuditEntry.objects.filter(actor=admin_user, action="admin_view").order_by("pk")
        assert views.count() == before + 2, model
        label = model.replace("/", ".")
        assert views.last().detail == f"{label} #{objects[model].pk}"
        assert all(NIK not in e.detail and PHONE not in e.detail for e in views)
    assert "3603 •••• •••• 0003" in admin_client.get("/admin/cases/case/").content.decode()
    assert (
        f"#{objects['cases/resident'].pk} · •••• 7890"
        in admin_client.get("/admin/cases/resident/").content.decode()
    )
    case_view = AuditEntry.objects.filter(
        action="admin_view", detail=f"cases.case #{objects['cases/case'].pk}"
    )
    assert case_view.get().case == objects["cases/case"]
    document = objects["cases/document"]
    assert (
        AuditEntry.objects.get(action="admin_view", detail=f"cases.document #{document.pk}").document
        == document
    )


def test_personal_data_cannot_be_added_changed_or_deleted_in_the_admin(admin_client):
    objects = personal_data()
    case = objects["cases/case"]
    for model in PERSONAL:
        pk = objects[model].pk
        assert admin_client.get(f"/admin/{model}/add/").status_code == 403, model
        assert admin_client.post(f"/admin/{model}/add/", {}).status_code == 403, model
        change = admin_client.get(f"/admin/{model}/{pk}/change/")
        assert 'name="_save"' not in change.content.decode(), model  # shown read only
        assert admin_client.post(f"/admin/{model}/{pk}/change/", {"state": "approved"}).status_code == 403
        if model != "cases/resident":
            assert admin_client.post(f"/admin/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403
    listing = admin_client.get("/admin/cases/case/").content.decode()
    assert "delete_selected" not in listing
    case.refresh_from_db()
    assert case.state == State.QUEUED
    assert Case.objects.count() == 1 and Document.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_closures_capacities_and_totp_devices_stay_editable(admin_client, admin_user):
    response = admin_client.post(
        "/admin/scheduling/officeclosure/add/", {"date": "2026-12-30", "reason": "Rapat"}
    )
    assert response.status_code == 302 and OfficeClosure.objects.count() == 1
    schedule = schedule_for("KIA")
    assert _post_back(
        admin_client, f"/admin/scheduling/serviceschedule/{schedule.pk}/change/", capacity_day=7
    )
    schedule.refresh_from_db()
    assert schedule.capacity_day == 7
    device = TOTPDevice.objects.get(user=admin_user)
    assert _post_back(admin_client, f"/admin/otp_totp/totpdevice/{device.pk}/change/", name="ponsel kantor")
    device.refresh_from_db()
    assert device.name == "ponsel kantor"
    assert not AuditEntry.objects.filter(action="admin_view").exists()  # nothing personal seen


def _post_back(client, url: str, **changes) -> bool:
    """Submit a change form with its own initial values, some changed; True on success."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            else:
                del data[name]
    data.update(changes)
    response = client.post(url, data)
    return response.status_code == 302


# --- deleting a resident ---------------------------------------------------------------------


def test_deleting_a_resident_with_an_open_case_is_refused_with_the_reason(admin_client, admin_user):
    objects = personal_data()
    resident = objects["cases/resident"]
    url = f"/admin/cases/resident/{resident.pk}/delete/"
    for response in (
        admin_client.get(url, follow=True),
        admin_client.post(url, {"post": "yes"}, follow=True),
    ):
        html = response.content.decode()
        assert "belum dapat dihapus" in html and objects["cases/case"].request_number in html
    assert Resident.objects.filter(pk=resident.pk).exists()
    assert Case.objects.count() == 1 and Document.objects.count() == 1
    assert AuditEntry.objects.filter(actor=admin_user, action="admin_delete_refused").count() == 2


def test_deleting_a_resident_without_an_open_case_removes_what_is_theirs_and_is_audited(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    objects = personal_data()
    resident, case = objects["cases/resident"], objects["cases/case"]
    case.move_to(State.CANCELLED, source="console")
    file_name = objects["cases/document"].file.name
    assert default_storage.exists(file_name)
    other = make_case(state=State.QUEUED, consent=False)  # someone else's request stays
    url = f"/admin/cases/resident/{resident.pk}/delete/"
    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert "dokumen: 1" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion committed
        response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "Siti Aminah" not in response.content.decode()
    assert not Resident.objects.filter(pk=resident.pk).exists()
    assert list(Case.objects.all()) == [other]
    assert Document.objects.filter(resident=resident.pk).count() == 0
    for model in (InboundMessage, OutboundMessage, Conversation, CaseConsent):
        assert not model.objects.exists(), model
    assert Delivery.objects.count() == 1  # shared webhook deliveries go with the retention purge
    assert not default_storage.exists(file_name)
    deleted = AuditEntry.objects.get(actor=admin_user, action="admin_delete")
    assert deleted.detail.startswith(f"cases.resident #{resident.pk}")
    assert "cases.Case=1" in deleted.detail and "cases.Document=1" in deleted.detail
    assert "Siti" not in deleted.detail and PHONE not in deleted.detail
    assert AuditEntry.objects.filter(action="admin_view", detail__contains="konfirmasi hapus").count() == 1
    log = LogEntry.objects.get()
    assert log.object_repr == f"pemohon #{resident.pk}"


def test_the_resident_list_offers_no_bulk_delete(admin_client):
    personal_data()
    html = admin_client.get("/admin/cases/resident/").content.decode()
    assert "delete_selected" not in html


# --- the demo ---------------------------------------------------------------------------------


def test_the_demo_enrols_a_second_factor_for_its_admin_and_prints_it():
    out = io.StringIO()
    demo.load(out)
    demo.load(io.StringIO())  # idempotent
    device = TOTPDevice.objects.get(user__username=demo.DEMO_ADMIN[0])
    assert device.user.is_superuser and device.confirmed
    text = out.getvalue()
    assert demo.totp_secret(device) in text and demo.DEMO_ADMIN[1] in text
    assert admin_sign_in(Client(), device.user, password=demo.DEMO_ADMIN[1]).status_code == 302


def test_scheduling_records_are_read_only_and_audited_too(admin_client, admin_user):
    from loket.scheduling.models import HandOver

    case = make_case(state=State.APPROVED)
    hand_over = HandOver.objects.create(case=case, method="counter", recipient_name="Budi Santoso")
    assert "Budi Santoso" not in admin_client.get("/admin/scheduling/handover/").content.decode()
    assert admin_client.get(f"/admin/scheduling/handover/{hand_over.pk}/change/").status_code == 200
    assert (
        admin_client.post(f"/admin/scheduling/handover/{hand_over.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert HandOver.objects.filter(pk=hand_over.pk).exists()
    seen = AuditEntry.objects.filter(
        actor=admin_user, action="admin_view", detail__startswith="scheduling.handover"
    )
    assert seen.count() == 2 and seen.order_by("pk").last().case == case


def test_a_console_administrator_verified_in_the_console_is_verified_for_the_admin():
    user = make_staff("administrator", Role.ADMIN)
    user.is_staff = True
    user.save()
    client = Client()
    sign_in(client, user)
    assert client.get("/admin/").status_code == 200


def test_failed_admin_passwords_are_throttled_like_the_consoles(settings, client):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    user = make_superuser()
    for _ in range(3):
        client.post("/admin/login/", {"username": "root", "password": "salah-sekali", "token": "123456"})
    response = client.post(
        "/admin/login/", {"username": "root", "password": ADMIN_PASSWORD, "token": code_for(user)}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_erase_resident_refuses_an_open_case_under_lock_and_deletes_nothing():
    from loket.cases.erasure import ResidentHasOpenCase, erase_resident

    objects = personal_data()
    resident = objects["cases/resident"]
    with pytest.raises(ResidentHasOpenCase, match="belum dapat dihapus"):
        erase_resident(resident)
    assert Resident.objects.filter(pk=resident.pk).exists()
    assert InboundMessage.objects.count() == 1 and OutboundMessage.objects.count() == 1


def test_erase_resident_takes_unfiled_files_of_a_resident_without_cases(django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    from loket.cases.erasure import erase_resident

    resident = make_resident(phone=PHONE)
    unfiled = Document(resident=resident, label="", mime_type="image/jpeg")
    unfiled.file.save("foto.jpg", ContentFile(b"\xff\xd8\xff"), save=True)
    kept = make_case(state=State.COLLECTED)  # another resident's, finished: untouched
    with django_capture_on_commit_callbacks(execute=True):
        deleted = erase_resident(resident)
    assert deleted == {"cases.Document": 1, "cases.Resident": 1}
    assert not default_storage.exists(unfiled.file.name)
    assert Case.objects.get() == kept and kept.documents.count() == 4
