"""The kecamatan and desa/kelurahan of a request, checked together against the office's regions."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from loket.domain.intake.draft import (
    Draft,
    and_list,
    office_regency_name,
    one_line,
    or_list,
    quoted,
    regency_name,
)
from loket.domain.regions import Match, NationalCode, Place, RegionIndex, normalise_name

if TYPE_CHECKING:
    from loket.domain.intake.services import Field


# --- places -----------------------------------------------------------------------------------

# A place name longer than this is not a place name: no matching effort is spent on it.
PLACE_MAX = 60


# "Kec. Tigaraksa", "Desa Pasir Bolang", "Kel. Sukamulya": the kind of place is not its name.
_PLACE_WORD = re.compile(r"^(kecamatan|kec|desa|ds|kelurahan|kel)\b\.?\s*", re.IGNORECASE)


# "PASIR BOLANG RT 02/03", "TIGARAKSA KAB. TANGERANG": what follows is not the name.
_PLACE_TAIL = re.compile(r"[\s,]+(rt|rw|kab|kabupaten|kota|prov|provinsi)\b.*$", re.IGNORECASE)


def place_name(raw: str) -> str:
    text = one_line(raw)
    stripped = _PLACE_TAIL.sub("", _PLACE_WORD.sub("", text, count=1))
    return stripped if stripped else text


def _desa_label(place: Place) -> str:
    return f"{'Kelurahan' if place.level == 'kelurahan' else 'Desa'} {place.nama}"


def _match(text: str, matcher: Callable[[str], Match]) -> Match:
    return matcher(text) if len(text) <= PLACE_MAX else Match()


def check_places(desa_raw: str, kecamatan_raw: str, desa: Field, kecamatan: Field, draft: Draft) -> None:
    """Kecamatan in the office's regency, then the desa within that kecamatan."""
    regions = draft.regions
    regency = office_regency_name(regions)
    kec_text, desa_text = place_name(kecamatan_raw), place_name(desa_raw)
    kec = _match(kec_text, regions.match_kecamatan) if kec_text else Match()
    if kec.found:
        assert kec.place is not None
        draft.fields[kecamatan.key] = kec.place.nama
        draft.fields["kode_kecamatan"] = kec.place.kode
    elif kec_text:
        _kecamatan_problem(kec_text, kec, desa_text, kecamatan, draft, regency)
    if not desa_text:
        return
    if kec.found:
        assert kec.place is not None
        if regions.has_desa(kec.place.kode):
            _desa_in_kecamatan(desa_text, kec.place, desa, draft)
        else:
            _desa_as_written(desa_text, kec.place, desa, draft)
    elif regions.has_desa() and not any(p.code == "kecamatan_outside_office" for p in draft.problems):
        # The kecamatan is not settled; the desa is still checked on its own (it may be
        # the hint that fixes the kecamatan), but a desa found somewhere is no problem here.
        anywhere = _match(desa_text, regions.desa_anywhere)
        if not anywhere.found and not anywhere.candidates:
            draft.problem("desa_unknown", desa.key, value=quoted(desa_text), where=regency)


def _kecamatan_problem(
    text: str, match: Match, desa_text: str, spec: Field, draft: Draft, regency: str
) -> None:
    regions = draft.regions
    if match.ambiguous:
        options = or_list([p.nama for p in match.candidates])
        draft.problem("kecamatan_ambiguous", spec.key, value=quoted(text), options=options)
        return
    elsewhere = _kecamatan_elsewhere(text, regions)
    if elsewhere:
        draft.problem(
            "kecamatan_outside_office",
            spec.key,
            place=elsewhere[0].nama,
            elsewhere=and_list(sorted({regency_name(regions, n.kode_induk) for n in elsewhere})),
            regency=regency,
        )
        return
    hint = ""
    desa_match = _match(desa_text, regions.desa_anywhere) if desa_text else Match()
    swapped = _match(desa_text, regions.match_kecamatan) if desa_text else Match()
    if swapped.found and _match(text, regions.desa_anywhere).found:
        hint = " Sepertinya nama desa dan kecamatan tertukar: tulis DESA dulu, lalu KECAMATAN."
    elif desa_match.found:
        assert desa_match.place is not None
        hint = f" {_desa_label(desa_match.place)} ada di Kecamatan {desa_match.place.nama_kecamatan}."
    draft.problem("kecamatan_unknown", spec.key, value=quoted(text), regency=regency, hint=hint)


