"""Assisted submission: a village operator (operator desa/kelurahan, kader) fills a resident's
request in a phone-sized console form.

The form asks for the same fields as the typed `#…#` format and checks them with the same
parser (`loket.domain.intake.parse` of the canonical typed message), so an error reads as it
would on WhatsApp; the desa/kelurahan is picked from the operator's own area. Where the area
has no desa list (an office without one, docs/offices.md) the operator picks the kecamatan
and types the desa name: accepted as written and flagged `desa_unverified` for the officer,
as intake does. Photos go through the one file check (`cases.document_files`). Submitting
opens the same Case (`cases.opening.open_or_update`, `Case.source="operator"`) for the
parent's WhatsApp number on a number of the operator's own office, and the parent receives
ONE message through the resident port (`port.ask_consent`: the
approved template naming the operator and the child, with the consent buttons). A parent
without WhatsApp signs a paper consent the operator photographs; an officer decides on it
from the case page (`paper_consent`). Operators see their own submissions and nothing else.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from loket.cases import document_files
from loket.cases.checklist import ALL_KINDS, checklist_for, kind_label
from loket.cases.models import OPEN_STATES, Case, Document, IllegalTransition, Resident, State
from loket.cases.opening import Request, note, open_or_update
from loket.cases.workflow import attach_resent_document, consent_missing, refresh_completeness
from loket.console import audit
from loket.console.access import StaffRequest, console_view
from loket.console.acting import Who, back, case_action
from loket.console.models import OperatorSubmission, StaffProfile
from loket.domain import files
from loket.domain.checklists import required_documents
from loket.domain.files import Verdict
from loket.domain.intake import SERVICES, Service, canonical_message, parse
from loket.domain.intake.problems import problem
from loket.domain.masking import mask_number
from loket.messaging import port
from loket.offices.regions import index_for
from loket.regions.models import Region

# The document label of a signed paper consent (not a checklist item: it never counts).
PAPER_LABEL = "persetujuan_kertas"
DESA_LEVELS = (Region.Level.DESA, Region.Level.KELURAHAN)
# Fields the desa picker fills (the names of the chosen desa and its kecamatan).
PLACE_KINDS = ("desa", "kecamatan")
# How the form names a field of a child's request (KIA), as a parent recognises it.
CHILD_WORDS = {"nik": "NIK anak (16 angka)", "nama": "Nama anak"}
WORDS = {"nik": "NIK (16 angka)", "no_kk": "Nomor Kartu Keluarga (16 angka)"}
HINTS = {
    "nik": "Lihat Kartu Keluarga atau akta kelahiran.",
    "no_kk": "Nomor di bagian atas Kartu Keluarga.",
    "jenis": "PEMULA (KTP-el pertama), HILANG, atau RUSAK.",
}
JENIS_CHOICES = ("PEMULA", "HILANG", "RUSAK")


# --- the operator's area --------------------------------------------------------------------


def area_desa(profile: StaffProfile) -> QuerySet[Region]:
    """The desa/kelurahan an operator serves: those named, and every one of their kecamatan."""
    prefix = f"{profile.office.code}."
    return (
        Region.objects.filter(level__in=DESA_LEVELS, kode__startswith=prefix)
        .filter(Q(kode__in=profile.desa or []) | Q(parent__kode__in=profile.kecamatan or []))
        .select_related("parent")
        .order_by("parent__nama", "nama")
    )


def area_kecamatan(profile: StaffProfile) -> QuerySet[Region]:
    """The kecamatan named in an operator's area (of their own office)."""
    return Region.objects.filter(
        level=Region.Level.KECAMATAN,
        kode__startswith=f"{profile.office.code}.",
        kode__in=profile.kecamatan or [],
    ).order_by("nama")


@dataclass
class Area:
    """What the form offers: the area's desa to pick, or (no desa list loaded for the area)
    its kecamatan to pick, the desa name typed."""

    desa: list[Region]
    kecamatan: list[Region] = field(default_factory=list)

    @property
    def typed(self) -> bool:
        return not self.desa


def operator_area(profile: StaffProfile) -> Area:
    desa = list(area_desa(profile))
    return Area(desa) if desa else Area([], list(area_kecamatan(profile)))


