"""The SKM report: per period and service (and kecamatan where the person's area is one),
respondents, NRR per element (and × 25), the unit index and IKM with its grade, whether the
sample reaches the Krejcie-Morgan minimum for the residents served, the weakest elements,
the profile of respondents and their suggestions (numbers masked). No personal data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.utils import timezone

from loket.cases.models import CaseEvent, State
from loket.console.services import SERVICES
from loket.domain import skm
from loket.domain.calendar import long_date
from loket.survey.flow import LABELS
from loket.survey.models import Outcome, Survey

SERVICE_NAMES = SERVICES  # how the console names the services (one source)
PROFILE_NAMES = {
    "sex": "Jenis kelamin",
    "age_band": "Usia",
    "education": "Pendidikan",
    "occupation": "Pekerjaan",
}
# Runs of digits long enough to be a NIK, KK or phone number are masked in suggestions.
LONG_NUMBER = re.compile(r"\+?\d(?:[\s.-]?\d){5,}")


def weight() -> skm.Weight:
    """The weight setting; a value other than 0.11 or 1/9 stops the report with the reason."""
    try:
        return skm.Weight.parse(settings.LOKET_SKM_WEIGHT)
    except ValueError as exc:
        raise ImproperlyConfigured(f"LOKET_SKM_WEIGHT: {exc}") from exc


def id_number(value: object) -> str:
    """81.13 -> '81,13': the decimal comma offices print."""
    return str(value).replace(".", ",")


def masked(text: str) -> str:
    return LONG_NUMBER.sub("•••", text)


@dataclass(frozen=True)
class Filters:
    since: dt.date
    until: dt.date  # inclusive
    service: str = ""  # "" every service
    outcome: str = ""  # "" both, or Outcome
    area: frozenset[str] | None = None  # the person's kecamatan; None the whole regency
    # The person's office (docs/offices.md); None: every office (the province monitor).
    office_id: int | None = None
    # The province monitor reads figures, not the suggestions' free text.
    with_suggestions: bool = True

    @property
    def label(self) -> str:
        return f"{long_date(self.since, weekday=False)} - {long_date(self.until, weekday=False)}"

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label if self.outcome else "Semua"

    @classmethod
    def year_to_date(cls, area: frozenset[str] | None = None) -> Filters:
        today = timezone.localdate()
        return cls(dt.date(today.year, 1, 1), today, area=area)


@dataclass(frozen=True)
class ElementRow:
    key: str
    name: str
    answered: int
    nrr: str
    nrr25: str


@dataclass
class Unit:
    label: str
    service: str
    respondents: int
    served: int
    minimum: int
    result: skm.Result | None
    error: str = ""
    elements: list[ElementRow] = field(default_factory=list)
    weakest: list[ElementRow] = field(default_factory=list)

    @property
    def ikm_text(self) -> str:
        return id_number(self.result.ikm) if self.result else "-"

    @property
    def index_text(self) -> str:
        return id_number(self.result.skm) if self.result else "-"

    @property
    def reaches(self) -> bool:
        return self.respondents >= self.minimum and self.respondents > 0


@dataclass
class Report:
    filters: Filters
    weight: skm.Weight
    total: Unit
    services: list[Unit]
    profile: dict[str, list[tuple[str, int]]]
    suggestions: list[tuple[dt.date, str, str]]  # (day, service, masked text)
    rows: list[dict[str, int | None]]  # each respondent's answers, for the publishing layout

    @property
    def weight_label(self) -> str:
        exact = "tepat 1/9" if self.weight is skm.Weight.NINTH else "0,11 sesuai PermenPANRB 14/2017"
        return f"Bobot per unsur: {self.weight} ({exact}; pengaturan LOKET_SKM_WEIGHT)"


def surveys(filters: Filters) -> QuerySet:
    """Surveys of the period with at least one element answered."""
    answered = Q()
    for key in skm.ELEMENTS:
        answered |= Q(**{f"{key}__isnull": False})
    qs = Survey.objects.filter(answered, served_on__gte=filters.since, served_on__lte=filters.until)
    if filters.service:
        qs = qs.filter(service=filters.service)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.area is not None:
        qs = qs.filter(kode_kecamatan__in=filters.area)
    if filters.office_id is not None:
        qs = qs.filter(office_id=filters.office_id)
    return qs.order_by("served_on", "pk")


def served(filters: Filters, service: str = "") -> int:
    """Residents served in the period (their request handed over, or rejected): the population."""
    by_outcome: dict[str, list[State]] = {
        Outcome.SERVED: [State.COLLECTED],
        Outcome.REJECTED: [State.REJECTED],
    }
    states = by_outcome.get(filters.outcome, [State.COLLECTED, State.REJECTED])
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(filters.since, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    events = CaseEvent.objects.filter(to_state__in=states, at__gte=start, at__lt=end)
    if service or filters.service:
        events = events.filter(case__service=service or filters.service)
    if filters.area is not None:
        events = events.filter(case__kode_kecamatan__in=filters.area)
    if filters.office_id is not None:
        events = events.filter(case__office_id=filters.office_id)
    return events.values("case__resident_id").distinct().count()


def unit(
    label: str, service: str, rows: list[dict[str, int | None]], population: int, chosen: skm.Weight
) -> Unit:
    found = Unit(label, service, len(rows), population, skm.krejcie_morgan(population), None)
    if not rows:
        return found
    try:
        result = skm.compute(rows, chosen)
    except skm.SurveyError as exc:
        found.error = str(exc)
        return found
    found.result = result
    found.elements = [
        ElementRow(
            e.key,
            e.name,
            result.answered[e.key],
            id_number(result.nrr[e.key]),
            id_number(result.nrr25[e.key]),
        )
        for e in skm.UNSUR
    ]
    by_key = {row.key: row for row in found.elements}
    found.weakest = [by_key[key] for key in result.weakest(3)]
    return found


def build(filters: Filters, chosen: skm.Weight | None = None) -> Report:
    chosen = chosen or weight()
    picked = list(surveys(filters))
    rows = [s.answers() for s in picked]
    # Every service with respondents or residents served: a service nobody answered for shows too.
    codes = [filters.service] if filters.service else list(SERVICE_NAMES)
    population = {code: served(filters, code) for code in codes}
    per_service = [
        unit(
            SERVICE_NAMES.get(code, code),
            code,
            [s.answers() for s in picked if s.service == code],
            population[code],
            chosen,
        )
        for code in codes
        if population[code] or any(s.service == code for s in picked)
    ]
    label = SERVICE_NAMES.get(filters.service, filters.service) if filters.service else "Semua layanan"
    total = unit(label, filters.service, rows, served(filters), chosen)
    profile: dict[str, list[tuple[str, int]]] = {}
    for name in PROFILE_NAMES:
        counts = Counter(getattr(s, name) for s in picked)
        profile[PROFILE_NAMES[name]] = [(LABELS[name][value], counts[value]) for value in LABELS[name]] + [
            ("Tidak menjawab", counts[""])
        ]
    suggestions = [
        (s.served_on, SERVICE_NAMES.get(s.service, s.service), masked(s.suggestion))
        for s in sorted(picked, key=lambda s: (s.served_on, s.pk), reverse=True)
        if s.suggestion.strip() and filters.with_suggestions
    ]
    return Report(filters, chosen, total, per_service, profile, suggestions, rows)
