"""Human words for what a case holds: field labels from the one declaration of the request
formats (`loket.domain.intake.services`) and region names from the regions table.

Officers read "Nomor KK" and "Desa Pasir Bolang, Kecamatan Tigaraksa", never `no_kk` or
`36.03.03.2002`.
"""

from __future__ import annotations

from dataclasses import dataclass

from loket.cases.models import Case
from loket.domain.intake.services import SERVICES, Field
from loket.regions.models import Region

# Field kinds whose values are numbers an officer copies digit by digit.
NUMBER_KINDS = frozenset({"nik", "no_kk", "no_skpwni"})
# Keys the parser adds next to the resident's words; the region row names them instead.
REGION_KEYS = frozenset({"kode_desa", "kode_kecamatan"})


@dataclass(frozen=True)
class FieldRow:
    label: str
    value: str
    number: bool = False  # shown in a fixed-width font


@dataclass(frozen=True)
class Place:
    name: str  # "Kecamatan Tigaraksa"; the code itself when the table does not know it
    code: str


def _declared(service: str) -> dict[str, Field]:
    declaration = SERVICES.get(service)
    return {f.key: f for f in declaration.fields} if declaration else {}


def field_label(service: str, key: str) -> str:
    """The label a resident's message uses for this field ("Nomor KK"); unknown keys are tidied."""
    spec = _declared(service).get(key) or _declared(service).get(key.lower())
    return spec.words if spec else key.replace("_", " ").capitalize()


def subject_label(service: str) -> str:
    declaration = SERVICES.get(service)
    return field_label(service, declaration.subject) if declaration else "Subjek"


def field_rows(case: Case) -> list[FieldRow]:
    """The request's fields in the order the format declares them, then any others."""
    declared = _declared(case.service)
    fields = {k: v for k, v in (case.fields or {}).items() if k not in REGION_KEYS}
    order = [k for k in declared if k in fields] + [k for k in fields if k not in declared]
    rows = []
    for key in order:
        spec = declared.get(key) or declared.get(key.lower())
        rows.append(
            FieldRow(
                label=field_label(case.service, key),
                value="" if fields[key] is None else str(fields[key]),
                number=bool(spec and spec.kind in NUMBER_KINDS),
            )
        )
    return rows


def places_of(case: Case) -> list[Place]:
    """The case's desa/kelurahan and kecamatan, named ("Desa Pasir Bolang"), smallest first."""
    codes = [c for c in (case.kode_desa, case.kode_kecamatan) if c]
    if not codes:
        return []
    regions = {r.kode: r for r in Region.objects.filter(kode__in=codes)}
    places = []
    for code in codes:
        region = regions.get(code)
        name = f"{Region.Level(region.level).label} {region.nama}" if region else code
        places.append(Place(name=name, code=code))
    return places
