"""Flood control: a resident sending very many messages gets one notice and an officer; all is kept."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from loket.channels.whatsapp.conversation.shared import OnDemand, reply
from loket.channels.whatsapp.models import Conversation, InboundMessage
from loket.core.rows import db_time, read_column

FLOOD_NOTICE_EVERY = dt.timedelta(minutes=10)

_RECENT_MESSAGES = (
    f"SELECT COUNT(*) FROM {InboundMessage._meta.db_table} "  # noqa: S608 - our table
    "WHERE resident_id = %s AND sent_at > %s AND sent_at <= %s"
)


def flooded(message: InboundMessage) -> bool:
    """More than LOKET_WA_FLOOD_PER_MINUTE messages from this resident in the minute up to this one."""
    # Asked for every message: written out rather than built by the ORM each time.
    since = message.sent_at - dt.timedelta(seconds=60)
    (recent,) = read_column(_RECENT_MESSAGES, [message.resident_id, db_time(since), db_time(message.sent_at)])
    return recent > settings.LOKET_WA_FLOOD_PER_MINUTE


def flood(message: InboundMessage, conversation: Conversation | OnDemand) -> None:
    """Flag the message; at most one notice (and officer hand-over) every FLOOD_NOTICE_EVERY."""
    message.flags = [*message.flags, "flood"]
    now = timezone.now()
    if conversation.flood_notice_at is None or now - conversation.flood_notice_at > FLOOD_NOTICE_EVERY:
        conversation.flood_notice_at = now
        conversation.needs_officer = True
        conversation.save(update_fields=["flood_notice_at", "needs_officer"])
        assert message.resident is not None  # only a resident's messages are routed here
        reply(
            message.resident,
            "Pesan Anda banyak sekali dalam waktu singkat. Semua pesan tetap kami simpan dan akan "
            "dibaca petugas. Mohon tunggu sebentar sebelum mengirim lagi.",
        )