def submissions_for(request: StaffRequest) -> QuerySet[OperatorSubmission]:
    """The operator's own submissions (never another operator's, whatever the area)."""
    return OperatorSubmission.objects.filter(operator=request.staff.user).select_related("case")


def operator_name(request: StaffRequest, desa: Region | None, typed: str = "") -> str:
    user = request.staff.user
    name = user.get_full_name() or user.get_username()
    where = f"Desa/Kel. {desa.nama if desa is not None else typed.title() or 'setempat'}"
    return f"{name} (operator {where})"


# --- the form ---------------------------------------------------------------------------------


@dataclass
class FormField:
    key: str
    label: str
    kind: str
    hint: str = ""
    value: str = ""
    error: str = ""
    choices: tuple[str, ...] = ()


@dataclass
class Upload:
    key: str  # the checklist key
    label: str
    error: str = ""


@dataclass
class Checked:
    """The form as checked: errors per field name, and what to open when there are none."""

    errors: dict[str, str] = field(default_factory=dict)
    request: Request | None = None
    desa: Region | None = None  # picked from the area's desa list
    kecamatan: Region | None = None  # picked where the area has no desa list ...
    desa_name: str = ""  # ... with the desa typed (as written, unverified)
    phone: str = ""  # E.164 digits, "" when the parent has no WhatsApp
    files: dict[str, Verdict] = field(default_factory=dict)
    paper: Verdict | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.request is not None


def text_fields(service: Service) -> list:
    return [spec for spec in service.fields if spec.kind not in PLACE_KINDS]


def field_words(service: Service, spec) -> str:
    if service.child and spec.key in CHILD_WORDS:
        return CHILD_WORDS[spec.key]
    return WORDS.get(spec.key, spec.words)


def possible_documents(service: str) -> list[tuple[str, str]]:
    """Every document the service's checklist may ask for (KIA's photo from age 5, KTP's
    report of loss or the damaged card): (key, label), in the order residents are asked."""
    override = settings.LOKET_CHECKLIST_OVERRIDES.get(service)
    if override:
        keys = [key for key in override if key in ALL_KINDS]
    else:
        variants: list[tuple[dict[str, str], dict[str, bool]]] = [({}, {}), ({}, {"perlu_foto": True})]
        variants += [({"jenis": jenis}, {}) for jenis in JENIS_CHOICES]
        keys = []
        for fields, derived in variants:
            keys += [
                kind.key for kind in required_documents(service, fields, derived) if kind.key not in keys
            ]
    labels = {
        "pas_foto": "Pas foto anak berwarna (anak 5 tahun ke atas)",
        "surat_kehilangan": "Surat keterangan hilang dari kepolisian (jika HILANG)",
        "ktp_rusak": "KTP-el yang rusak (jika RUSAK)",
    }
    return [(key, labels.get(key, kind_label(key))) for key in keys]


def normalise_phone(raw: str) -> str | None:
    """An Indonesian mobile number as E.164 digits ("6281234567890"), else None."""
    try:
        number = phonenumbers.parse(raw.strip(), "ID")
    except phonenumbers.NumberParseException:
        return None
    mobile = phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    if not (phonenumbers.is_valid_number(number) and number.country_code == 62 and mobile):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def _value(post, key: str) -> str:
    # One line per field: a typed message cannot carry a line break inside a field either.
    return " ".join(str(post.get(key, "")).split())


def _typed_values(service: Service, post, errors: dict[str, str]) -> dict[str, object]:
    """The service's text fields as typed, each missing one or one holding "#" named in `errors`."""
    values: dict[str, object] = {}
    for spec in text_fields(service):
        value = _value(post, spec.key)
        if not value:
            errors[spec.key] = problem("field_missing", spec.key, words=field_words(service, spec)).text
        elif "#" in value:
            errors[spec.key] = f"{field_words(service, spec)} tidak boleh berisi tanda #."
        values[spec.key] = value
    return values


def _request(service: Service, result, values: dict, *, kode_kecamatan: str, kode_desa: str) -> Request:
    """The request a valid form makes, as the channel would make it from the typed message."""
    return Request(
        service=service.keyword,
        subject=str(result.subject),
        fields=_jsonable(result.fields),
        derived=_jsonable(result.derived),
        warnings=[w.to_dict() for w in result.warnings],
        raw_text=canonical_message(service, values),
        kode_kecamatan=kode_kecamatan,
        kode_desa=kode_desa,
    )


