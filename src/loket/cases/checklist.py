"""The document checklist of a case: national defaults, then the office's configuration.

`loket.domain.checklists` holds the national rule per service. The office may replace a
service's list (LOKET_CHECKLIST_<SERVICE>) and sets its local practice (photo size, "both
parents in one family card"); an officer may mark a KIA request as from a single parent or
guardian, which the national rule allows and the office must serve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings

from loket.domain.checklists import KINDS, DocumentKind, kind_from_caption

# Kinds the office may need beyond the national defaults.
EXTRA_KINDS: dict[str, DocumentKind] = {
    "ktp_wali": DocumentKind("ktp_wali", "KTP-el wali", ("KTP WALI",)),
    "ktp_orang_tua": DocumentKind("ktp_orang_tua", "KTP-el ayah atau ibu", ("KTP ORANG TUA",)),
}
ALL_KINDS: dict[str, DocumentKind] = {**KINDS, **EXTRA_KINDS}
PARENT_KTP = ("ktp_ayah", "ktp_ibu", "ktp_wali", "ktp_orang_tua")


@dataclass
class ChecklistItem:
    key: str
    label: str
    note: str = ""  # local practice the officer must check by eye
    # Keys of documents that satisfy this item (a single parent may send either KTP-el).
    accepts: tuple[str, ...] = ()
    documents: list = field(default_factory=list)

    @property
    def present(self) -> bool:
        return any(
            doc.status in (doc.Status.RECEIVED, doc.Status.ACCEPTED) and doc.file for doc in self.documents
        )


def kind_label(key: str) -> str:
    kind = ALL_KINDS.get(key)
    return kind.label if kind else key.replace("_", " ")


def label_for_caption(caption: str) -> str:
    """The checklist key for a file's caption, or "" (the officer labels it)."""
    # The office's kinds are more specific ("KTP WALI") than the national "KTP": first.
    words = " " + " ".join(re.sub(r"[^A-Z0-9]+", " ", caption.upper()).split()) + " "
    for kind in EXTRA_KINDS.values():
        if any(f" {phrase} " in words for phrase in kind.captions):
            return kind.key
    kind = kind_from_caption(caption)
    return kind.key if kind else ""


def _keys(case) -> list[str]:
    override = settings.LOKET_CHECKLIST_OVERRIDES.get(case.service)
    if override:
        return [key for key in override if key in ALL_KINDS]
    from loket.domain.checklists import required_documents

    return [kind.key for kind in required_documents(case.service, case.fields or {}, case.derived or {})]


def checklist_for(case) -> list[ChecklistItem]:
    """What the case needs, each item with the documents on the case that fulfil it."""
    keys = _keys(case)
    single = bool((case.checklist_options or {}).get("single_parent")) and settings.LOKET_KIA_SINGLE_PARENT
    items: list[ChecklistItem] = []
    for key in keys:
        if single and key in ("ktp_ayah", "ktp_ibu"):
            if any(item.key == "ktp_orang_tua" for item in items):
                continue
            items.append(ChecklistItem("ktp_orang_tua", "KTP-el ayah, ibu atau wali", accepts=PARENT_KTP))
            continue
        note = ""
        if key == "kk" and case.service == "KIA" and settings.LOKET_KIA_PARENTS_IN_ONE_KK and not single:
            note = "Aturan kantor: kedua orang tua tercantum dalam satu KK."
        if key == "pas_foto":
            note = f"Ukuran {settings.LOKET_KIA_PHOTO_SIZE} cm, berwarna."
        items.append(ChecklistItem(key, kind_label(key), note=note, accepts=(key,)))
    documents = list(case.documents.all()) if case.pk else []
    for item in items:
        item.documents = [doc for doc in documents if doc.label in item.accepts]
    return items


def missing_items(case) -> list[ChecklistItem]:
    return [item for item in checklist_for(case) if not item.present]


def is_complete(case) -> bool:
    return not missing_items(case)
