"""WhatsApp's side of the resident port (`loket.messaging.port`): the core asks, we answer.

Registered from `WhatsAppConfig.ready()`. Everything WhatsApp-specific stays behind it:
the outbox and its sending rules (window, templates, rates), consent rows, conversations,
flags, deliveries and incidents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from loket.cases.models import Resident
from loket.channels.whatsapp import outbox, templates
from loket.channels.whatsapp.conversation import same_person
from loket.channels.whatsapp.incidents import active_incidents
from loket.channels.whatsapp.models import (
    CaseConsent,
    Conversation,
    Delivery,
    InboundMessage,
    OutboundMessage,
    PhoneNumber,
)
from loket.channels.whatsapp.models import (
    Incident as IncidentRow,
)
from loket.messaging import port
from loket.messaging.port import (
    Attachment,
    AutomaticReply,
    FlaggedDelivery,
    FlaggedMessage,
    HandledText,
    Heard,
    Incident,
    OfficerRequest,
    Progress,
    ReviewPage,
    Said,
    Window,
)

# The approved UTILITY template a parent receives when a village operator submitted for them
# (docs/whatsapp.md): "{{1}} ... {{2}} ... {{3}}" with the two consent quick-reply buttons.
OPERATOR_CONSENT_TEMPLATE = "loket_persetujuan_operator"

# The customer-service window as the officer reads it (sending applies its own margin).
WINDOW = dt.timedelta(hours=24)


def _text_body(payload: Any) -> str:
    """The text of a text message as Meta sent it ('' for any other shape)."""
    content = payload.get("text") if isinstance(payload, dict) else None
    return str(content.get("body") or "").strip() if isinstance(content, dict) else ""


class WhatsAppChannel:
    name = "WhatsApp"

    def reaches(self, resident: Resident) -> bool:
        # Every resident today came in through WhatsApp (or was created for it: console,
        # command line, demo). A second channel will say which residents are its own.
        return True

    def tell(
        self,
        resident: Resident,
        *,
        text: str,
        case: Any,
        purpose: str,
        choices: dict | None,
        attachment: Attachment | None,
        template_name: str,
        template_params: list,
    ) -> OutboundMessage:
        return outbox.enqueue(
            resident,
            text=text,
            case=case,
            kind=purpose,
            interactive=choices,
            document=attachment.content if attachment else None,
            document_name=attachment.name if attachment else "",
            template_name=template_name,
            template_params=template_params,
        )

    def progress(self, refs: Sequence[int]) -> dict[int, Progress]:
        """The outbox rows' status and times, and the resident's first message after each."""
        found: dict[int, Progress] = {}
        for row in OutboundMessage.objects.filter(pk__in=list(refs)).only(
            "pk", "resident_id", "status", "created_at", "sent_at", "delivered_at", "read_at"
        ):
            replied = (
                InboundMessage.objects.filter(
                    resident_id=row.resident_id, received_at__gt=row.sent_at or row.created_at
                )
                .order_by("received_at")
                .values_list("received_at", flat=True)
                .first()
            )
            found[row.pk] = Progress(
                status=row.status,
                sent_at=row.sent_at,
                delivered_at=row.delivered_at or row.read_at,
                read_at=row.read_at,
                replied_at=replied,
            )
        return found

    def template_refusal(self, name: str, *, purpose: str) -> str:
        return templates.refusal(templates.declared_for(name), kind=purpose, tied_to_case=False, name=name)

    # -- consent ------------------------------------------------------------------------------
    def consent_missing(self, case: Any) -> bool:
        return CaseConsent.objects.filter(case_id=case.pk).exclude(agreed=True).exists()

    def record_consent(self, case: Any, *, agreed: bool, at: dt.datetime, notice_version: str) -> None:
        CaseConsent.objects.update_or_create(
            case=case,
            defaults={"agreed": agreed, "asked_at": at, "answered_at": at, "notice_version": notice_version},
        )

    def record_consents(
        self, cases: Sequence[tuple[int, dt.datetime]], *, notice_version: str, batch: int
    ) -> None:
        CaseConsent.objects.bulk_create(
            (
                CaseConsent(
                    case_id=pk, asked_at=at, answered_at=at, agreed=True, notice_version=notice_version
                )
                for pk, at in cases
            ),
            batch_size=batch,
        )

    def ask_consent(self, case: Any, *, text: str, submitted_by: str, about: str) -> OutboundMessage:
        """The operator-consent template (UTILITY, declared in `templates.py` for kind `operator_consent`)
        with the consent buttons; the question is open on this case until the parent answers."""
        from loket.channels.whatsapp.conversation.consent import CONSENT_NO, CONSENT_YES, notice_version
        from loket.channels.whatsapp.sending.form import one_line, template_map

        CaseConsent.objects.update_or_create(
            case=case,
            defaults={
                "asked_at": timezone.now(),
                "answered_at": None,
                "agreed": None,
                "notice_version": notice_version(),
            },
        )
        name, _language = template_map().get("operator_consent", (OPERATOR_CONSENT_TEMPLATE, "id"))
        body = [one_line(submitted_by), one_line(about), case.request_number]
        components = [
            {"type": "body", "parameters": [{"type": "text", "text": value} for value in body]},
            *(
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": str(index),
                    "parameters": [{"type": "payload", "payload": payload}],
                }
                for index, payload in enumerate((CONSENT_YES, CONSENT_NO))
            ),
        ]
        return outbox.enqueue(
            case.resident,
            text=text,
            case=case,
            kind=OutboundMessage.Kind.CASE_UPDATE,
            template_name=name,
            template_params=components,
        )

    def await_consent(self, case: Any) -> None:
        from loket.channels.whatsapp.conversation.consent import notice_version

        CaseConsent.objects.update_or_create(
            case=case,
            defaults={
                "asked_at": timezone.now(),
                "answered_at": None,
                "agreed": None,
                "notice_version": notice_version(),
            },
        )

    # -- identity and numbers -------------------------------------------------------------------
    def resident_for_service(self, service: str, phone: str, office_id: int | None = None) -> Resident:
        from loket.channels.whatsapp.ingest import resident_for

        numbers = PhoneNumber.objects.filter(active=True).order_by("pk")
        if office_id is not None:
            numbers = numbers.filter(office_id=office_id)  # never another office's number
        number = next((n for n in numbers if service in (n.services or [])), None)
        if number is None:
            raise port.NoChannel(f"no WhatsApp number of office {office_id} serves {service}")
        return resident_for(number.phone_number_id, wa_id=phone, bsuid="", office_id=number.office_id)

    def same_person(self, resident: Resident) -> QuerySet:
        return same_person(resident)

    def addresses_serving(self, services: set[str], office_id: int | None = None) -> list[str]:
        numbers = PhoneNumber.objects.order_by("pk")
        if office_id is not None:
            numbers = numbers.filter(office_id=office_id)
        return [n.phone_number_id for n in numbers if services & set(n.services or [])]

    def demo_address(self) -> str | None:
        number = PhoneNumber.objects.filter(active=True).order_by("pk").first()
        return number.phone_number_id if number else None

    def reply_window(self, resident: Resident, now: dt.datetime) -> Window:
        """WhatsApp lets us write freely for 24 hours after the resident's last message."""
        last = resident.last_inbound_at
        if last and now - last < WINDOW:
            return Window(True, last + WINDOW, "Jendela 24 jam terbuka: balasan langsung terkirim.")
        return Window(
            False,
            None,
            "Jendela 24 jam tertutup: WhatsApp hanya mengizinkan pesan templat. Balasan Anda disimpan "
            "dan ditahan sampai pemohon menulis lagi (atau dikirim sebagai templat bila tersedia).",
        )

    # -- the console ------------------------------------------------------------------------------
    def timeline(self, case: Any, since: dt.datetime) -> list[Heard | Said]:
        inbound = (
            InboundMessage.objects.filter(resident_id=case.resident_id, sent_at__gte=since)
            # A file filed to another of the resident's cases belongs to that case's page.
            .filter(Q(document__isnull=True) | Q(document__case__isnull=True) | Q(document__case=case))
            .select_related("document")
        )
        items: list[Heard | Said] = [
            Heard(m.sent_at, m.type, m.summary, flags=list(m.flags), document=m.document) for m in inbound
        ]
        outbound = OutboundMessage.objects.filter(
            Q(case=case) | Q(case__isnull=True, resident_id=case.resident_id, created_at__gte=since)
        )
        for message in outbound:
            text = message.text or message.document_name or message.template_name or "(pesan)"
            items.append(Said(message.created_at, text, message.get_status_display(), message.kind))
        return items

    def officer_requests(self, residents: QuerySet, limit: int) -> list[OfficerRequest]:
        talks = (
            Conversation.objects.filter(needs_officer=True, resident__in=residents)
            .select_related("resident")
            .order_by("officer_requested_at", "pk")[:limit]
        )
        found = []
        for talk in talks:
            last = InboundMessage.objects.filter(resident=talk.resident).order_by("-sent_at").first()
            found.append(
                OfficerRequest(
                    talk.pk, talk.resident, talk.officer_requested_at, last.summary if last else ""
                )
            )
        return found

    def mark_handled(self, ref: int, residents: QuerySet) -> bool:
        return bool(Conversation.objects.filter(pk=ref, resident__in=residents).update(needs_officer=False))

    def flagged_messages(self, residents: QuerySet, limit: int) -> list[FlaggedMessage]:
        return [
            FlaggedMessage(m.sent_at, m.resident, m.type, m.summary, flags=list(m.flags))
            for m in InboundMessage.objects.filter(resident__in=residents)
            .exclude(flags=[])
            .select_related("resident")
            .order_by("-sent_at")[:limit]
        ]

    def flagged_deliveries(self, limit: int) -> list[FlaggedDelivery]:
        return [
            FlaggedDelivery(d.received_at, d.pk, flags=list(d.flags))
            for d in Delivery.objects.exclude(flags=[]).order_by("-received_at")[:limit]
        ]

    def incidents(self) -> list[Incident]:
        return [
            Incident(
                channel=self.name,
                kind=row.kind,
                kind_label=row.get_kind_display(),
                scope=row.scope,
                message=row.message,
                pauses_sending=row.pauses_sending,
                review_url=reverse("whatsapp-quarantine") if row.kind == IncidentRow.Kind.QUARANTINE else "",
            )
            for row in active_incidents()
        ]

    def review_pages(self) -> list[ReviewPage]:
        return [ReviewPage("Karantina kiriman", reverse("whatsapp-quarantine"))]

    # -- figures ------------------------------------------------------------------------------------
    def automatic_replies(self, since: dt.datetime, until: dt.datetime) -> list[AutomaticReply]:
        return [
            AutomaticReply(resident_id, at, text)
            for resident_id, at, text in OutboundMessage.objects.filter(
                kind=OutboundMessage.Kind.REPLY,
                case__isnull=True,
                created_at__gte=since,
                created_at__lt=until,
            )
            .order_by("created_at", "pk")
            .values_list("resident_id", "created_at", "text")
        ]

    def first_automatic_reply_at(self) -> dt.datetime | None:
        return (
            OutboundMessage.objects.filter(
                kind=OutboundMessage.Kind.REPLY, case__isnull=True, purged_at__isnull=True
            )
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )

    def handled_messages(
        self, resident_ids: Iterable[int], since: dt.datetime, until: dt.datetime
    ) -> list[HandledText]:
        return [
            # handled_at is never NULL here: the filter asks for a range of it.
            HandledText(resident_id, handled_at or received_at, pk, type_, received_at, _text_body(payload))
            for resident_id, handled_at, pk, type_, received_at, payload in InboundMessage.objects.filter(
                resident_id__in=list(resident_ids), handled_at__gte=since, handled_at__lt=until
            )
            .order_by("handled_at", "pk")
            .values_list("resident_id", "handled_at", "pk", "type", "received_at", "payload")
        ]

    def officer_message_times(
        self, resident_ids: Iterable[int], since: dt.datetime, until: dt.datetime
    ) -> list[tuple[int, dt.datetime]]:
        return list(
            OutboundMessage.objects.filter(
                kind=OutboundMessage.Kind.OFFICER,
                resident_id__in=list(resident_ids),
                created_at__gte=since,
                created_at__lt=until,
            ).values_list("resident_id", "created_at")
        )


def register() -> None:
    port.register(WhatsAppChannel())