def check_form(service: Service, post, uploads, profile: StaffProfile) -> Checked:
    """Check everything, report every problem at once (as the typed format's reply does)."""
    area = operator_area(profile)
    if area.typed:
        return _check_typed(service, post, uploads, profile, area)
    checked = Checked()
    errors = checked.errors
    desa = area_desa(profile).filter(kode=post.get("desa", "")).first()
    if desa is None:
        errors["desa"] = "Pilih desa/kelurahan di wilayah Anda."
    checked.desa = desa
    values = _typed_values(service, post, errors)
    result = None
    if not set(errors) - {"desa"}:
        places = {spec.kind: spec.key for spec in service.fields if spec.kind in PLACE_KINDS}
        # Without a desa picked, the other fields are still checked now (with one of the area's
        # desa standing in, its own verdict ignored): every problem is named at once.
        place = desa or area_desa(profile).first()
        if places and place is not None:
            values[places["desa"]] = place.nama
            values[places["kecamatan"]] = place.parent.nama if place.parent else ""
        if not places or place is not None:
            result = parse(canonical_message(service, values), regions=index_for(profile.office))
            for found in result.problems:
                key = "desa" if found.field in PLACE_KINDS or found.field not in values else found.field
                if key == "desa" and desa is None:
                    continue
                errors[key] = f"{errors[key]} {found.text}" if key in errors else found.text
        matched = result.fields.get("kode_desa") if result is not None and result.ok else None
        if places and desa is not None and matched not in (None, desa.kode):
            errors["desa"] = "Desa/kelurahan tidak cocok dengan kecamatannya. Pilih lagi dari daftar."
    _check_parent(service, post, uploads, checked)
    if result is not None and result.ok and not errors and desa is not None:
        # The case's area is the desa the operator picked (SKPWNI/SKDWNI name none).
        kecamatan_code = desa.parent.kode if desa.parent else ""
        checked.request = _request(
            service, result, values, kode_kecamatan=kecamatan_code, kode_desa=desa.kode
        )
    return checked


def _check_typed(service: Service, post, uploads, profile: StaffProfile, area: Area) -> Checked:
    """The form of an area without a desa list: the kecamatan picked, the desa typed. The
    desa is kept as written and flagged `desa_unverified` (the parser's verdict for a
    kecamatan without a desa list), never refused for being unknown."""
    checked = Checked()
    errors = checked.errors
    kecamatan = next((k for k in area.kecamatan if k.kode == post.get("kecamatan", "")), None)
    if kecamatan is None:
        errors["kecamatan"] = "Pilih kecamatan di wilayah Anda."
    places = {spec.kind: spec.key for spec in service.fields if spec.kind in PLACE_KINDS}
    desa_name = _value(post, "desa_nama") if places else ""
    if places and not desa_name:
        errors["desa_nama"] = "Tulis nama desa/kelurahan seperti di Kartu Keluarga."
    elif "#" in desa_name:
        errors["desa_nama"] = "Nama desa/kelurahan tidak boleh berisi tanda #."
    checked.kecamatan, checked.desa_name = kecamatan, desa_name
    values = _typed_values(service, post, errors)
    result = None
    place_keys = {"kecamatan", "desa_nama"}
    if not set(errors) - place_keys:
        # A missing place has a stand-in so that the other fields are still checked now.
        stand_in = kecamatan or (area.kecamatan[0] if area.kecamatan else None)
        if places and stand_in is not None:
            values[places["kecamatan"]] = stand_in.nama
            values[places["desa"]] = desa_name if "desa_nama" not in errors else "DESA"
        if not places or stand_in is not None:
            result = parse(canonical_message(service, values), regions=index_for(profile.office))
            for found in result.problems:
                if found.field in values and found.field not in PLACE_KINDS:
                    key = found.field
                elif found.field == places.get("desa"):
                    key = "desa_nama"
                else:
                    key = "kecamatan"
                if key in place_keys and key in errors:
                    continue  # the stand-in's verdict: the operator is already asked to fill it
                errors[key] = f"{errors[key]} {found.text}" if key in errors else found.text
        matched = result.fields.get("kode_kecamatan") if result is not None and result.ok else None
        if places and kecamatan is not None and matched not in (None, kecamatan.kode):
            errors["kecamatan"] = "Kecamatan tidak cocok. Pilih lagi dari daftar."
    _check_parent(service, post, uploads, checked)
    if result is not None and result.ok and not errors and kecamatan is not None:
        # No desa list: the name as written, flagged for the officer; no desa code.
        checked.request = _request(service, result, values, kode_kecamatan=kecamatan.kode, kode_desa="")
    return checked


