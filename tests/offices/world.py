"""Two offices, each with staff of every role and its own cases, documents, bookings,
receipts, erasure requests, campaigns, surveys and audit entries (tests/offices)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from loket.cases.models import Case, Document, State
from loket.channels.whatsapp.models import Conversation, PhoneNumber
from loket.console.models import AuditEntry, OperatorSubmission, Role, StaffProfile
from loket.hooks.models import Subscription
from loket.offices.models import Office, first_office
from loket.outreach.models import Campaign
from loket.privacy.models import ErasureRequest
from loket.scheduling.approval import approve_case
from loket.scheduling.receipts import verify_url
from loket.survey.models import Survey
from tests import approvable
from tests.console.builders import PASSWORD, make_case, make_resident

STAFF_ROLES = [Role.OFFICER, Role.SUPERVISOR, Role.COUNTER, Role.ADMIN, Role.OPERATOR]
_serial = itertools.count(1)


def make_office_staff(username: str, role: str, office: Office, **profile) -> object:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if role == Role.OFFICER:
        profile.setdefault("services", ["KIA"])
    StaffProfile.objects.create(user=user, role=role, office=office, **profile)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


@dataclass
class OfficeWorld:
    """One office and what belongs to it; `markers` are texts only this office's rows show."""

    office: Office
    tag: str
    kecamatan: str
    number: str
    staff: dict[str, object] = field(default_factory=dict)
    queued: Case | None = None
    in_review: Case | None = None
    booked: Case | None = None
    unfiled: Document | None = None
    conversation: Conversation | None = None
    erasure: ErasureRequest | None = None
    campaign: Campaign | None = None
    submission: OperatorSubmission | None = None
    subscription: Subscription | None = None

    @property
    def booking(self):
        return self.booked.bookings.get(status="active")

    @property
    def receipt_url(self) -> str:
        return verify_url(self.booking.receipts.get())

    @property
    def markers(self) -> list[str]:
        """Texts that may appear only on pages of this office."""
        return [
            self.queued.request_number,
            self.in_review.request_number,
            self.booked.request_number,
            f"Warga {self.tag}",
            f"audit-{self.tag}",
            f"Kampanye {self.tag}",
            f"saran-{self.tag}",
            f"staf-{self.tag}-",
            f"Langganan {self.tag}",
        ]


def _case(world: OfficeWorld, state: str, assigned_to=None) -> Case:
    resident = make_resident(
        office=world.office,
        channel_number=world.number,
        profile_name=f"Warga {world.tag}",
        user_id=f"62813{world.number}{next(_serial):05d}",
    )
    return make_case(
        state=state,
        kecamatan=world.kecamatan,
        resident=resident,
        assigned_to=assigned_to,
        office=world.office,
    )


def build(office: Office, tag: str, kecamatan: str, number: str) -> OfficeWorld:
    world = OfficeWorld(office, tag, kecamatan, number)
    PhoneNumber.objects.create(
        phone_number_id=number, display_number=f"62811{number:0>8}", services=["KIA"], office=office
    )
    for role in STAFF_ROLES:
        extra = {"kecamatan": [kecamatan]} if role == Role.OPERATOR else {}
        world.staff[role] = make_office_staff(f"staf-{tag}-{role}", role, office, **extra)
    world.queued = _case(world, State.QUEUED)
    world.in_review = _case(world, State.IN_REVIEW, assigned_to=world.staff[Role.OFFICER])
    world.booked = _case(world, State.IN_REVIEW)
    approve_case(world.booked)
    world.booked.refresh_from_db()
    unfiled = Document(resident=world.queued.resident, case=None, label="", mime_type="image/jpeg")
    unfiled.file.save("berkas.jpg", ContentFile(approvable.tiny_jpeg()), save=False)
    unfiled.save()
    world.unfiled = unfiled
    world.conversation = Conversation.objects.create(resident=world.queued.resident, needs_officer=True)
    world.erasure = ErasureRequest.objects.create(resident=world.queued.resident)
    world.campaign = Campaign.objects.create(
        office=office,
        name=f"Kampanye {tag}",
        service="KIA",
        template="kampanye_kia",
        kecamatan=[kecamatan],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
    )
    world.submission = OperatorSubmission.objects.create(
        case=world.in_review, operator=world.staff[Role.OPERATOR], form_token=f"token-{tag}"
    )
    world.subscription = Subscription.objects.create(
        office=office,
        name=f"Langganan {tag}",
        url=f"https://siak-{tag.lower()}.example.org/loket",
        secret="whsec_" + "x" * 40,
        events=["case.state_changed"],
    )
    AuditEntry.objects.create(action="view_case", case=world.queued, detail=f"audit-{tag}")
    Survey.objects.create(
        office=office,
        case_key=f"case-{tag}",
        outcome="served",
        service="KIA",
        kode_kecamatan=kecamatan,
        served_on=timezone.localdate(),
        status="completed",
        expires_at=timezone.now(),
        suggestion=f"saran-{tag}",
        **{f"u{i}": 4 for i in range(1, 10)},
    )
    return world


def two_offices() -> tuple[OfficeWorld, OfficeWorld]:
    """Office A (the first office, 36.03 Kabupaten Tangerang) and B (36.71 Kota Tangerang)."""
    a = first_office()
    b = Office.objects.create(
        code="36.71", name="Dinas Dukcapil Kota Tangerang", address="Jl. Satria Sudirman No. 1"
    )
    return build(a, "A", "36.03.03", "1001"), build(b, "B", "36.71.01", "2002")
