"""Every template Loket may send, declared once: name, category, language, parameters, text.

The list an office must get approved in WhatsApp Manager (docs/whatsapp.md, between the
`templates:begin`/`templates:end` markers) is generated from `DECLARED` by `loket whatsapp
templates --markdown`; a test fails when the two differ.

Categories (Meta's template categories and pricing rules, written down in docs/whatsapp.md,
"Templates"): UTILITY is for a follow-up
on a specific request of the resident and names it (the request number); MARKETING for
anything else Loket writes first (reminders about things not yet requested, campaigns);
AUTHENTICATION for one-time codes, which Loket never sends. `refusal` applies the rule to a
message: the sender refuses a MARKETING template on a message tied to a case (or a reply),
and a UTILITY one on an outreach message (a reminder or bulk message tied to no case).

`LOKET_WA_TEMPLATES`, when set, overrides the names: `kind=name:language` decides a kind's
template outside the window (the whole mapping, as before: a kind left out is held), and
`declared_name=name:language` renames a declared template (the office's approved name).
Category, parameters and text stay the declaration's.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from django.conf import settings

from loket.outreach import campaigns, events, question, reminders
from loket.survey import invitations


class Category(enum.StrEnum):
    UTILITY = "UTILITY"
    MARKETING = "MARKETING"
    AUTHENTICATION = "AUTHENTICATION"


@dataclass(frozen=True)
class Declared:
    name: str
    category: Category
    body: str  # as entered in WhatsApp Manager, with {{1}}, {{2}} ...
    params: tuple[str, ...]  # what each {{n}} holds, in order
    sent_by: str  # what sends it (for the office and the docs)
    language: str = "id"
    header: str = ""  # "document" when the template carries the file (a PDF receipt)
    buttons: tuple[str, ...] = ()  # quick-reply buttons, in order
    kinds: tuple[str, ...] = ()  # message kinds it stands in for outside the 24-hour window


DECLARED: tuple[Declared, ...] = (
    Declared(
        "loket_kabar_permohonan",
        Category.UTILITY,
        "Ada kabar tentang permohonan {{1}}: {{2}}",
        ("request number", "the message, on one line"),
        "replies, case updates and officers' messages when the 24-hour window is closed",
        kinds=("reply", "case_update", "officer"),
    ),
    Declared(
        "loket_bukti_pengambilan",
        Category.UTILITY,
        "Bukti pengambilan {{1}}. {{2}}",
        ("request number", "the message, on one line"),
        "the pickup receipt (PDF) when the window is closed",
        header="document",
        kinds=("receipt",),
    ),
    Declared(
        "loket_pengingat_pengambilan",
        Category.UTILITY,
        "Pengingat {{1}}: {{2}}",
        ("request number", "the message, on one line"),
        "a reminder about a request without a template of its own",
        kinds=("reminder",),
    ),
    Declared(
        "loket_serah_terima",
        Category.UTILITY,
        "Serah terima {{1}}: {{2}}",
        ("request number", "who received the card, when; ends 'Bukan Anda? Balas PETUGAS.'"),
        "the card was handed over at the counter (scheduling.counter)",
        kinds=("hand_over",),
    ),
    Declared(
        "pengingat_pengambilan",
        Category.UTILITY,
        "Pengingat: jadwal pengambilan kartu permohonan {{1}} adalah {{2}}, sesi {{3}}. "
        "Bawa bukti dan dokumen asli.",
        ("request number", "long date", "session"),
        "scheduling.send_reminders, the working day before a pickup",
    ),
    Declared(
        "pengingat_perekaman",
        Category.UTILITY,
        "Pengingat: jadwal perekaman KTP-el permohonan {{1}} adalah {{2}}, sesi {{3}}. "
        "Bawa bukti dan dokumen asli.",
        ("request number", "long date", "session"),
        "scheduling.send_reminders, the working day before a recording appointment",
    ),
    Declared(
        "pengingat_belum_diambil",
        Category.UTILITY,
        "Permohonan {{1}} belum diambil sejak {{2}}. Silakan datang pada jam layanan, atau ketik "
        "JADWAL ULANG untuk memilih jadwal baru.",
        ("request number", "long date"),
        "scheduling.check_no_shows, a card not collected",
    ),
    Declared(
        "loket_persetujuan_operator",
        Category.UTILITY,
        "{{1}} membantu mendaftarkan permohonan dokumen kependudukan untuk {{2}} (nomor {{3}}) di "
        "Disdukcapil. Data hanya dipakai untuk dokumen ini. Tekan Saya setuju bila Anda orang tua/wali "
        "dan setuju, atau Tidak setuju untuk membatalkan.",
        ("the operator and their desa", "whom it is about (the child's name)", "request number"),
        "the one message a parent receives when a village operator submitted a request for them "
        "(port.ask_consent, docs/console.md); button payloads consent:yes and consent:no",
        buttons=("Saya setuju", "Tidak setuju"),
        kinds=("operator_consent",),
    ),
    Declared(
        invitations.TEMPLATE,
        Category.UTILITY,
        invitations.invitation_body("{{1}}", "{{2}}"),
        ("request number", "the service's name"),
        "survey.invite, once per request handed over or rejected, when the 24-hour window is closed",
        buttons=invitations.BUTTONS,
    ),
    Declared(
        "loket_tanya_pengingat",
        Category.UTILITY,
        question.question_body("{{1}}"),
        ("request number",),
        "outreach.ask, once per person after the card was handed over",
        buttons=(question.YES_TITLE, question.NO_TITLE),
    ),
    Declared(
        reminders.TEMPLATES[events.KIA_5],
        Category.MARKETING,
        reminders.reminder_body(events.KIA_5, "{{1}}", "{{2}}"),
        ("birth date", "the 5th birthday"),
        "outreach.send_reminders, to residents who said yes to reminders",
    ),
    Declared(
        reminders.TEMPLATES[events.KTP_17],
        Category.MARKETING,
        reminders.reminder_body(events.KTP_17, "{{1}}", "{{2}}"),
        ("birth date", "the 17th birthday"),
        "outreach.send_reminders, to residents who said yes to reminders",
    ),
    Declared(
        campaigns.TEMPLATES["KIA"],
        Category.MARKETING,
        campaigns.campaign_body("{{1}}"),
        ("the desa or kecamatan's name",),
        "outreach.send_campaigns, a KIA campaign to residents who said yes to service news (docs/outreach.md)",
    ),
)

BY_NAME: dict[str, Declared] = {d.name: d for d in DECLARED}
# Kinds that may carry MARKETING (and only MARKETING) when tied to no case.
OUTREACH_KINDS = frozenset({"reminder", "bulk"})


class TemplateRefused(ValueError):
    """A template that is not declared, or of the wrong category for the message."""


def _override() -> dict[str, tuple[str, str]] | None:
    raw = settings.LOKET_WA_TEMPLATES
    if raw is None:
        return None
    mapping = {}
    for item in str(raw).split(","):
        key, _, spec = item.strip().partition("=")
        name, _, language = spec.partition(":")
        if key and name:
            mapping[key.strip()] = (name.strip(), (language or "id").strip())
    return mapping


def kind_map() -> dict[str, tuple[str, str]]:
    """kind -> (template name, language) used outside the window."""
    override = _override()
    if override is not None:
        return {k: v for k, v in override.items() if k not in BY_NAME}
    return {kind: (d.name, d.language) for d in DECLARED for kind in d.kinds}


def sent_as(declared: Declared) -> tuple[str, str]:
    """(name, language) the office approved it under (the override, else the declaration)."""
    override = _override() or {}
    return override.get(declared.name, (declared.name, declared.language))


def declared_for(name: str, kind: str = "") -> Declared | None:
    """The declaration of a template by its declared name, its overriding name, or the kind's."""
    if name in BY_NAME:
        return BY_NAME[name]
    for declared in DECLARED:
        if sent_as(declared)[0] == name:
            return declared
    for declared in DECLARED:
        if kind in declared.kinds:
            return declared  # a kind's template renamed by LOKET_WA_TEMPLATES
    return None


