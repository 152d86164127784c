"""Each role × each console URL, for a case inside and a case outside the person's area.

Allowed and inside: the page (200) or the action's redirect (302). Allowed but outside the
area: 404, as if the case did not exist. Role not allowed: 403. No session: the login page.
"""

import io

import pytest
from openpyxl import load_workbook

from loket.cases.models import State
from loket.console.models import Role
from loket.privacy.models import ErasureRequest
from loket.scheduling.approval import approve_case
from loket.scheduling.receipts import verify_url
from tests.console.builders import (
    KEC_A,
    KEC_B,
    make_case,
    make_staff,
    quarantined_delivery,
    quarantined_item,
    sign_in,
    subscription,
)

pytestmark = pytest.mark.django_db

ROLES = [Role.OFFICER, Role.SUPERVISOR, Role.COUNTER, Role.ADMIN]
PICKUP = {Role.COUNTER, Role.SUPERVISOR}
# name, method, url pattern ({case}, {doc}, {code}: its receipt, {day}: its pickup day, filled
# in), roles allowed, is about one case
URLS = [
    ("home", "get", "/console/", set(ROLES), False),
    ("queue", "get", "/console/antrean/KIA/", {Role.OFFICER, Role.SUPERVISOR}, False),
    ("take", "post", "/console/antrean/KIA/ambil/", {Role.OFFICER, Role.SUPERVISOR}, False),
    ("export", "get", "/console/antrean/KIA/ekspor.csv", {Role.SUPERVISOR}, False),
    ("case", "get", "/console/permohonan/{case}/", {Role.OFFICER, Role.SUPERVISOR}, True),
    ("take_case", "post", "/console/permohonan/{case}/ambil/", {Role.OFFICER, Role.SUPERVISOR}, True),
    (
        "document",
        "get",
        "/console/permohonan/{case}/dokumen/{doc}/",
        {Role.OFFICER, Role.SUPERVISOR, Role.COUNTER},
        True,
    ),
    (
        "label",
        "post",
        "/console/permohonan/{case}/dokumen/{doc}/label/",
        {Role.OFFICER, Role.SUPERVISOR},
        True,
    ),
    ("correction", "post", "/console/permohonan/{case}/perbaikan/", {Role.OFFICER, Role.SUPERVISOR}, True),
    ("approve_page", "get", "/console/permohonan/{case}/setujui/", {Role.OFFICER, Role.SUPERVISOR}, True),
    ("approve", "post", "/console/permohonan/{case}/setujui/", {Role.OFFICER, Role.SUPERVISOR}, True),
    (
        "receipt",
        "get",
        "/console/permohonan/{case}/bukti.pdf",
        {Role.OFFICER, Role.SUPERVISOR, Role.COUNTER},
        True,
    ),
    ("reject", "post", "/console/permohonan/{case}/tolak/", {Role.OFFICER, Role.SUPERVISOR}, True),
    ("hand_over", "post", "/console/permohonan/{case}/serahkan/", {Role.OFFICER, Role.SUPERVISOR}, True),
    ("reply", "post", "/console/permohonan/{case}/balas/", {Role.OFFICER, Role.SUPERVISOR}, True),
    (
        "checklist",
        "post",
        "/console/permohonan/{case}/daftar-dokumen/",
        {Role.OFFICER, Role.SUPERVISOR},
        True,
    ),
    ("audit", "get", "/console/audit/", {Role.SUPERVISOR, Role.ADMIN}, False),
    ("reports", "get", "/console/laporan/", {Role.SUPERVISOR}, False),
    ("canned", "get", "/console/balasan/", {Role.SUPERVISOR}, False),
    ("counter", "get", "/console/counter/?hari={day}", PICKUP, False),
    ("counter_scan", "get", "/console/counter/?code={code}", PICKUP, True),
    ("counter_hand_over", "post", "/console/counter/?code={code}", PICKUP, True),
    ("printing", "get", "/console/printing/?day={day}", PICKUP, False),
    ("printing_csv", "get", "/console/printing/export.csv?day={day}", PICKUP, False),
    ("printing_xlsx", "get", "/console/printing/export.xlsx?day={day}", PICKUP, False),
    ("printing_mark", "post", "/console/printing/mark", PICKUP, False),
    ("staff", "get", "/console/staf/", {Role.ADMIN}, False),
    ("erasures", "get", "/console/hapus-data/", {Role.SUPERVISOR, Role.ADMIN}, False),
    ("erasure_confirm", "post", "/console/hapus-data/{erasure}/hapus/", {Role.SUPERVISOR, Role.ADMIN}, True),
    ("erasure_refuse", "post", "/console/hapus-data/{erasure}/tolak/", {Role.SUPERVISOR, Role.ADMIN}, True),
    # Poison set aside by the WhatsApp worker ({qd}: a quarantined delivery, {qi}: an item).
    ("quarantine", "get", "/console/karantina/", {Role.ADMIN}, False),
    ("quarantine_delivery_retry", "post", "/console/karantina/kiriman/{qd}/ulang/", {Role.ADMIN}, False),
    ("quarantine_delivery_discard", "post", "/console/karantina/kiriman/{qd}/buang/", {Role.ADMIN}, False),
    ("quarantine_item_retry", "post", "/console/karantina/item/{qi}/ulang/", {Role.ADMIN}, False),
    ("quarantine_item_discard", "post", "/console/karantina/item/{qi}/buang/", {Role.ADMIN}, False),
    # Webhooks out (loket.hooks; {hook}: a subscription within the person's kecamatan).
    ("hooks", "get", "/console/webhooks/", {Role.ADMIN}, False),
    ("hooks_ping", "post", "/console/webhooks/{hook}/uji/", {Role.ADMIN}, False),
    ("hooks_retry", "post", "/console/webhooks/{hook}/ulang/", {Role.ADMIN}, False),
    ("hooks_deactivate", "post", "/console/webhooks/{hook}/nonaktifkan/", {Role.ADMIN}, False),
]
BOOKED = "booked"  # approved through scheduling: a pickup booking with a receipt
# The state each URL's cases are in (default: in review, assigned to the person).
STATES = {
    "queue": State.QUEUED,
    "export": State.QUEUED,
    "take_case": State.QUEUED,
    "counter": BOOKED,
    "document": BOOKED,
    "receipt": BOOKED,
}
STATES.update(dict.fromkeys(["counter_scan", "counter_hand_over", "printing", "printing_mark"], BOOKED))
STATES.update(dict.fromkeys(["printing_csv", "printing_xlsx"], BOOKED))
# Lists that must show the inside case and never the outside one, per role allowed.
LISTS = {"queue", "export", "counter", "audit", "printing", "printing_csv", "printing_xlsx", "erasures"}


