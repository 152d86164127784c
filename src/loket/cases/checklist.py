"""The document checklist of a case: national defaults, then the office's configuration.

`loket.domain.checklists` holds the national rule per service. The office may replace a
service's list (LOKET_CHECKLIST_<SERVICE>) and sets its local practice (photo size, "both
parents in one family card"); an officer may mark a KIA request as from a single parent or
guardian, which the national rule allows and the office must serve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from loket.cases.models import Document
from loket.domain.checklists import KINDS, kind_from_caption, required_documents

# Every kind a checklist (national or configured) may name: the one table, in the domain.
ALL_KINDS = KINDS
PARENT_KTP = ("ktp_ayah", "ktp_ibu", "ktp_wali", "ktp_orang_tua")


@dataclass
class ChecklistItem:
    key: str
    label: str
    note: str = ""  # local practice the officer must check by eye
    # Keys of documents that satisfy this item (a single parent may send either KTP-el).
    accepts: tuple[str, ...] = ()
    # What the resident writes as the file's caption so that it is labelled as this item.
    captions: tuple[str, ...] = ()
    documents: list = field(default_factory=list)

    @property
    def present(self) -> bool:
        return any(document_counts(doc) for doc in self.documents)


# Statuses of a document that may count; REFUSED, UNAVAILABLE and NEEDS_CORRECTION never do.
COUNTING_STATUSES = frozenset({Document.Status.RECEIVED, Document.Status.ACCEPTED})


def document_counts(doc: Document) -> bool:
    """THE rule: does this document count toward its checklist item?

    Only a stored file that passed `loket.domain.files.check` (status received or accepted,
    no refusal recorded). Completeness, the resident's "still missing" list, resends and the
    approval guard all ask this one function.
    """
    return doc.status in COUNTING_STATUSES and bool(doc.file) and not doc.refusal


def kind_label(key: str) -> str:
    kind = ALL_KINDS.get(key)
    return kind.label if kind else key.replace("_", " ")


def label_for_caption(caption: str) -> str:
    """The checklist key for a file's caption, or "" (the officer labels it)."""
    kind = kind_from_caption(caption)
    return kind.key if kind else ""


def _captions(key: str) -> tuple[str, ...]:
    kind = ALL_KINDS.get(key)
    return kind.captions if kind else (key.replace("_", " ").upper(),)


def configured(service: str) -> bool:
    """Whether the office replaced the national list of `service` (LOKET_CHECKLIST_<SERVICE>)."""
    return bool(settings.LOKET_CHECKLIST_OVERRIDES.get(service))


def office_keys(service: str, fields: dict, derived: dict) -> list[str]:
    """The checklist keys of a request of `service`: the office's list when configured, else
    the national rule for these fields (what a resident is told before asking, too)."""
    override = settings.LOKET_CHECKLIST_OVERRIDES.get(service)
    if override:
        return [key for key in override if key in ALL_KINDS]
    return [kind.key for kind in required_documents(service, fields, derived)]


def _keys(case) -> list[str]:
    return office_keys(case.service, case.fields or {}, case.derived or {})


def checklist_for(case, documents: list | None = None) -> list[ChecklistItem]:
    """What the case needs, each item with the documents on the case that fulfil it
    (`documents`: the case's documents when the caller knows them, e.g. none yet)."""
    keys = _keys(case)
    single = bool((case.checklist_options or {}).get("single_parent")) and settings.LOKET_KIA_SINGLE_PARENT
    items: list[ChecklistItem] = []
    for key in keys:
        if single and key in ("ktp_ayah", "ktp_ibu"):
            if any(item.key == "ktp_orang_tua" for item in items):
                continue
            items.append(
                ChecklistItem(
                    "ktp_orang_tua",
                    "KTP-el ayah, ibu atau wali",
                    accepts=PARENT_KTP,
                    captions=_captions("ktp_orang_tua"),
                )
            )
            continue
        note = ""
        if key == "kk" and case.service == "KIA" and settings.LOKET_KIA_PARENTS_IN_ONE_KK and not single:
            note = "Aturan kantor: kedua orang tua tercantum dalam satu KK."
        if key == "pas_foto":
            note = f"Ukuran {settings.LOKET_KIA_PHOTO_SIZE} cm, berwarna."
        items.append(ChecklistItem(key, kind_label(key), note=note, accepts=(key,), captions=_captions(key)))
    if documents is None:
        documents = list(case.documents.all()) if case.pk else []
    for item in items:
        item.documents = [doc for doc in documents if doc.label in item.accepts]
    return items


def missing_items(case, documents: list | None = None) -> list[ChecklistItem]:
    return [item for item in checklist_for(case, documents) if not item.present]


def is_complete(case) -> bool:
    return not missing_items(case)