def _check_parent(service: Service, post, uploads, checked: Checked) -> None:
    """The parent's WhatsApp number (or a signed paper consent) and the photos."""
    no_phone = post.get("tanpa_wa") == "1"
    if not no_phone:
        checked.phone = normalise_phone(str(post.get("telepon", ""))) or ""
        if not checked.phone:
            checked.errors["telepon"] = (
                "Nomor WhatsApp orang tua/wali belum benar: tulis nomor HP Indonesia, mis. 0812 3456 7890."
            )
    _check_files(service, uploads, checked, no_phone)


def _read(upload, limit: int) -> bytes | None:
    if upload.size > limit:
        return None
    return b"".join(upload.chunks())


def _verdict(upload) -> Verdict:
    limit = document_files.limits().max_bytes
    data = _read(upload, limit)
    if data is None:
        return Verdict(
            b"",
            upload.content_type or "",
            "bin",
            refusal=files.TOO_LARGE,
            detail=f"Berkas lebih dari {limit // files.MB} MB.",
        )
    return document_files.check(data)


def _check_files(service: Service, uploads, checked: Checked, no_phone: bool) -> None:
    """The one file check on every photo; a refused one stops the form with its reason."""
    for key, label in possible_documents(service.keyword):
        upload = uploads.get(f"doc_{key}")
        if upload is None:
            continue
        verdict = _verdict(upload)
        if verdict.accepted:
            checked.files[key] = verdict
        else:
            checked.errors[f"doc_{key}"] = (
                f"{label}: berkas ditolak ({verdict.detail or verdict.refusal}). Foto ulang."
            )
    paper = uploads.get("persetujuan")
    if no_phone:
        if paper is None:
            checked.errors["persetujuan"] = (
                "Tanpa WhatsApp orang tua/wali, unggah foto surat persetujuan yang ditandatangani orang tua/wali."
            )
            return
        verdict = _verdict(paper)
        if verdict.accepted:
            checked.paper = verdict
        else:
            checked.errors["persetujuan"] = (
                f"Surat persetujuan: berkas ditolak ({verdict.detail}). Foto ulang."
            )


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "to_dict"):
        return _jsonable(value.to_dict())
    return str(value)


def about_whom(case: Case) -> str:
    """Whom the request concerns, for the parent's message (the child's name for KIA)."""
    fields = case.fields or {}
    name = fields.get("nama") or fields.get("nama_kepala_keluarga")
    return str(name) if name else f"{case.service} {mask_number(case.subject)}"


# --- submitting -------------------------------------------------------------------------------


class Duplicate(Exception):
    def __init__(self, case: Case, mine: bool) -> None:
        super().__init__(case.request_number)
        self.case, self.mine = case, mine


def _resident(checked: Checked, token: str, office_id: int) -> Resident:
    """The parent on a number of the operator's own office serving the service (never another
    office's: the case is that office's). NoChannel when the office has none."""
    service = checked.request.service if checked.request else ""
    if checked.phone:
        return port.resident_for_service(service, checked.phone, office_id)
    # A parent without WhatsApp: a record of their own on the office number (nothing is
    # ever sent to it: it has no address; the channel holds anything addressed to it).
    addresses = port.addresses_serving([service], office_id)
    if not addresses:
        raise port.NoChannel(f"no address of office {office_id} serves {service}")
    return Resident.objects.create(
        channel_number=addresses[0], user_id=f"operator-{token}"[:128], office_id=office_id
    )


def _attach(case: Case, key: str, verdict: Verdict, label: str) -> Document:
    document = Document(
        resident=case.resident,
        case=case,
        label=key,
        caption=label[:500],
        sha256=hashlib.sha256(verdict.data).hexdigest(),
    )
    document_files.keep(document, verdict, stem=f"{key}-{case.pk}")
    document.save()
    return document