def _case(state, kecamatan, assignee):
    if state == BOOKED:
        case = make_case(state=State.IN_REVIEW, kecamatan=kecamatan)
        approve_case(case)
        return case
    return make_case(
        state=state, kecamatan=kecamatan, assigned_to=assignee if state == State.IN_REVIEW else None
    )


def _world(role, state=State.IN_REVIEW):
    person = make_staff(
        f"u-{role}", role, services=["KIA"] if role == Role.OFFICER else [], kecamatan=[KEC_A]
    )
    colleague = make_staff("rekan", Role.OFFICER, services=["KIA"], kecamatan=[KEC_A])
    assignee = person if role in (Role.OFFICER, Role.SUPERVISOR) else None
    return person, colleague, _case(state, KEC_A, assignee), _case(state, KEC_B, assignee)


def _booking(case):
    return case.bookings.filter(status="active").first()


def _erasure(case):
    """The case's resident asked for erasure (loket.privacy); one pending request each."""
    return ErasureRequest.objects.get_or_create(resident=case.resident, status="pending")[0]


def _url(pattern, case):
    booking = _booking(case)
    return pattern.format(
        case=case.pk,
        erasure=_erasure(case).pk if "{erasure}" in pattern else "",
        doc=case.documents.first().pk,
        code=verify_url(booking.receipts.get()) if "{code}" in pattern else "",
        day=booking.day.isoformat() if "{day}" in pattern else "",
        qd=quarantined_delivery().pk if "{qd}" in pattern else "",
        qi=quarantined_item().pk if "{qi}" in pattern else "",
        hook=subscription().pk if "{hook}" in pattern else "",
    )