def refusal(declared: Declared | None, *, kind: str, tied_to_case: bool, name: str = "") -> str:
    """Why this template may not carry this message ("" when it may)."""
    if declared is None:
        return f"template {name!r} is not declared (channels/whatsapp/templates.py)"
    if declared.category == Category.AUTHENTICATION:
        return f"template {declared.name} is AUTHENTICATION: Loket sends no codes"
    outreach = kind in OUTREACH_KINDS and not tied_to_case
    if outreach and declared.category != Category.MARKETING:
        return f"template {declared.name} is {declared.category}: a message about nothing requested needs MARKETING"
    if not outreach and declared.category == Category.MARKETING:
        return f"template {declared.name} is MARKETING: a message about a request may only use UTILITY"
    return ""


def check(name: str, *, kind: str, tied_to_case: bool) -> Declared:
    """The declaration of an explicitly named template; `TemplateRefused` when it may not be used."""
    declared = declared_for(name)
    reason = refusal(declared, kind=kind, tied_to_case=tied_to_case, name=name)
    if reason or declared is None:
        raise TemplateRefused(reason)
    return declared


# --- the list for WhatsApp Manager ----------------------------------------------------------

BEGIN, END = (
    "<!-- templates:begin (generated: loket whatsapp templates --markdown) -->",
    "<!-- templates:end -->",
)


def parameter_count(body: str) -> int:
    return len(set(re.findall(r"\{\{(\d+)\}\}", body)))


def markdown() -> str:
    """The generated block of docs/whatsapp.md (markers included)."""
    lines = [
        BEGIN,
        "| name | category | language | header | body | parameters | buttons | sent by |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for d in DECLARED:
        params = "; ".join(f"{{{{{i}}}}} {p}" for i, p in enumerate(d.params, 1))
        kinds = f" (kinds: {', '.join(d.kinds)})" if d.kinds else ""
        lines.append(
            f"| `{d.name}` | {d.category} | {d.language} | {d.header or '-'} | {d.body} | {params} | "
            f"{' / '.join(d.buttons) or '-'} | {d.sent_by}{kinds} |"
        )
    lines.append(END)
    return "\n".join(lines)


def plain() -> str:
    return "\n".join(f"{d.name}\t{d.category}\t{d.language}\t{len(d.params)} params" for d in DECLARED)