def submit(request: StaffRequest, service: Service, checked: Checked, token: str) -> OperatorSubmission:
    """Open the case, keep the photos, ask the parent (or wait for an officer). One transaction."""
    assert checked.request is not None and (checked.desa or checked.kecamatan) is not None
    with transaction.atomic():
        resident = _resident(checked, token, request.staff.office.pk)
        existing = Case.objects.filter(
            resident=resident,
            service=checked.request.service,
            subject=checked.request.subject,
            state__in=sorted(OPEN_STATES),
        ).first()
        if existing is not None:
            mine = OperatorSubmission.objects.filter(case=existing, operator=request.staff.user).exists()
            raise Duplicate(existing, mine)
        case, _created = open_or_update(resident, checked.request, source="console", case_source="operator")
        who = operator_name(request, checked.desa, checked.desa_name)
        submission = OperatorSubmission.objects.create(
            case=case, operator=request.staff.user, form_token=token, paper_consent=not checked.phone
        )
        note(case, f"Diajukan oleh {who} lewat konsol operator.", source="console")
        labels = dict(possible_documents(service.keyword))
        for key, verdict in checked.files.items():
            _attach(case, key, verdict, labels.get(key, key))
        where = (
            f"desa {checked.desa.kode}" if checked.desa else f"kecamatan {case.kode_kecamatan}, desa ditulis"
        )
        audit.record(request, "operator_submit", case=case, detail=f"{case.service} {where}")
        if checked.paper is not None:
            submission.paper_document = _attach(
                case, PAPER_LABEL, checked.paper, "Surat persetujuan orang tua/wali"
            )
            submission.save(update_fields=["paper_document"])
            port.await_consent(case)
            note(
                case,
                "Orang tua/wali tanpa WhatsApp: persetujuan tertulis menunggu keputusan petugas.",
                source="console",
            )
        else:
            child = about_whom(case)
            port.ask_consent(
                case,
                text=(
                    f"{who} membantu mendaftarkan permohonan {case.service} untuk {child} "
                    f"(nomor {case.request_number}) di Disdukcapil. Tekan Saya setuju bila Anda orang tua/wali "
                    "dan setuju datanya diproses, atau Tidak setuju untuk membatalkan."
                ),
                submitted_by=who,
                about=child,
            )
            audit.record(request, "operator_consent_sent", case=case, detail=case.service)
    return submission


# --- views ------------------------------------------------------------------------------------


def _service(code: str) -> Service:
    service = SERVICES.get(code)
    if service is None:
        raise Http404("Layanan tidak ditemukan.")
    return service


def _require_area(request: StaffRequest) -> Area:
    area = operator_area(request.staff)
    if not (area.desa or area.kecamatan):
        # An operator account without an area (made before the rule, or its desa removed).
        raise PermissionDenied("Akun operator ini belum punya wilayah. Hubungi administrator.")
    return area


def state_words(case: Case) -> str:
    if case.state in OPEN_STATES and consent_missing(case):
        return "Menunggu persetujuan orang tua/wali"
    return case.get_state_display()


@console_view("operator")
def submissions(request: StaffRequest) -> HttpResponse:
    rows = [
        {
            "submission": s,
            "case": s.case,
            "masked": mask_number(s.case.subject),
            "state": state_words(s.case),
        }
        for s in submissions_for(request)[:100]
    ]
    audit.record(request, "operator_list", detail=f"{len(rows)} permohonan")
    return render(request, "console/operator/list.html", {"rows": rows})


@console_view("operator")
def choose(request: StaffRequest) -> HttpResponse:
    _require_area(request)
    return render(request, "console/operator/choose.html", {"services": list(SERVICES.values())})


