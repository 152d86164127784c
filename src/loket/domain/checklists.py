"""Which documents each service needs, from the request itself (defaults per the national rules).

Pure domain code. Local practice (e.g. "both parents in one family card", a single parent
or guardian) is configuration layered on top of these defaults by the cases app.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str  # what a resident reads, Bahasa Indonesia
    captions: tuple[str, ...]  # caption words that label a file as this kind


KINDS: dict[str, DocumentKind] = {
    k.key: k
    for k in [
        DocumentKind(
            "akta_kelahiran", "Akta kelahiran anak", ("AKTA", "AKTE", "AKTA LAHIR", "AKTA KELAHIRAN")
        ),
        DocumentKind("ktp_ayah", "KTP-el ayah", ("KTP AYAH", "KTP BAPAK", "KTP BAPAK/AYAH")),
        DocumentKind("ktp_ibu", "KTP-el ibu", ("KTP IBU", "KTP BUNDA")),
        DocumentKind("kk", "Kartu Keluarga (KK)", ("KK", "KARTU KELUARGA")),
        DocumentKind("pas_foto", "Pas foto anak berwarna", ("FOTO", "PAS FOTO", "PASFOTO")),
        DocumentKind(
            "surat_kehilangan",
            "Surat keterangan kehilangan dari kepolisian",
            ("SURAT HILANG", "SURAT KEHILANGAN", "SURAT POLISI", "KEHILANGAN"),
        ),
        DocumentKind("ktp_rusak", "KTP-el yang rusak", ("KTP RUSAK",)),
        DocumentKind("ktp_el", "KTP-el pemohon", ("KTP", "KTP-EL", "KTPEL", "E-KTP", "EKTP")),
        DocumentKind("skpwni", "Surat pindah (SKPWNI) dari daerah asal", ("SKPWNI", "SURAT PINDAH")),
        # A guardian, or a single parent who may send either card (the office's checklist).
        DocumentKind("ktp_wali", "KTP-el wali", ("KTP WALI",)),
        DocumentKind("ktp_orang_tua", "KTP-el ayah atau ibu", ("KTP ORANG TUA",)),
    ]
}


def required_documents(
    service: str, fields: Mapping[str, object], derived: Mapping[str, object]
) -> list[DocumentKind]:
    """The documents a request needs, in the order a resident is asked for them."""
    keys: list[str]
    if service == "KIA":
        keys = ["akta_kelahiran", "ktp_ayah", "ktp_ibu", "kk"]
        if derived.get("perlu_foto"):
            keys.append("pas_foto")
    elif service == "KTP":
        jenis = str(fields.get("jenis") or "").upper()
        keys = {"HILANG": ["surat_kehilangan", "kk"], "RUSAK": ["ktp_rusak", "kk"]}.get(jenis, ["kk"])
    elif service == "KK" or service == "SKPWNI":
        keys = ["kk", "ktp_el"]
    elif service == "SKDWNI":
        keys = ["skpwni", "ktp_el"]
    else:
        keys = []
    return [KINDS[k] for k in keys]


def _caption_key(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", " ", text.upper()).strip()


_BY_CAPTION = sorted(
    ((_caption_key(c), kind) for kind in KINDS.values() for c in kind.captions),
    key=lambda item: -len(item[0]),
)


def kind_from_caption(caption: str) -> DocumentKind | None:
    """Label a file from its caption ('KTP IBU', 'foto akta'); longest caption phrase wins,
    so the specific 'KTP WALI' beats the plain 'KTP'. The one caption reader of the project."""
    text = f" {_caption_key(caption)} "
    for phrase, kind in _BY_CAPTION:
        if f" {phrase} " in text:
            return kind
    return None
