""" "Ingatkan saya" in the guided menu: a resident asks to be reminded about a child.

The menu row asks for the child's birth date (typed as the resident writes it: `05-03-2021`,
`5/3/2021`, `5 Maret 2021`; `domain.calendar.parse_date`, the one source of month names),
checks it (`outreach.reminders.check_birth_date`: not in the future, not 17 or older),
asks for consent to reminders with buttons when the resident has not said yes yet
(`outreach.preferences`), then registers the child (`outreach.reminders.register_child`)
and answers with `registered_text`. After BERHENTI nothing is asked or registered: the
resident is told to send MULAI first (only MULAI undoes BERHENTI).

The state is the resident's `GuidedConversation` row (steps REMIND_DATE and
REMIND_CONSENT; the date waits in `pending` until consent). See docs/guided.md.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from loket.cases.models import Resident
from loket.channels.whatsapp.conversation.choices import Option, offer
from loket.channels.whatsapp.conversation.shared import reply
from loket.channels.whatsapp.models import GuidedConversation
from loket.domain.calendar import long_date, parse_date
from loket.outreach import preferences, reminders
from loket.outreach.models import Purpose

Step = GuidedConversation.Step

ASK_DATE = "Ketik tanggal lahir anak, misalnya 05-03-2021 atau 5 Maret 2021:"
NOT_A_DATE = "Maaf, tanggal itu belum bisa kami baca (yang kami terima: “{said}”)."
CONSENT = (
    "Boleh kami kirimi Anda pengingat lewat WhatsApp untuk anak yang lahir {born} "
    "(KIA tanpa foto berakhir di usia 5 tahun, wajib KTP-el di usia 17 tahun)? "
    "Tanggal lahir hanya dipakai untuk pengingat ini."
)
DECLINED = "Baik, tidak kami catat dan tidak ada pengingat. Ketik MENU untuk layanan lain."


def stopped_text(resident: Resident) -> str | None:
    """After BERHENTI: how to receive reminders again (only MULAI undoes it); else None."""
    since = preferences.stopped_at(resident)
    if since is None:
        return None
    return (
        f"Anda sudah berhenti menerima pengingat sejak {timezone.localtime(since):%d-%m-%Y}. "
        "Bila ingin diingatkan lagi, ketik MULAI, lalu pilih *Ingatkan saya* di MENU."
    )


def begin(conv: GuidedConversation) -> None:
    """The menu row chosen: ask for the birth date (or, after BERHENTI, say how to MULAI)."""
    from loket.channels.whatsapp.conversation.guided import end

    end(conv)
    stopped = stopped_text(conv.resident)
    if stopped:
        reply(conv.resident, stopped)
        return
    _ask_date(
        conv,
        before="Kami bisa mengingatkan Anda saat KIA anak perlu diperbarui (usia 5 tahun) dan saat anak "
        "wajib KTP-el (usia 17 tahun). Ketik BATAL untuk berhenti.",
    )


def _ask_date(conv: GuidedConversation, *, before: str = "") -> None:
    conv.step, conv.key, conv.choices, conv.pending = Step.REMIND_DATE, "", [], {}
    conv.turn += 1  # a button of an earlier question no longer counts
    conv.asked_at = timezone.now()
    conv.save()
    reply(conv.resident, (before + "\n\n" if before else "") + ASK_DATE)


def answer_date(conv: GuidedConversation, text: str) -> None:
    """The typed birth date: checked, then consent asked or the child registered."""
    born = parse_date(text)
    if born is None:
        said = " ".join(text.split())[:40]
        _ask_date(conv, before=NOT_A_DATE.format(said=said))
        return
    try:
        reminders.check_birth_date(born)
    except reminders.NotAChild as why:
        _ask_date(conv, before=str(why))
        return
    stopped = stopped_text(conv.resident)
    if stopped:  # BERHENTI sent while the question was open
        _finish(conv, stopped)
        return
    if preferences.allows(conv.resident, Purpose.REMINDER):
        register(conv, born)
        return
    offer(
        conv,
        CONSENT.format(born=long_date(born, weekday=False)),
        [Option("yes", "Ya, ingatkan"), Option("no", "Tidak usah")],
    )
    conv.step, conv.pending = Step.REMIND_CONSENT, {"born": born.isoformat()}
    conv.save()


def answer_consent(conv: GuidedConversation, agreed: bool, *, message_ref: str = "") -> None:
    """The consent buttons (or a typed YA/TIDAK, or the choice's number)."""
    born = dt.date.fromisoformat(str(conv.pending.get("born")))
    if not agreed:
        _finish(conv, DECLINED)
        return
    stopped = stopped_text(conv.resident)
    if stopped:
        _finish(conv, stopped)
        return
    register(conv, born, message_ref=message_ref)


def register(conv: GuidedConversation, born: dt.date, *, message_ref: str = "") -> None:
    try:
        registered = reminders.register_child(conv.resident, born, via="guided", message_ref=message_ref)
    except reminders.NotAChild as why:  # the day turned while the question was open
        _finish(conv, f"{why} Ketik MENU untuk layanan lain.")
        return
    _finish(conv, reminders.registered_text(registered))


def _finish(conv: GuidedConversation, text: str) -> None:
    from loket.channels.whatsapp.conversation.guided import end

    end(conv)
    reply(conv.resident, text)
