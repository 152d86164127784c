"""Assisted submission by village operators: the role, its area, the form, the parent's consent.

Through the real console views, the real parser and file check, the outbox sending to our
fake Graph API, and the parent's answer through the signed webhook.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from loket.cases.models import Case, Document, State
from loket.cases.workflow import consent_missing
from loket.channels.whatsapp.models import CaseConsent, OutboundMessage
from loket.console.models import AuditEntry, OperatorSubmission, Role, StaffProfile
from loket.domain.intake import parse
from tests import hostile_files
from tests.approvable import tiny_jpeg
from tests.console.builders import KEC_A, KEC_B, make_case, make_staff, sign_in
from tests.whatsapp.inbound import (
    KIA_NUMBER,
    deliver,
    inbound_settings,  # noqa: F401 - autouse: secrets, the fake Graph API, files in tmp
    message,
    office_numbers,
    work,
)

pytestmark = pytest.mark.django_db

PASIR_BOLANG = "36.03.03.2002"  # a desa of Tigaraksa (KEC_A)
SUKAMANTRI = "36.03.12.2008"  # a desa of Pasar Kemis (KEC_B)
CHILD_NIK = "3603035512180003"  # a girl born 15-12-2018 in Tigaraksa
KK = "3603031203150007"
PARENT = "6281298765432"
KIA_DOCS = ("akta_kelahiran", "ktp_ayah", "ktp_ibu", "kk", "pas_foto")  # the girl is 7: a photo too


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def operator(username="kader-pasir", *, desa=(PASIR_BOLANG,), kecamatan=()):
    user = make_staff(username, Role.OPERATOR, kecamatan=kecamatan)
    StaffProfile.objects.filter(user=user).update(desa=list(desa))
    return user


def photo(name="foto.jpg", data=None):
    return SimpleUploadedFile(name, data or tiny_jpeg(), content_type="image/jpeg")


def kia_form(client, **overrides):
    """GET the form (for its one-time token), then the fields of a valid KIA request."""
    page = client.get("/console/operator/baru/KIA/")
    assert page.status_code == 200
    data = {
        "token": page.context["token"],
        "nik": CHILD_NIK,
        "no_kk": KK,
        "nama": "Siti Aminah",
        "desa": PASIR_BOLANG,
        "telepon": "0812 9876 5432",
    }
    data.update({f"doc_{key}": photo(f"{key}.jpg") for key in KIA_DOCS})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- loket staff add … --role operator ------------------------------------------------------


def test_staff_add_operator_with_desa_or_kecamatan():
    call_command(
        "staff", "add", "kader1", "--role", "operator", "--desa", PASIR_BOLANG, "--password", "x" * 10
    )
    call_command(
        "staff",
        "add",
        "kader2",
        "--role",
        "operator",
        "--kecamatan",
        f"{KEC_A},{KEC_B}",
        "--password",
        "x" * 10,
    )
    one = StaffProfile.objects.get(user__username="kader1")
    two = StaffProfile.objects.get(user__username="kader2")
    assert (one.role, one.desa, one.kecamatan) == (Role.OPERATOR, [PASIR_BOLANG], [])
    assert (two.desa, two.kecamatan) == ([], [KEC_A, KEC_B])


@pytest.mark.parametrize(
    "args,said",
    [
        ([], "harus punya wilayah"),
        (["--desa", "36.03.03.9999"], "tidak dikenal"),
        (["--desa", KEC_A], "tidak dikenal"),  # a kecamatan code is not a desa
        (["--kecamatan", PASIR_BOLANG], "tidak dikenal"),
        (["--desa", "32.01.01.2001"], "tidak dikenal"),  # outside the office's regency
    ],
)
def test_staff_add_operator_refused_without_a_valid_area(args, said):
    with pytest.raises(CommandError, match=said):
        call_command("staff", "add", "kader", "--role", "operator", *args, "--password", "x" * 10)
    assert not StaffProfile.objects.exists()


def test_the_command_line_exits_non_zero_with_the_reason():
    # `manage.py`/`loket` turn a CommandError into its message on stderr and sys.exit(returncode).
    with pytest.raises(CommandError) as refused:
        call_command("staff", "add", "kader", "--role", "operator", "--password", "x" * 10)
    assert refused.value.returncode != 0
    assert "Operator desa/kelurahan harus punya wilayah" in str(refused.value)


def test_desa_is_only_for_operators():
    with pytest.raises(CommandError, match="hanya untuk operator"):
        call_command(
            "staff",
            "add",
            "p",
            "--role",
            "officer",
            "--services",
            "KIA",
            "--desa",
            PASIR_BOLANG,
            "--password",
            "x" * 10,
        )


# --- least privilege ---------------------------------------------------------------------------

OPERATOR_URLS = [
    ("get", "/console/operator/"),
    ("get", "/console/operator/baru/"),
    ("get", "/console/operator/baru/KIA/"),
    ("post", "/console/operator/baru/KIA/"),
    ("get", "/console/operator/permohonan/{case}/"),
    ("post", "/console/operator/permohonan/{case}/dokumen/"),
]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.COUNTER, Role.ADMIN])
@pytest.mark.parametrize("method,url", OPERATOR_URLS)
def test_other_roles_cannot_use_the_operator_pages(client, role, method, url):
    case = make_case(kecamatan=KEC_A)
    person = make_staff(f"u-{role}", role, services=["KIA"], kecamatan=[KEC_A])
    sign_in(client, person)
    assert getattr(client, method)(url.format(case=case.pk)).status_code == 403


def test_without_a_session_the_operator_pages_ask_for_login(client):
    for method, url in OPERATOR_URLS:
        response = getattr(client, method)(url.format(case=1))
        assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_an_operators_home_is_their_list_and_the_menu_offers_nothing_else(client):
    sign_in(client, operator())
    response = client.get("/console/", follow=True)
    assert response.redirect_chain[-1][0] == "/console/operator/"
    body = response.content.decode()
    for other in (
        "/console/kotak-masuk/",
        "/console/antrean/",
        "/console/audit/",
        "/coverage",
        "/console/staf/",
    ):
        assert other not in body


def test_an_operator_without_an_area_is_refused_the_form(client):
    sign_in(client, operator(desa=()))
    assert client.get("/console/operator/baru/").status_code == 403
    assert client.get("/console/operator/baru/KIA/").status_code == 403


# --- the form: validation with the typed format's words --------------------------------------


def test_form_offers_only_the_operators_desa_and_camera_photos(client):
    sign_in(client, operator(desa=(PASIR_BOLANG,)))
    body = client.get("/console/operator/baru/KIA/").content.decode()
    assert PASIR_BOLANG in body and SUKAMANTRI not in body
    assert body.count('capture="environment"') == 6  # five KIA documents and the paper consent
    assert 'accept="image/*"' in body
    assert "NIK anak (16 angka)" in body and 'for="f-nik"' in body


def test_a_wrong_nik_reads_as_the_typed_format_explains_it(client):
    sign_in(client, operator())
    response = client.post("/console/operator/baru/KIA/", kia_form(client, nik="36030355121800"))
    assert response.status_code == 422
    expected = next(
        p.text
        for p in parse(f"#KIA#36030355121800#{KK}#SITI AMINAH#PASIR BOLANG#TIGARAKSA").problems
        if p.field == "nik"
    )
    body = response.content.decode()
    assert expected in body
    assert 'aria-invalid="true"' in body and 'role="alert"' in body
    assert not Case.objects.exists()
    assert AuditEntry.objects.filter(action="operator_refused", detail__contains="nik").exists()


def test_missing_fields_and_a_bad_phone_are_all_named_at_once(client):
    sign_in(client, operator())
    response = client.post("/console/operator/baru/KIA/", kia_form(client, nama="", telepon="12345"))
    body = response.content.decode()
    assert response.status_code == 422
    assert "Nama anak belum diisi." in body
    assert "Nomor WhatsApp orang tua/wali belum benar" in body
    assert not Case.objects.exists()


def test_a_desa_outside_the_operators_area_is_refused_with_the_other_problems(client):
    sign_in(client, operator(desa=(PASIR_BOLANG,)))
    response = client.post(
        "/console/operator/baru/KIA/", kia_form(client, desa=SUKAMANTRI, no_kk="36030312031500")
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Pilih desa/kelurahan di wilayah Anda." in body
    assert "Nomor KK harus 16 angka, yang Anda tulis 14 angka." in body  # named at once
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "bad", [hostile_files.exe(), hostile_files.truncated_jpeg(), hostile_files.png_bomb()]
)
def test_a_hostile_file_is_refused_and_nothing_is_opened(client, bad):
    sign_in(client, operator())
    response = client.post("/console/operator/baru/KIA/", kia_form(client, doc_kk=photo("kk.jpg", bad)))
    assert response.status_code == 422
    assert "Kartu Keluarga (KK): berkas ditolak" in response.content.decode()
    assert not Case.objects.exists() and not Document.objects.exists()


def test_a_polyglot_photo_is_kept_only_as_its_clean_re_encoded_copy(client):
    sign_in(client, operator())
    response = client.post(
        "/console/operator/baru/KIA/", kia_form(client, doc_kk=photo("kk.jpg", hostile_files.polyglot()))
    )
    assert response.status_code == 302
    stored = Document.objects.get(label="kk").file.read()
    assert stored.startswith(b"\xff\xd8\xff")
    assert hostile_files.SCRIPT not in stored and hostile_files.ZIP_MARKER not in stored


# --- submitting, the parent's consent through WhatsApp ---------------------------------------


def test_submission_opens_the_case_and_the_parent_answers_one_template(client, fake_graph):
    kader = operator()
    sign_in(client, kader)
    response = client.post("/console/operator/baru/KIA/", kia_form(client))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/operator/permohonan/{case.pk}/"
    typed = parse(f"#KIA#{CHILD_NIK}#{KK}#SITI AMINAH#PASIR BOLANG#TIGARAKSA")
    assert (case.source, case.service, case.subject, case.kode_desa) == (
        "operator",
        "KIA",
        CHILD_NIK,
        PASIR_BOLANG,
    )
    assert case.fields == {k: str(v) if not isinstance(v, str) else v for k, v in typed.fields.items()}
    assert case.resident.wa_id == PARENT and case.resident.channel_number == KIA_NUMBER
    assert sorted(d.label for d in case.documents.all()) == sorted(KIA_DOCS)
    assert all(d.mime_type == "image/jpeg" and d.sha256 for d in case.documents.all())
    assert OperatorSubmission.objects.get().operator == kader
    # Complete, but it waits for the parent.
    assert case.state == State.WAITING_DOCUMENTS and consent_missing(case)
    outbound = OutboundMessage.objects.get(case=case)
    assert outbound.template_name == "loket_persetujuan_operator"

    work()  # the worker sends it: ONE message, the template, to the parent who never wrote
    sent = fake_graph.sent_to(PARENT)
    assert len(sent) == 1 and sent[0].type == "template"
    template = sent[0].body["template"]
    body_params = [p["text"] for p in template["components"][0]["parameters"]]
    assert body_params[0].startswith("kader-pasir (operator Desa/Kel. Pasir Bolang)")
    assert body_params[1:] == ["SITI AMINAH", case.request_number]
    payloads = [c["parameters"][0]["payload"] for c in template["components"][1:]]
    assert payloads == ["consent:yes", "consent:no"]

    # The parent presses "Saya setuju" on the template (a quick-reply `button` message).
    deliver(message("button", payload="consent:yes", text="Saya setuju"), wa_id=PARENT, bsuid="")
    case.refresh_from_db()
    assert case.state == State.QUEUED and not consent_missing(case)
    assert CaseConsent.objects.get(case=case).agreed is True
    assert set(AuditEntry.objects.filter(case=case).values_list("action", flat=True)) >= {
        "operator_submit",
        "operator_consent_sent",
    }


def test_the_parent_refusing_cancels_the_case(client, fake_graph):
    sign_in(client, operator())
    client.post("/console/operator/baru/KIA/", kia_form(client))
    work()
    deliver(message("button", payload="consent:no", text="Tidak setuju"), wa_id=PARENT, bsuid="")
    assert Case.objects.get().state == State.CANCELLED


def test_the_same_form_sent_twice_opens_one_case(client):
    sign_in(client, operator())
    data = kia_form(client)
    first = client.post("/console/operator/baru/KIA/", data)
    for key in KIA_DOCS:
        data[f"doc_{key}"] = photo(f"{key}.jpg")  # the browser sends the files again
    second = client.post("/console/operator/baru/KIA/", data)
    assert Case.objects.count() == 1 and OperatorSubmission.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert OutboundMessage.objects.count() == 1
    assert AuditEntry.objects.filter(action="operator_duplicate").count() == 1


def test_the_same_child_again_is_a_duplicate_but_siblings_get_their_own_cases(client):
    sign_in(client, operator())
    client.post("/console/operator/baru/KIA/", kia_form(client))
    again = client.post("/console/operator/baru/KIA/", kia_form(client))
    assert again.status_code == 409
    assert "sudah ada dan sedang diproses" in again.content.decode()
    sibling = client.post(
        "/console/operator/baru/KIA/", kia_form(client, nik="3603034508200002", nama="Rina")
    )
    assert sibling.status_code == 302
    cases = Case.objects.order_by("pk")
    assert [c.subject for c in cases] == [CHILD_NIK, "3603034508200002"]
    assert cases[0].resident == cases[1].resident  # one parent, two children, two cases


# --- the operator's own list --------------------------------------------------------------------


def test_the_list_shows_own_submissions_masked_and_never_another_operators(client):
    mine, theirs = operator("kader-a"), operator("kader-b")
    sign_in(client, theirs)
    client.post("/console/operator/baru/KIA/", kia_form(client, nik="3603034508200002", nama="Rina"))
    other_case = Case.objects.get()
    sign_in(client, mine)
    client.post("/console/operator/baru/KIA/", kia_form(client))
    my_case = Case.objects.exclude(pk=other_case.pk).get()
    body = client.get("/console/operator/").content.decode()
    assert my_case.request_number in body and other_case.request_number not in body
    assert "3603 •••• •••• 0003" in body and CHILD_NIK not in body
    assert "Menunggu persetujuan orang tua/wali" in body
    assert client.get(f"/console/operator/permohonan/{other_case.pk}/").status_code == 404
    page = client.get(f"/console/operator/permohonan/{my_case.pk}/").content.decode()
    assert CHILD_NIK not in page and KK not in page
    # Every other console page stays closed, the other operator's case included.
    for url in (
        f"/console/permohonan/{other_case.pk}/",
        f"/console/permohonan/{my_case.pk}/",
        "/console/antrean/KIA/",
    ):
        assert client.get(url).status_code == 403


def test_an_officer_case_outside_submissions_is_never_in_the_operators_list(client):
    make_case(kecamatan=KEC_A)  # a resident's own request from the operator's kecamatan
    sign_in(client, operator(kecamatan=(KEC_A,), desa=()))
    body = client.get("/console/operator/").content.decode()
    assert "Belum ada permohonan" in body


# --- a parent without WhatsApp: the paper consent ---------------------------------------------


def _paper_case(client):
    sign_in(client, operator())
    response = client.post(
        "/console/operator/baru/KIA/",
        kia_form(client, telepon="", tanpa_wa="1", persetujuan=photo("surat.jpg")),
    )
    assert response.status_code == 302, response.content.decode()
    return Case.objects.get()


def test_without_whatsapp_a_paper_consent_is_required(client):
    sign_in(client, operator())
    response = client.post("/console/operator/baru/KIA/", kia_form(client, telepon="", tanpa_wa="1"))
    assert response.status_code == 422
    assert "unggah foto surat persetujuan" in response.content.decode()


def test_a_paper_consent_waits_for_an_officer_who_accepts_it(client):
    case = _paper_case(client)
    sent = OperatorSubmission.objects.get()
    assert sent.paper_consent and sent.paper_document.label == "persetujuan_kertas"
    assert case.state == State.WAITING_DOCUMENTS and consent_missing(case)
    assert not OutboundMessage.objects.exists()  # nobody to write to
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"], kecamatan=[KEC_A])
    sign_in(client, officer)
    page = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    assert "Perlu keputusan petugas" in page and "persetujuan tertulis (kertas)" in page
    assert client.get(f"/console/permohonan/{case.pk}/dokumen/{sent.paper_document.pk}/").status_code == 200
    response = client.post(f"/console/permohonan/{case.pk}/persetujuan-kertas/", {"decision": "accepted"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.QUEUED and not consent_missing(case)
    sent.refresh_from_db()
    assert (sent.decision, sent.decided_by) == ("accepted", officer)
    assert AuditEntry.objects.filter(action="paper_consent_accept", case=case, actor=officer).exists()
    # Decided once: a second decision is refused.
    client.post(f"/console/permohonan/{case.pk}/persetujuan-kertas/", {"decision": "refused", "reason": "x"})
    case.refresh_from_db()
    assert case.state == State.QUEUED


def test_a_paper_consent_refused_needs_a_reason_and_cancels(client):
    case = _paper_case(client)
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"], kecamatan=[KEC_A])
    sign_in(client, officer)
    client.post(f"/console/permohonan/{case.pk}/persetujuan-kertas/", {"decision": "refused"})
    case.refresh_from_db()
    assert case.state == State.WAITING_DOCUMENTS
    client.post(
        f"/console/permohonan/{case.pk}/persetujuan-kertas/",
        {"decision": "refused", "reason": "Tanpa tanda tangan"},
    )
    case.refresh_from_db()
    assert case.state == State.CANCELLED
    assert AuditEntry.objects.filter(action="paper_consent_refuse", detail="Tanpa tanda tangan").exists()


def test_the_paper_decision_is_not_for_an_operator_nor_outside_the_area(client):
    case = _paper_case(client)
    sign_in(client, operator("kader-lain"))
    assert (
        client.post(
            f"/console/permohonan/{case.pk}/persetujuan-kertas/", {"decision": "accepted"}
        ).status_code
        == 403
    )
    outsider = make_staff("jauh", Role.OFFICER, services=["KIA"], kecamatan=[KEC_B])
    sign_in(client, outsider)
    assert (
        client.post(
            f"/console/permohonan/{case.pk}/persetujuan-kertas/", {"decision": "accepted"}
        ).status_code
        == 404
    )
    assert consent_missing(Case.objects.get())


# --- every console URL an operator could try --------------------------------------------------

OWN = {
    "operator_list",
    "operator_new",
    "operator_form",
    "operator_case",
    "operator_documents",
    "login",
    "verify",
    "logout",
    "preferences",  # their own keyboard-shortcut setting (issue 19): no one else's data
}
# Public by design: the coverage map's script, style and kecamatan boundaries (no personal data).
PUBLIC = {"geojson"}


def _console_urls():
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern), p.name

    for path, name in walk(get_resolver().url_patterns):
        if path.startswith("console/") and name not in OWN | PUBLIC:
            yield path, name


def test_every_other_console_url_refuses_an_operator(client):
    import re

    case = make_case(kecamatan=KEC_A)
    doc = case.documents.first()
    sign_in(client, operator(kecamatan=(KEC_A,)))
    seen = 0
    for path, name in _console_urls():
        url = "/" + re.sub(r"<int:(\w+)>", lambda m: str(doc.pk if m[1] == "doc" else case.pk), path)
        url = re.sub(r"<str:fmt>", "csv", re.sub(r"<str:\w+>", "KIA", url))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if name == "home":
                assert response.status_code == 302 and response["Location"] == "/console/operator/", url
                continue
            if response.status_code == 302:  # an alias (/console/dashboard/): where it leads
                response = client.get(response["Location"])
            assert response.status_code in (403, 405), (method, url, response.status_code)
        seen += 1
    assert seen > 40
    admin = client.get("/admin/cases/case/")
    assert admin.status_code == 302 and "/login/" in admin["Location"]


# --- photos added later -----------------------------------------------------------------------


def test_the_operator_adds_a_missing_photo_later_and_only_to_their_own_case(client, fake_graph):
    sign_in(client, operator())
    client.post("/console/operator/baru/KIA/", kia_form(client, doc_pas_foto=None))
    case = Case.objects.get()
    page = client.get(f"/console/operator/permohonan/{case.pk}/").content.decode()
    assert 'name="doc_pas_foto"' in page and 'name="doc_kk"' not in page
    work()
    deliver(message("button", payload="consent:yes", text="Saya setuju"), wa_id=PARENT, bsuid="")
    case.refresh_from_db()
    assert case.state == State.WAITING_DOCUMENTS  # agreed, but the photo is missing
    url = f"/console/operator/permohonan/{case.pk}/dokumen/"
    client.post(url, {"doc_pas_foto": photo("foto.jpg", hostile_files.exe())})
    case.refresh_from_db()
    assert case.state == State.WAITING_DOCUMENTS and not case.documents.filter(label="pas_foto").exists()
    sign_in(client, operator("kader-lain"))
    assert client.post(url, {"doc_pas_foto": photo()}).status_code == 404
    sign_in(client, OperatorSubmission.objects.get().operator)
    assert client.post(url, {"doc_pas_foto": photo()}).status_code == 302
    case.refresh_from_db()
    assert case.state == State.QUEUED
    assert AuditEntry.objects.filter(action="operator_add_documents", case=case, detail="pas_foto").exists()


# --- every service ---------------------------------------------------------------------------

SERVICE_FIELDS = {
    "KIA": {"nik": "3603034508200002", "no_kk": KK, "nama": "Rina"},
    "KTP": {"nik": "3603031205900003", "no_kk": KK, "nama": "Ahmad Fauzi", "jenis": "HILANG"},
    "KK": {"no_kk": KK, "nama_kepala_keluarga": "Ahmad Fauzi"},
    "SKPWNI": {
        "nik": "3603031205900004",
        "no_kk": KK,
        "nama": "Ahmad Fauzi",
        "alamat_pindah": "JL MAWAR NO 5 RT 01 RW 02 KOTA BANDUNG",
    },
    "SKDWNI": {"no_skpwni": "SKPWNI/3506/22032021/0101", "keperluan": "BEKERJA DI TANGERANG"},
}


@pytest.mark.parametrize("service", list(SERVICE_FIELDS))
def test_every_service_can_be_submitted_by_an_operator_of_a_kecamatan(client, service):
    from loket.channels.whatsapp.models import PhoneNumber

    PhoneNumber.objects.update_or_create(
        phone_number_id="109000000000099",
        defaults={"display_number": "6281338020399", "services": list(SERVICE_FIELDS)},
    )
    sign_in(client, operator(desa=(), kecamatan=(KEC_A,)))
    page = client.get(f"/console/operator/baru/{service}/")
    assert page.status_code == 200
    data = {"token": page.context["token"], "desa": "36.03.03.2003", "telepon": "+62 812-9876-5432"}
    data.update(SERVICE_FIELDS[service])
    response = client.post(f"/console/operator/baru/{service}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert (case.service, case.source, case.kode_desa, case.kode_kecamatan) == (
        service,
        "operator",
        "36.03.03.2003",
        KEC_A,
    )
    assert case.raw_text.startswith(f"#{service}#") and parse(case.raw_text).ok
    assert consent_missing(case)


def test_a_hash_inside_a_field_is_refused_at_that_field(client):
    sign_in(client, operator())
    response = client.post("/console/operator/baru/KIA/", kia_form(client, nama="Siti#Aminah"))
    assert response.status_code == 422
    assert "Nama anak tidak boleh berisi tanda #." in response.content.decode()


def test_an_unknown_service_is_not_found(client):
    sign_in(client, operator())
    assert client.get("/console/operator/baru/PASPOR/").status_code == 404


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_the_same_moment_opens_one_case():
    import threading
    from pathlib import Path

    from django.db import connection
    from django.test import Client

    from loket.domain import regions as domain_regions
    from loket.regions.loading import load_regions
    from loket.regions.models import Region, RegionAlias

    if not Region.objects.exists():  # a transactional test before this one flushed them
        load_regions(
            Region, RegionAlias, Path(domain_regions.PACKAGED_REGION_FILE), domain_regions.PACKAGED_ALIAS_FILE
        )
    office_numbers()
    first = Client()
    sign_in(first, operator())
    data = kia_form(first)
    second = Client()
    second.cookies = first.cookies
    start, responses, errors = threading.Barrier(2), [], []

    def send(client, files):
        try:
            start.wait()
            responses.append(client.post("/console/operator/baru/KIA/", files))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    copy = {**data, **{f"doc_{key}": photo(f"{key}.jpg") for key in KIA_DOCS}}
    threads = [threading.Thread(target=send, args=(c, d)) for c, d in ((first, data), (second, copy))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert Case.objects.count() == 1 and OperatorSubmission.objects.count() == 1
    assert OutboundMessage.objects.count() == 1 and Document.objects.count() == len(KIA_DOCS)


def test_case_show_json_names_the_operator_source_and_the_typed_fields(client, capsys):
    import json

    sign_in(client, operator())
    client.post("/console/operator/baru/KIA/", kia_form(client))
    case = Case.objects.get()
    call_command("case", "show", case.request_number, "--json")
    shown = json.loads(capsys.readouterr().out)
    typed = parse(f"#KIA#{CHILD_NIK}#{KK}#SITI AMINAH#PASIR BOLANG#TIGARAKSA").to_dict()
    assert (shown["source"], shown["service"], shown["fields"]) == ("operator", "KIA", typed["fields"])


def test_the_admin_staff_list_shows_an_operators_area(client):
    operator()
    admin = make_staff("admin1", Role.ADMIN)
    sign_in(client, admin)
    body = client.get("/console/staf/").content.decode()
    assert "kader-pasir" in body and PASIR_BOLANG in body and "Operator desa/kelurahan" in body
