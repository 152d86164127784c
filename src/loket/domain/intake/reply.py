"""What the resident reads: the filled-in format, the reply to a message, the help text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from loket.domain.intake.draft import and_list, office_regency_name, quoted
from loket.domain.intake.problems import OFFICER_HINT
from loket.domain.intake.services import SERVICES, Service
from loket.domain.regions import RegionIndex, office_regions

if TYPE_CHECKING:
    from loket.domain.intake.parser import ParseResult

__all__ = ["canonical_message", "filled_format", "help_text", "labels", "quoted", "reply_text"]

EXAMPLE = "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA"


def _declaration(service: str | Service) -> Service:
    return service if isinstance(service, Service) else SERVICES[service.upper()]


def labels(service: Service) -> str:
    return ", ".join(f.label for f in service.fields)


def _shown(kind: str, value: object) -> str:
    text = str(value)
    return text.upper() if kind in ("desa", "kecamatan") else text


def filled_format(service: str | Service, fields: dict[str, object]) -> str:
    """The format with the resident's good values filled in and placeholders for the rest."""
    declaration = _declaration(service)
    values = [
        _shown(f.kind, fields[f.key]) if fields.get(f.key) not in (None, "") else f.label
        for f in declaration.fields
    ]
    return "#" + "#".join([declaration.keyword, *values])


def canonical_message(service: str | Service, fields: dict[str, object]) -> str:
    """The message a resident would send for these fields: parse() reads it back unchanged."""
    declaration = _declaration(service)
    missing = [f.key for f in declaration.fields if fields.get(f.key) in (None, "")]
    if missing:
        raise ValueError(f"fields missing for {declaration.keyword}: {', '.join(missing)}")
    return filled_format(declaration, fields)


def help_text(regions: RegionIndex | None = None) -> str:
    """The friendly explanation of the five formats and where to send each, greeting from the
    office whose regions are given (default: the configured office)."""
    office = office_regency_name(regions or office_regions())
    lines = [
        f"Halo, terima kasih sudah menghubungi layanan WhatsApp Dukcapil {office}. "
        "Pesan Anda belum berisi permohonan yang kami kenali.",
        "Untuk mengurus dokumen, kirim SATU pesan dengan format di bawah ini ke nomor layanannya. "
        "Pisahkan setiap data dengan tanda #.",
        "",
    ]
    for number, service in enumerate(SERVICES.values(), start=1):
        lines.append(f"{number}. {service.name}, kirim ke {service.number}:")
        lines.append(service.format)
    lines += ["", f"Contoh: {EXAMPLE}", "", "Jika perlu bantuan, balas PETUGAS agar dibantu petugas."]
    return "\n".join(lines)


def reply_text(result: ParseResult) -> str:
    declaration = result.declaration
    if declaration is None:
        return result.problems[0].message if result.problems else help_text()
    if result.ok:
        return f"Terima kasih, data permohonan {declaration.name} Anda sudah lengkap dan kami terima."
    lines = [f"Maaf, permohonan {declaration.name} Anda belum bisa kami proses:"]
    lines += [f"- {p.text}" for p in result.problems]
    redirect = next((SERVICES[p.redirect] for p in result.problems if p.redirect in SERVICES), None)
    target = redirect or declaration
    placeholders = [f.label for f in target.fields if result.fields.get(f.key) in (None, "")]
    if redirect:
        intro = f"Untuk {redirect.name}, kirim pesan di bawah ini ke {redirect.number}"
    else:
        intro = "Silakan periksa lalu kirim ulang dengan format di bawah ini"
    if placeholders:
        intro += (
            ". Data Anda yang sudah benar sudah kami isikan; ganti tulisan "
            + and_list(placeholders)
            + " dengan data yang benar:"
        )
    else:
        intro += ":"
    lines += ["", intro, filled_format(target, result.fields), "", OFFICER_HINT]
    return "\n".join(lines)
