"""parse(): one WhatsApp text in, a checked request or the list of its problems out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from loket.domain.intake import reply
from loket.domain.intake.draft import Draft, normalise_text
from loket.domain.intake.fields import CHECKS
from loket.domain.intake.places import check_places
from loket.domain.intake.problems import Problem, problem
from loket.domain.intake.services import SERVICES, Service
from loket.domain.intake.splitting import split_message
from loket.domain.nik import strip_number, today_in_jakarta
from loket.domain.regions import RegionIndex, office_regions

FREE_TEXT = ("alamat", "keperluan")


@dataclass
class ParseResult:
    service: str | None
    fields: dict[str, object] = field(default_factory=dict)
    derived: dict[str, object] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.service is not None and not self.problems

    @property
    def declaration(self) -> Service | None:
        return SERVICES.get(self.service) if self.service else None

    @property
    def subject(self) -> str | None:
        """What the request is about: the NIK (KIA, KTP, SKPWNI), NO_KK (KK), NO_SKPWNI (SKDWNI)."""
        declaration = self.declaration
        if not self.ok or declaration is None:
            return None
        value = self.fields.get(declaration.subject)
        return str(value) if value is not None else None

    def to_dict(self) -> dict[str, object]:
        """The `loket parse` JSON contract (docs/intake.md)."""
        return {
            "ok": self.ok,
            "service": self.service,
            "fields": dict(self.fields),
            "derived": dict(self.derived),
            "problems": [p.to_dict() for p in self.problems],
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def reply_text(self) -> str:
        """The whole message to send the resident about this text."""
        return reply.reply_text(self)


def parse(text: str, today: date | None = None, regions: RegionIndex | None = None) -> ParseResult:
    """Check one message. Ages are computed on `today` (default: today in Asia/Jakarta);
    places against `regions`, the office the message came to (default: the configured one)."""
    today = today or today_in_jakarta()
    regions = regions or office_regions()
    split = split_message(normalise_text(text or ""))
    service = split.service
    if service is None:
        return ParseResult(
            None, problems=[problem("service_unknown", "service", help=reply.help_text(regions))]
        )

    expected = len(service.fields)
    parts = list(split.parts)
    if len(parts) > expected and "" in parts:
        # A doubled '#' inside the message ("#KIA#3603...##SITI") is a slip, not a missing field.
        parts = [p for p in parts if p]
    last = service.fields[-1]
    if len(parts) > expected and last.kind in FREE_TEXT:
        # A free-text last field (an address) typed over several lines, or with a '#'
        # inside ("JL. MAWAR #3"): the rest of the message is that field.
        parts = [*parts[: expected - 1], " ".join(parts[expected - 1 :])]
    extra = parts[expected:]
    given = [strip_label(part) for part in parts[:expected]]
    if (
        given
        and not split.by_lines
        and "\n" in given[-1]
        and service.fields[len(given) - 1].kind not in FREE_TEXT
    ):
        # Chatter on the lines after the last field ("...#TIGARAKSA\nMohon info").
        given[-1] = next((line.strip() for line in given[-1].split("\n") if line.strip()), "")

    draft = _best_arrangement(service, given, today, regions)
    if draft is None:
        # With a field left out in the middle, every later field sits in the wrong place:
        # checking them one by one would only confuse. Say what is expected instead.
        return ParseResult(
            service.keyword,
            problems=[
                problem(
                    "format_missing_fields",
                    "format",
                    service=service.name,
                    given=f"baru ada {len(given)} data" if given else "belum ada datanya",
                    expected=expected,
                    labels=reply.labels(service),
                )
            ],
        )
    if extra:
        draft.problems.insert(
            0,
            problem(
                "format_extra_fields",
                "format",
                extra=", ".join(reply.quoted(e) for e in extra[:3]),
                service=service.name,
                expected=expected,
                labels=reply.labels(service),
            ),
        )
    # Rules across fields run whenever the fields they read passed, so one reply names
    # every problem at once.
    for rule in service.rules:
        rule(draft)
    _sort_problems(draft)
    return ParseResult(
        service.keyword,
        fields=_ordered(service, draft.fields),
        derived=draft.derived,
        problems=draft.problems,
        warnings=draft.warnings,
    )


def _best_arrangement(service: Service, given: list[str], today: date, regions: RegionIndex) -> Draft | None:
    """Check the fields; with some left out, find where they were left out.

    Every way of leaving out that many fields is checked (at most a few dozen); the one
    with the fewest problems and the most values understood wins, the last fields being
    the missing ones on a tie. None when no arrangement makes sense: then the resident is
    shown the whole format instead of problems about values in the wrong place.
    """
    expected = len(service.fields)
    missing = expected - len(given)
    if missing == 0:
        return _checked(service, given, today, regions)
    if not given:
        return None
    trailing = tuple(range(len(given), expected))
    options = [trailing]
    if missing <= 2:
        options += [gaps for gaps in combinations(range(expected), missing) if gaps != trailing]
    drafts: dict[tuple[int, ...], Draft] = {}
    for gaps in options:
        values = iter(given)
        arranged = ["" if index in gaps else next(values) for index in range(expected)]
        if gaps == trailing or not _shifted(service, arranged):
            drafts[gaps] = _checked(service, arranged, today, regions)

    def score(gaps: tuple[int, ...]) -> tuple[int, int]:
        draft = drafts[gaps]
        return (sum(p.code != "field_missing" for p in draft.problems), -len(draft.fields))

    best = min(drafts, key=score)  # min keeps the first (trailing) on a tie
    if score(best)[0] == 0:
        return drafts[best]
    if not _shifted(service, given):
        return drafts[trailing]  # something is wrong anyway: report it where it was typed
    return None


def _checked(service: Service, values: list[str], today: date, regions: RegionIndex) -> Draft:
    draft = Draft(service=service, today=today, regions=regions)
    raw = {spec.key: text for spec, text in zip(service.fields, values, strict=True)}
    places = {spec.kind: spec for spec in service.fields if spec.kind in ("desa", "kecamatan")}
    for spec in service.fields:
        text = raw[spec.key]
        if not text.strip():
            draft.problem("field_missing", spec.key, words=spec.words)
        elif spec.kind not in places:
            CHECKS[spec.kind](text, spec, draft)
    if places:
        desa, kecamatan = places["desa"], places["kecamatan"]
        check_places(raw[desa.key], raw[kecamatan.key], desa, kecamatan, draft)
    return draft


# "NIK: 3603...", "Nama = SITI": labels some residents type before each value.
_LABEL = re.compile(
    r"^(\s*(nik|no\.?\s*kk|nomor\s*kk|kk|nama(\s+(kepala\s+keluarga|lengkap|anak))?|desa(/kelurahan)?|kelurahan"
    r"|kecamatan|kec|jenis(\s+permohonan)?|alamat(\s+pindah)?|keperluan|no\.?\s*skpwni|nomor\s*skpwni)\s*[:=]\s*)+",
    re.IGNORECASE,
)


def strip_label(text: str) -> str:
    return _LABEL.sub("", text, count=1)


_LONG_NUMBER = re.compile(r"\d{10}")


def _shifted(service: Service, given: list[str]) -> bool:
    """Does a value sit where another kind belongs (a name where the KK number goes)?

    Then a field was left out before it, and every later one moved up a place.
    """
    for spec, text in zip(service.fields, given, strict=False):
        if not text:
            continue
        is_number = bool(_LONG_NUMBER.search(strip_number(text)))
        if spec.kind in ("nik", "no_kk") and not is_number:
            return True
        if spec.kind in ("name", "desa", "kecamatan", "jenis") and is_number:
            return True
    return False


def _sort_problems(draft: Draft) -> None:
    # Stable: within one field, problems keep the order they were found in.
    order = {key: i for i, key in enumerate(("format", "service", *draft.service.keys))}
    draft.problems.sort(key=lambda p: order.get(p.field, len(order)))


def _ordered(service: Service, fields: dict[str, object]) -> dict[str, object]:
    keys = [*service.keys, "kode_desa", "kode_kecamatan"]
    return {k: fields[k] for k in keys if k in fields}
