"""Builders for cases, documents and staff (used by the cases and console tests)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from loket.cases.models import Case, Document, Resident, State, next_request_number
from loket.channels.whatsapp import envelopes
from loket.channels.whatsapp.models import Delivery, QuarantinedItem
from loket.console.models import StaffProfile
from loket.hooks.models import EventDelivery, Subscription
from tests import approvable

KEC_A = "36.03.03"  # Tigaraksa
KEC_B = "36.03.12"  # Pasar Kemis
KIA_DOCS = ("akta_kelahiran", "ktp_ayah", "ktp_ibu", "kk")
# The legal way from a new case to each state.
PATH = {
    State.WAITING_DOCUMENTS: [],
    State.QUEUED: [State.QUEUED],
    State.IN_REVIEW: [State.QUEUED, State.IN_REVIEW],
    State.NEEDS_CORRECTION: [State.QUEUED, State.IN_REVIEW, State.NEEDS_CORRECTION],
    State.APPROVED: [State.QUEUED, State.IN_REVIEW, State.APPROVED],
    State.READY_FOR_PICKUP: [State.QUEUED, State.IN_REVIEW, State.APPROVED, State.READY_FOR_PICKUP],
    State.COLLECTED: [State.QUEUED, State.IN_REVIEW, State.APPROVED, State.COLLECTED],
    State.REJECTED: [State.REJECTED],
    State.CANCELLED: [State.CANCELLED],
    State.EXPIRED: [State.EXPIRED],
}
_serial = itertools.count(1)
PASSWORD = "sandi-yang-panjang-1"
JPEG = approvable.tiny_jpeg()


def make_resident(**kwargs) -> Resident:
    n = next(_serial)
    defaults = {"channel_number": "1001", "user_id": f"62812000{n:05d}", "wa_id": f"62812000{n:05d}"}
    defaults.update(kwargs)
    return Resident.objects.create(**defaults)


def add_document(
    case: Case, label: str, *, mime="image/jpeg", content=JPEG, caption="", **kwargs
) -> Document:
    doc = Document(resident=case.resident, case=case, label=label, caption=caption, mime_type=mime, **kwargs)
    doc.file.save(f"{label or 'berkas'}.bin", ContentFile(content), save=False)
    doc.size = len(content)
    doc.save()
    return doc


def make_case(
    service="KIA",
    state=State.QUEUED,
    *,
    subject=None,
    kecamatan=KEC_A,
    docs=KIA_DOCS,
    resident=None,
    assigned_to=None,
    created_at=None,
    **kwargs,
) -> Case:
    created_at = created_at or timezone.now()
    # A girl under 5 (no photo needed): KIA_DOCS is her whole checklist.
    subject = subject or f"36030355122200{next(_serial) % 99 + 1:02d}"
    consent = kwargs.pop("consent", True)
    if "fields" not in kwargs:
        for key, value in _request_columns(service, subject).items():
            kwargs.setdefault(key, value)
    case = Case.objects.create(
        request_number=next_request_number(service, dt.date(2026, 11, 30)),
        service=service,
        subject=subject,
        resident=resident or make_resident(),
        kode_kecamatan=kecamatan,
        created_at=created_at,
        state_changed_at=created_at,
        **kwargs,
    )
    for label in docs:
        add_document(case, label)
    if consent:
        approvable.give_consent(case)
    for step in PATH[state]:
        # Test data: the history the guarded actions (approval, printing, hand-over) leave.
        case.move_to(step, actor=assigned_to if step == State.IN_REVIEW else None, through=step)
    if assigned_to is not None:
        Case.objects.filter(pk=case.pk).update(assigned_to=assigned_to, last_touched_at=timezone.now())
    case.refresh_from_db()
    return case


def _request_columns(service: str, subject: str) -> dict:
    """The data a resident would have sent for this subject (a KIA request parses; other
    services and deliberately wrong subjects keep bare fields the guard will refuse)."""
    if service == "KIA":
        try:
            columns = approvable.case_fields(approvable.request("KIA", nik=subject))
        except AssertionError:
            pass
        else:
            return {
                "fields": columns["fields"],
                "derived": columns["derived"],
                "kode_desa": columns["kode_desa"],
            }
    return {"fields": {"NIK": subject, "NAMA": "Siti Aminah"}}


def make_staff(username, role, *, services=(), kecamatan=(), password=PASSWORD):
    user = get_user_model().objects.create_user(username=username, password=password)
    StaffProfile.objects.create(user=user, role=role, services=list(services), kecamatan=list(kecamatan))
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def device_of(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user)


def current_code(user) -> str:
    device = device_of(user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, user) -> None:
    """A session that passed both factors (the login flow itself has its own tests)."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_of(user).persistent_id
    session.save()


def quarantined_delivery():
    """A stored delivery the worker set aside (its body is not JSON)."""
    return Delivery.objects.create(
        body=b"{not json", flags=["invalid_json"], quarantined_at=timezone.now(), error="invalid_json: x"
    )


def quarantined_item():
    """A message set aside from its delivery (an id too long to store, never truncated)."""
    message = {"id": "wamid." + "A" * 250, "from": "6281298765432", "type": "text", "text": {"body": "x"}}
    body = envelopes.body(envelopes.envelope("109876543210987", messages=[message]))
    delivery = Delivery.objects.create(body=body)
    return QuarantinedItem.objects.create(
        delivery=delivery,
        path="entry[0].changes[0].value.messages[0]",
        kind="message",
        reason="oversized_id",
        error="Poison: id has 256 characters (at most 200)",
        metadata={"jenis": "text"},
    )


def subscription(kecamatan=(KEC_A,)) -> Subscription:
    """A webhook subscription (loket.hooks) to case state changes in these kecamatan."""
    return Subscription.objects.create(
        name="SIAK Tigaraksa",
        url="https://8.8.8.8/loket",
        secret="whsec_test",
        events=["case.state_changed"],
        kecamatan=list(kecamatan),
    )


def failed_delivery(to: Subscription, case: Case) -> EventDelivery:
    """A delivery the receiver kept refusing: failed, shown on /console/webhooks/."""
    return EventDelivery.objects.create(
        subscription=to,
        event="case.state_changed",
        event_id=uuid.uuid4(),
        case=case,
        payload={"event": "case.state_changed"},
        status=EventDelivery.Status.FAILED,
        attempts=12,
        last_status_code=503,
        last_error="gagal 12x; terakhir: HTTP 503",
        failed_at=timezone.now(),
    )
