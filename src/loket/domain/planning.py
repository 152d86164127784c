"""The capacity planner's arithmetic: what reaching a coverage target by a date takes.

Pure and exact: every input is an int or a Fraction (a target such as 90.5 is read as a
Decimal and turned into a Fraction, never a float), and every "how many" is rounded up
with `math.ceil` on a Fraction, which is exact. The formulae, with the regency's worked
example, are in docs/planning.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

# Stated defaults, used when Loket has not measured a figure yet (no cases) and the
# person planning gave none. Each is named in the plan's assumptions with its source.
DEFAULT_MINUTES_PER_CASE = Fraction(10)  # officer minutes to review one request
DEFAULT_CORRECTIONS_PER_CASE = Fraction(1, 4)  # correction rounds per request
DEFAULT_COMPLETE_SHARE = Fraction(1, 2)  # share of requests complete on arrival
DEFAULT_OFFICER_MINUTES_PER_DAY = 360  # six working hours at the desk
DEFAULT_UTILISATION = Fraction(3, 4)  # share of those minutes spent on requests
DEFAULT_SESSIONS_PER_DAY = 2  # the counter's sessions: pagi and siang

RESOURCE_LABELS = {
    "officers": "Petugas verifikasi",
    "counter_sessions": "Sesi loket pengambilan",
    "printing": "Pencetakan kartu",
}


class PlanError(ValueError):
    """Input the plan cannot be computed from; the message is fit for an officer."""


def parse_decimal(text: str | int | Decimal | Fraction, name: str) -> Fraction:
    """'90', '90.5' or '90,5' as an exact Fraction; anything else is a PlanError."""
    if isinstance(text, Fraction):
        return text
    if isinstance(text, int | Decimal):
        value = Decimal(text)
    else:
        try:
            value = Decimal(str(text).strip().replace(",", "."))
        except InvalidOperation:
            raise PlanError(f"{name}: '{text}' bukan angka") from None
    if not value.is_finite():
        raise PlanError(f"{name}: '{text}' bukan angka")
    return Fraction(value)


def ceil_div(a: Fraction | int, b: Fraction | int) -> int:
    """⌈a / b⌉, exactly."""
    return math.ceil(Fraction(a) / Fraction(b))


def cards_needed(target_percent: Fraction, children: int, holders: int) -> int:
    """max(0, ⌈target × children / 100⌉ − holders)."""
    return max(0, math.ceil(Fraction(target_percent) * children / 100) - holders)


def largest_remainder(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split `total` in proportion to `weights` into whole numbers that sum to `total`
    exactly: each gets the floor of its quota, the rest go one each to the largest
    remainders (ties: the larger weight, then the key)."""
    whole = sum(weights.values())
    if total < 0 or any(w < 0 for w in weights.values()):
        raise PlanError("pembagian: angka tidak boleh negatif")
    if whole == 0:
        if total:
            raise PlanError("pembagian: tidak ada bobot untuk membagi kartu")
        return dict.fromkeys(weights, 0)
    shares = {key: Fraction(total * w, whole) for key, w in weights.items()}
    out = {key: math.floor(q) for key, q in shares.items()}
    left = total - sum(out.values())
    order = sorted(weights, key=lambda k: (-(shares[k] - out[k]), -weights[k], k))
    for key in order[:left]:
        out[key] += 1
    return out