def _kecamatan_elsewhere(text: str, regions: RegionIndex) -> list[NationalCode]:
    """Kecamatan of that exact name in other regencies (Ciputat is in Tangerang Selatan)."""
    return _national_kecamatan_by_name(regions).get(normalise_name(text), [])


@lru_cache(maxsize=4)
def _national_kecamatan_by_name(regions: RegionIndex) -> dict[str, list[NationalCode]]:
    by_name: dict[str, list[NationalCode]] = {}
    for code in regions.national.values():
        if code.level == "kecamatan" and not code.kode.startswith(regions.regency_code + "."):
            by_name.setdefault(normalise_name(code.nama), []).append(code)
    return by_name


def _desa_in_kecamatan(text: str, kecamatan: Place, spec: Field, draft: Draft) -> None:
    regions = draft.regions
    inside = _match(text, lambda t: regions.match_desa(t, kecamatan.kode))
    if inside.found and inside.how in ("exact", "alias"):
        _accept_desa(inside.place, spec, draft)
        return
    # Before trusting a near miss inside the kecamatan, look for the exact name elsewhere:
    # "Caringin" typed with kecamatan Tigaraksa is Caringin of Cisoka or Legok, not a
    # Tigaraksa desa that happens to look alike.
    exact_elsewhere = [p for p in regions.desa_named(text) if p.kode_kecamatan != kecamatan.kode]
    if inside.found and not exact_elsewhere:
        _accept_desa(inside.place, spec, draft)
        return
    if inside.ambiguous:
        hint = "".join(f" {_desa_label(p)} ada di Kecamatan {p.nama_kecamatan}." for p in exact_elsewhere)
        options = or_list([_desa_label(p) for p in inside.candidates])
        draft.problem("desa_ambiguous", spec.key, value=quoted(text), options=options, hint=hint)
        return
    found_elsewhere = exact_elsewhere or [
        p for p in _match(text, regions.desa_anywhere).candidates if p.kode_kecamatan != kecamatan.kode
    ]
    if found_elsewhere:
        by_label: dict[str, list[str]] = {}
        for place in found_elsewhere:
            by_label.setdefault(_desa_label(place), []).append(f"Kecamatan {place.nama_kecamatan}")
        if len(by_label) == 1:
            ((desa_label, kecamatan_names),) = by_label.items()
            where = f"{desa_label} ada di {and_list(kecamatan_names)}."
        else:
            desa_label = quoted(text)
            where = "Yang mirip: " + ", ".join(f"{d} di {and_list(k)}" for d, k in by_label.items()) + "."
        hint = f" Atau maksud Anda {_desa_label(inside.place)}?" if inside.place else ""
        draft.problem(
            "desa_not_in_kecamatan",
            spec.key,
            desa=desa_label,
            kecamatan=kecamatan.nama,
            where=where,
            hint=hint,
        )
        return
    draft.problem("desa_unknown", spec.key, value=quoted(text), where=f"Kecamatan {kecamatan.nama}")


def _desa_as_written(text: str, kecamatan: Place, spec: Field, draft: Draft) -> None:
    """No desa list for this kecamatan: the name cannot be checked, so it is kept as the
    resident wrote it (never refused) and the officer is told to check it against the KK."""
    if len(text) > PLACE_MAX:
        draft.problem("desa_unknown", spec.key, value=quoted(text), where=f"Kecamatan {kecamatan.nama}")
        return
    draft.fields[spec.key] = text.upper()
    draft.warn("desa_unverified", spec.key, value=quoted(text), kecamatan=kecamatan.nama)


def _accept_desa(place: Place | None, spec: Field, draft: Draft) -> None:
    assert place is not None
    draft.fields[spec.key] = place.nama
    draft.fields["kode_desa"] = place.kode
