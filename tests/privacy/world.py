"""A resident's history through the real channel: a request, consent, files, cancelled."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from loket.cases.models import Case, Document
from loket.channels.whatsapp.models import Delivery, InboundMessage, OutboundMessage
from tests.whatsapp.inbound import deliver, jpeg, message, photo, text

KIA_BUDI = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"
KIA_SITI = "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA"
KIA_SHORT = "#KIA#3603035512180003#SITI AMINAH"  # the parser explains what is missing


def consent_button(**kw) -> dict:
    return message(
        "interactive", type="button_reply", button_reply={"id": "consent:yes", "title": "Ya"}, **kw
    )


def request_with_files(fake_graph, request: str = KIA_BUDI, *, ts: int = 1764400000) -> Case:
    deliver(text(request, ts=ts))
    deliver(consent_button(ts=ts + 10))
    deliver(
        photo(fake_graph, jpeg(), caption="AKTA", ts=ts + 20),
        photo(fake_graph, jpeg((0, 0, 0)), caption="KK", ts=ts + 21),
    )
    return Case.objects.get(raw_text=request)


def cancel(case: Case, *, ts: int = 1764400100) -> None:
    deliver(text(f"BATAL {case.request_number}", ts=ts))
    case.refresh_from_db()


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def snapshot() -> dict:
    """Every row a purge may touch, as values: equal snapshots mean nothing changed."""
    return {
        "cases": list(Case.objects.order_by("pk").values()),
        "documents": list(Document.objects.order_by("pk").values()),
        "messages": list(InboundMessage.objects.order_by("pk").values()),
        "replies": list(OutboundMessage.objects.order_by("pk").values()),
        "deliveries": [(d.pk, bytes(d.body), d.purged_at) for d in Delivery.objects.order_by("pk")],
        "files": stored_files(),
    }