@dataclass(frozen=True)
class PlanInputs:
    target_percent: Fraction
    children: int
    holders_imported: int
    holders_loket: int
    working_days: int
    minutes_per_case: Fraction = DEFAULT_MINUTES_PER_CASE
    corrections_per_case: Fraction = DEFAULT_CORRECTIONS_PER_CASE
    complete_share: Fraction = DEFAULT_COMPLETE_SHARE
    officer_minutes_per_day: int = DEFAULT_OFFICER_MINUTES_PER_DAY
    utilisation: Fraction = DEFAULT_UTILISATION
    session_capacity: int = 40
    sessions_per_day: int = DEFAULT_SESSIONS_PER_DAY
    printing_capacity: int = 200
    officers_available: int = 0

    def check(self) -> None:
        if not 0 < self.target_percent <= 100:
            raise PlanError("Target cakupan harus lebih dari 0 dan paling banyak 100 (persen).")
        if self.working_days < 1:
            raise PlanError("Tidak ada hari kerja dalam rentang itu: pilih tanggal yang lebih jauh.")
        if self.children < 0 or self.holders_imported < 0 or self.holders_loket < 0:
            raise PlanError("Jumlah anak dan pemilik KIA tidak boleh negatif.")
        if self.minutes_per_case < 0 or self.corrections_per_case < 0:
            raise PlanError("Menit per permohonan dan putaran perbaikan tidak boleh negatif.")
        if not 0 <= self.complete_share <= 1:
            raise PlanError("Bagian permohonan lengkap saat masuk harus antara 0 dan 1.")
        if self.officer_minutes_per_day < 1:
            raise PlanError("Menit kerja petugas per hari harus 1 atau lebih.")
        if not 0 < self.utilisation <= 1:
            raise PlanError("Utilisasi petugas harus lebih dari 0 dan paling banyak 1.")
        if self.session_capacity < 1:
            raise PlanError("Kapasitas per sesi loket harus 1 atau lebih.")
        if self.sessions_per_day < 0 or self.printing_capacity < 0 or self.officers_available < 0:
            raise PlanError("Kapasitas yang tersedia tidak boleh negatif.")

    @property
    def holders(self) -> int:
        return self.holders_imported + self.holders_loket

    @property
    def reviews_per_card(self) -> Fraction:
        """One review, one more per correction round, and one more look for a request
        that was not complete on arrival (documents asked for and checked again)."""
        return 1 + self.corrections_per_case + (1 - self.complete_share)


@dataclass(frozen=True)
class Resource:
    key: str
    needed: int
    available: int

    @property
    def label(self) -> str:
        return RESOURCE_LABELS[self.key]

    @property
    def load(self) -> Fraction | None:
        """needed / available; None when nothing is available (an infinite load)."""
        if self.available == 0:
            return None if self.needed else Fraction(0)
        return Fraction(self.needed, self.available)

    @property
    def short(self) -> int:
        return max(0, self.needed - self.available)


@dataclass(frozen=True)
class Plan:
    inputs: PlanInputs
    cards_needed: int
    cards_per_working_day: int
    officer_minutes_per_day_needed: Fraction
    officers: int
    counter_sessions_per_day: int
    printing_per_day: int
    resources: list[Resource] = field(default_factory=list)

    @property
    def bottleneck(self) -> Resource | None:
        """The resource loaded most (needed over available); None when no card is needed."""
        if not self.cards_needed:
            return None

        def weight(r: Resource) -> tuple[int, Fraction]:
            return (1, Fraction(0)) if r.load is None else (0, r.load)

        return max(self.resources, key=weight)


def plan(inputs: PlanInputs) -> Plan:
    inputs.check()
    needed = cards_needed(inputs.target_percent, inputs.children, inputs.holders)
    per_day = ceil_div(needed, inputs.working_days)
    minutes = per_day * inputs.minutes_per_case * inputs.reviews_per_card
    officers = ceil_div(minutes, inputs.officer_minutes_per_day * inputs.utilisation)
    sessions = ceil_div(per_day, inputs.session_capacity)
    resources = [
        Resource("officers", officers, inputs.officers_available),
        Resource("counter_sessions", sessions, inputs.sessions_per_day),
        Resource("printing", per_day, inputs.printing_capacity),
    ]
    return Plan(inputs, needed, per_day, minutes, officers, sessions, per_day, resources)


@dataclass(frozen=True)
class KecamatanGap:
    kode: str
    name: str
    children: int
    holders: int

    def gap(self, target_percent: Fraction) -> int:
        return cards_needed(target_percent, self.children, self.holders)


def kecamatan_shares(
    total: int, target_percent: Fraction, areas: list[KecamatanGap]
) -> dict[str, tuple[int, int]]:
    """Per kecamatan: (its own gap to the target, the cards it must contribute), the
    contributions proportional to the gaps and summing exactly to `total`. When every
    kecamatan is at the target by its own (older) table yet the regency still needs
    cards, they are shared by children without a KIA, then by children."""
    gaps = {a.kode: a.gap(target_percent) for a in areas}
    weights = gaps
    if total and not sum(weights.values()):
        weights = {a.kode: max(0, a.children - a.holders) for a in areas}
    if total and not sum(weights.values()):
        weights = {a.kode: a.children for a in areas}
    if not areas or (total and not sum(weights.values())):
        return {}
    contribution = largest_remainder(total, weights)
    return {a.kode: (gaps[a.kode], contribution[a.kode]) for a in areas}