def _form_context(service: Service, area: Area, post=None, errors=None, token: str = "") -> dict:
    post, errors = post or {}, errors or {}
    fields = []
    for spec in text_fields(service):
        fields.append(
            FormField(
                key=spec.key,
                label=field_words(service, spec),
                kind=spec.kind,
                hint=HINTS.get(spec.key, ""),
                value=_value(post, spec.key),
                error=errors.get(spec.key, ""),
                choices=JENIS_CHOICES if spec.kind == "jenis" else (),
            )
        )
    uploads = [
        Upload(key, label, errors.get(f"doc_{key}", "")) for key, label in possible_documents(service.keyword)
    ]
    return {
        "service": service,
        "fields": fields,
        "uploads": uploads,
        "typed": area.typed,
        "desa_options": area.desa,
        "chosen_desa": post.get("desa", "") if post else (area.desa[0].kode if len(area.desa) == 1 else ""),
        "kecamatan_options": area.kecamatan,
        "chosen_kecamatan": (
            post.get("kecamatan", "")
            if post
            else (area.kecamatan[0].kode if len(area.kecamatan) == 1 else "")
        ),
        "asks_desa_name": any(spec.kind == "desa" for spec in service.fields),
        "desa_name": _value(post, "desa_nama") if post else "",
        "errors": errors,
        "phone": post.get("telepon", "") if post else "",
        "no_phone": post.get("tanpa_wa") == "1" if post else False,
        "token": token or secrets.token_urlsafe(24),
    }


@console_view("operator")
@require_http_methods(["GET", "POST"])
def form(request: StaffRequest, service: str) -> HttpResponse:
    declaration = _service(service)
    area = _require_area(request)
    if request.method == "GET":
        audit.record(request, "operator_form", detail=declaration.keyword)
        return render(request, "console/operator/form.html", _form_context(declaration, area))
    token = str(request.POST.get("token", ""))[:64]
    if not token:
        messages.error(request, "Formulir tidak lengkap. Silakan isi ulang.")
        return redirect("console:operator_form", service=declaration.keyword)
    sent = OperatorSubmission.objects.filter(form_token=token).first()
    if sent is not None:
        return _already_sent(request, sent)
    checked = check_form(declaration, request.POST, request.FILES, request.staff)
    if not checked.ok:
        audit.record(
            request, "operator_refused", detail=f"{declaration.keyword}: {', '.join(sorted(checked.errors))}"
        )
        context = _form_context(declaration, area, request.POST, checked.errors, token)
        return render(request, "console/operator/form.html", context, status=422)
    try:
        submission = submit(request, declaration, checked, token)
    except IntegrityError:
        # The same form sent twice at once: the other request stored it.
        sent = OperatorSubmission.objects.filter(form_token=token).first()
        if sent is None:
            raise
        return _already_sent(request, sent)
    except Duplicate as duplicate:
        sent = OperatorSubmission.objects.filter(form_token=token).first()
        if sent is not None:  # this very form, stored by a request that finished meanwhile
            return _already_sent(request, sent)
        audit.record(
            request,
            "operator_duplicate",
            case=duplicate.case if duplicate.mine else None,
            detail=declaration.keyword,
        )
        where = f" (nomor {duplicate.case.request_number})" if duplicate.mine else ""
        errors = {
            "form": f"Permohonan {declaration.keyword} untuk data ini sudah ada dan sedang diproses{where}."
        }
        context = _form_context(declaration, area, request.POST, errors, token)
        return render(request, "console/operator/form.html", context, status=409)
    except port.NoChannel:
        office = request.staff.office
        errors = {
            "form": (
                f"{office.name} belum punya nomor WhatsApp untuk layanan {declaration.keyword}, "
                "jadi permohonan belum bisa dikirim. Hubungi administrator kantor."
            )
        }
        return render(
            request,
            "console/operator/form.html",
            _form_context(declaration, area, request.POST, errors, token),
            status=503,
        )
    messages.success(request, f"Terkirim: {submission.case.request_number}.")
    return redirect("console:operator_case", pk=submission.case_id)


def _already_sent(request: StaffRequest, sent: OperatorSubmission) -> HttpResponse:
    if sent.operator_id != request.staff.user.pk:
        raise Http404("Formulir tidak ditemukan.")
    audit.record(request, "operator_duplicate", case=sent.case, detail="formulir yang sama")
    messages.info(request, f"Permohonan ini sudah terkirim sebelumnya: {sent.case.request_number}.")
    return redirect("console:operator_case", pk=sent.case_id)