def _data(name, colleague, cases):
    if name == "printing_mark":
        return {"day": _booking(cases[0]).day.isoformat(), "booking": [_booking(c).pk for c in cases]}
    return {
        "label": {"label": "kk"},
        "approve": {"confirm": "1"},
        "correction": {"label": ["kk"], "reason_kk": ["buram"]},
        "reject": {"reason": "Bukan warga kabupaten ini.", "instead": "Ajukan di Dukcapil domisili."},
        "hand_over": {"to": colleague.pk},
        "reply": {"text": "Terima kasih."},
        "checklist": {"single_parent": "1"},
        "erasure_refuse": {"reason": "Masih diperlukan."},
        "counter_hand_over": {
            "action": "serahkan",
            "relation": "orang_tua",
            "recipient_name": "Ahmad",
            "identity_document": "KTP-el",
        },
    }.get(name, {})


def _text(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(response.content)).active
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method,pattern,allowed,per_case", URLS, ids=[u[0] for u in URLS])
def test_role_by_url_inside_and_outside_the_area(client, role, name, method, pattern, allowed, per_case):
    person, colleague, inside, outside = _world(role, STATES.get(name, State.IN_REVIEW))
    if name == "erasures":
        _erasure(inside), _erasure(outside)
    if name == "audit":
        from loket.console.models import AuditEntry

        AuditEntry.objects.create(action="view_case", case=inside, detail="inside")
        AuditEntry.objects.create(action="view_case", case=outside, detail="outside")
    sign_in(client, person)
    call = getattr(client, method)
    if per_case:
        inside_response = call(_url(pattern, inside), _data(name, colleague, [inside]))
        outside_response = call(_url(pattern, outside), _data(name, colleague, [outside]))
        if role not in allowed:
            assert (inside_response.status_code, outside_response.status_code) == (403, 403)
            return
        assert inside_response.status_code == (200 if method == "get" else 302)
        assert outside_response.status_code == 404
        return
    response = call(_url(pattern, inside), _data(name, colleague, [inside, outside]))
    if role not in allowed:
        assert response.status_code == 403
        return
    assert response.status_code == (200 if method == "get" else 302)
    if name == "printing_mark":
        inside.refresh_from_db(), outside.refresh_from_db()
        assert (inside.state, outside.state) == (State.READY_FOR_PICKUP, State.APPROVED)
    if name in LISTS:
        body = _text(response)
        if name == "audit":
            assert "inside" in body and "outside" not in body
        elif name == "erasures":
            assert f"Permintaan #{_erasure(inside).pk}" in body
            assert f"Permintaan #{_erasure(outside).pk}" not in body
        else:
            assert inside.request_number in body
            assert outside.request_number not in body


@pytest.mark.parametrize("name,method,pattern,allowed,per_case", URLS, ids=[u[0] for u in URLS])
def test_without_a_session_every_console_url_goes_to_the_login_page(
    client, name, method, pattern, allowed, per_case
):
    case = _case(STATES.get(name, State.QUEUED), KEC_A, None)
    response = getattr(client, method)(_url(pattern, case))
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=")


def test_a_password_only_session_is_not_enough(client):
    user = make_staff("petugas", Role.OFFICER, services=["KIA"])
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/console/")["Location"].startswith("/console/login/")


def test_an_officer_sees_only_the_services_they_handle(client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    kk_case = make_case(service="KK", docs=("kk", "ktp_el"))
    sign_in(client, officer)
    assert client.get("/console/antrean/KK/").status_code == 404
    assert client.get(f"/console/permohonan/{kk_case.pk}/").status_code == 404


def test_a_regency_wide_supervisor_sees_every_kecamatan(client):
    supervisor = make_staff("sup", Role.SUPERVISOR)
    a, b = make_case(kecamatan=KEC_A), make_case(kecamatan=KEC_B)
    sign_in(client, supervisor)
    body = client.get("/console/antrean/KIA/").content.decode()
    assert a.request_number in body and b.request_number in body


def test_an_officer_cannot_act_on_a_case_another_officer_reviews(client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    other = make_staff("lain", Role.OFFICER, services=["KIA"])
    case = make_case(state=State.IN_REVIEW, assigned_to=other)
    sign_in(client, officer)
    client.post(f"/console/permohonan/{case.pk}/setujui/")
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