@console_view("operator")
def submission_page(request: StaffRequest, pk: int) -> HttpResponse:
    sent = submissions_for(request).filter(case_id=pk).first()
    if sent is None:
        raise Http404("Permohonan tidak ditemukan.")
    case = sent.case
    audit.record(request, "operator_view", case=case)
    checklist = checklist_for(case)
    context = {
        "sent": sent,
        "case": case,
        "masked": mask_number(case.subject),
        "state": state_words(case),
        "checklist": checklist,
        "missing": [item for item in checklist if not item.present] if case.state in ADDABLE_STATES else [],
        "phone": case.resident.masked_phone if case.resident.wa_id else "",
    }
    return render(request, "console/operator/case.html", context)


# While these, the operator may still add the photos the checklist misses.
ADDABLE_STATES = (State.WAITING_DOCUMENTS, State.NEEDS_CORRECTION)


@console_view("operator")
@require_http_methods(["POST"])
def add_documents(request: StaffRequest, pk: int) -> HttpResponse:
    """Photos the checklist still misses, added later by the operator who submitted it."""
    sent = submissions_for(request).filter(case_id=pk).first()
    if sent is None:
        raise Http404("Permohonan tidak ditemukan.")
    case = sent.case
    if case.state not in ADDABLE_STATES:
        messages.error(request, "Permohonan ini tidak menunggu dokumen lagi.")
        return redirect("console:operator_case", pk=case.pk)
    wanted = {item.key: item.label for item in checklist_for(case) if not item.present}
    verdicts, refused = {}, []
    for key, label in wanted.items():
        upload = request.FILES.get(f"doc_{key}")
        if upload is None:
            continue
        verdict = _verdict(upload)
        if verdict.accepted:
            verdicts[key] = verdict
        else:
            refused.append(f"{label}: berkas ditolak ({verdict.detail or verdict.refusal}). Foto ulang.")
    if refused or not verdicts:
        messages.error(request, " ".join(refused) or "Pilih foto dokumen yang masih kurang.")
        return redirect("console:operator_case", pk=case.pk)
    with transaction.atomic():
        for key, verdict in verdicts.items():
            document = _attach(case, key, verdict, wanted[key])
            attach_resent_document(case, document, source="console")
        audit.record(request, "operator_add_documents", case=case, detail=", ".join(sorted(verdicts)))
    messages.success(request, f"{len(verdicts)} foto ditambahkan.")
    return redirect("console:operator_case", pk=case.pk)


# --- the officer's decision on a paper consent ----------------------------------------------


def submission_of(case: Case) -> OperatorSubmission | None:
    return OperatorSubmission.objects.filter(case=case).select_related("operator", "paper_document").first()


@case_action(who=Who.ANYONE)
def paper_consent(request: StaffRequest, case: Case) -> HttpResponse:
    sent = submission_of(case)
    if sent is None or not sent.awaits_officer:
        messages.error(request, "Tidak ada persetujuan tertulis yang menunggu keputusan.")
        return back(case)
    accepted = request.POST.get("decision") == "accepted"
    reason = " ".join(request.POST.get("reason", "").split())[:300]
    if not accepted and not reason:
        messages.error(request, "Tulis alasan persetujuan tertulis tidak sah.")
        return back(case)
    now = timezone.now()
    with transaction.atomic():
        port.record_consent(
            case, agreed=accepted, at=now, notice_version=settings.LOKET_PRIVACY_NOTICE_VERSION
        )
        sent.decision, sent.decided_by, sent.decided_at = (
            ("accepted" if accepted else "refused"),
            request.staff.user,
            now,
        )
        sent.save(update_fields=["decision", "decided_by", "decided_at"])
        if accepted:
            note(case, "Persetujuan tertulis orang tua/wali diperiksa dan sah.", source="console")
            refresh_completeness(case, actor=request.staff.user, source="console")
            audit.record(request, "paper_consent_accept", case=case, document=sent.paper_document)
        else:
            try:
                case.move_to(
                    State.CANCELLED,
                    actor=request.staff.user,
                    source="console",
                    note=f"Persetujuan tertulis tidak sah: {reason}",
                )
            except IllegalTransition as exc:
                transaction.set_rollback(True)
                messages.error(request, str(exc))
                return back(case)
            audit.record(
                request, "paper_consent_refuse", case=case, document=sent.paper_document, detail=reason
            )
    messages.success(request, "Persetujuan tertulis dicatat sah." if accepted else "Permohonan dibatalkan.")
    return back(case)
