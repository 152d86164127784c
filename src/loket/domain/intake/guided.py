"""The guided conversation, channel-neutral: the questions of each service, one answer checked.

Everything here is derived from the one service declaration (`services.py`): the questions
are the service's fields (kecamatan asked before desa, so desa can be offered from the
chosen kecamatan), and each answer is checked with the very checks the typed format uses
(`fields.CHECKS`, `places.check_places`, the service's `rules`). When every answer is in,
the request is the typed message those answers make (`reply.canonical_message`) read back by
`parse()`, so a guided request has exactly the `fields` the typed one would have.

A channel asks the questions (WhatsApp: text, buttons, lists); this module only says what
to ask and whether an answer is good. Pure: no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from loket.domain.intake.draft import Draft, normalise_text
from loket.domain.intake.fields import CHECKS, JENIS
from loket.domain.intake.places import check_places, place_name
from loket.domain.intake.problems import Problem, problem
from loket.domain.intake.services import SERVICES, Field, Service, keyword_key
from loket.domain.nik import today_in_jakarta
from loket.domain.regions import Match, Place, RegionIndex, office_regions

# --- the source token of a poster or campaign link ----------------------------------------------

# A click-to-chat link's prefilled text ends with "(kode: POSY-3603031)": where the resident
# found the number. The one pattern: posters build their text with `with_source_token`, the
# router strips it with `split_source_token` before anything else reads the message.
SOURCE_TOKEN = re.compile(r"\s*\(\s*kode\s*:\s*([A-Za-z]{2,10}-[A-Za-z0-9]{1,24})\s*\)\s*$", re.IGNORECASE)


def split_source_token(text: str) -> tuple[str, str]:
    """("KIA", "POSY-3603031") for "KIA (kode: POSY-3603031)"; (text, "") without a token."""
    found = SOURCE_TOKEN.search(text or "")
    if not found:
        return text, ""
    return text[: found.start()], found.group(1).upper()


def with_source_token(text: str, token: str) -> str:
    """The prefilled text of a poster's link: the text, then the token the router strips."""
    return f"{text} (kode: {token.upper()})"


# --- which service a sentence names -----------------------------------------------------------

_NOT_WORD = re.compile(r"[^0-9A-Z]+")


def _words(text: str) -> str:
    return " " + " ".join(_NOT_WORD.sub(" ", normalise_text(text).upper()).split()) + " "


def _names(service: Service) -> list[str]:
    spaced = [" ".join(_NOT_WORD.sub(" ", w.upper()).split()) for w in (service.keyword, *service.aliases)]
    return [*spaced, *(keyword_key(w) for w in service.aliases), *service.phrases]


def services_named(text: str) -> list[Service]:
    """The services a sentence names ("mau bikin kartu anak" -> KIA), in declaration order."""
    words = _words(text)
    return [s for s in SERVICES.values() if any(f" {name} " in words for name in _names(s))]


def prefilled(service: Service, text: str) -> dict[str, str]:
    """Answers a sentence already gives: "KTP hilang" answers the KTP's jenis question."""
    words = set(_words(text).split())
    answers: dict[str, str] = {}
    for spec in service.fields:
        options = [value for value, _title in CHOICES.get(spec.kind, ())]
        said = [value for value in options if value in words]
        if len(said) == 1:
            answers[spec.key] = said[0]
    return answers


# A number as long as a NIK or KK, give or take a slip (a digit dropped, an O for a 0).
_SAID_NUMBER = re.compile(r"(?<![0-9A-Z])[0-9O]{14,18}(?![0-9A-Z])", re.IGNORECASE)


def _numbers(text: str) -> list[str]:
    return [n for n in _SAID_NUMBER.findall(normalise_text(text)) if sum(c.isdigit() for c in n) >= 12]


def said_number(service: Service, text: str) -> tuple[str, str] | None:
    """(field key, number) when a sentence naming the service carries one NIK-long number:
    "KIA 3603011105200003" answers the KIA's NIK question (checked as typed)."""
    numbers = _numbers(text)
    nik = next((spec for spec in service.fields if spec.kind == "nik"), None)
    if len(numbers) != 1 or nik is None:
        return None
    return nik.key, numbers[0]


def typed_without_separators(text: str) -> bool:
    """A request typed with spaces instead of `#` ("KIA 3603… 3603… BUDI …"): it names one
    service and carries two NIK-long numbers. It is a typed attempt (the parser explains the
    format), not a sentence that starts the guided conversation."""
    return len(services_named(text)) == 1 and len(_numbers(text)) >= 2


# --- the questions ------------------------------------------------------------------------------

# Fields answered by choosing: (value, title on a button). The values are the typed format's.
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "jenis": (("PEMULA", "Pemula (pertama)"), ("HILANG", "Hilang"), ("RUSAK", "Rusak")),
}
assert tuple(v for v, _ in CHOICES["jenis"]) == JENIS  # noqa: S101 - one list of jenis words


@dataclass(frozen=True)
class Question:
    key: str  # the field's key in `fields`
    kind: str  # the field's kind: nik, no_kk, name, kecamatan, desa, jenis, alamat, ...
    words: str  # the field in words a person recognises: "NIK anak (16 angka)"
    choices: tuple[tuple[str, str], ...] = ()  # (value, title) when answered by choosing

    @property
    def place(self) -> bool:
        return self.kind in ("kecamatan", "desa")


def _words_for(service: Service, spec: Field) -> str:
    whose = " anak" if service.child else ""
    if spec.kind == "nik":
        return f"NIK{whose or ' pemohon'} (16 angka)"
    if spec.kind == "no_kk":
        return "Nomor Kartu Keluarga (16 angka)"
    if spec.kind == "name" and spec.key == "nama":
        return f"Nama{whose or ' lengkap'}"
    if spec.kind == "desa":
        return "Desa/Kelurahan"
    if spec.kind == "kecamatan":
        return "Kecamatan"
    if spec.kind == "alamat":
        return "Alamat tujuan pindah (jalan, RT/RW, desa, kecamatan, kabupaten/kota)"
    if spec.kind == "no_skpwni":
        return "Nomor surat pindah (SKPWNI)"
    if spec.kind == "keperluan":
        return "Keperluan pindah datang (misalnya: ikut suami, pekerjaan)"
    return spec.words


def questions(service: Service) -> tuple[Question, ...]:
    """The service's fields as questions, one per message; kecamatan comes before desa."""
    specs = list(service.fields)
    kinds = [s.kind for s in specs]
    if "desa" in kinds and "kecamatan" in kinds:
        desa, kecamatan = kinds.index("desa"), kinds.index("kecamatan")
        if desa < kecamatan:
            specs[desa], specs[kecamatan] = specs[kecamatan], specs[desa]
    return tuple(
        Question(spec.key, spec.kind, _words_for(service, spec), CHOICES.get(spec.kind, ())) for spec in specs
    )


def question(service: Service, key: str) -> Question:
    return next(q for q in questions(service) if q.key == key)


def next_question(service: Service, answers: dict[str, object]) -> Question | None:
    """The first question without an answer, or None when all are answered."""
    return next((q for q in questions(service) if answers.get(q.key) in (None, "")), None)


# --- one answer checked ---------------------------------------------------------------------------


@dataclass
class Checked:
    """One answer checked with the typed format's rules."""

    value: str | None = None  # the field's value as the typed request would hold it
    extra: dict[str, str] = field(default_factory=dict)  # kode_kecamatan / kode_desa
    problems: list[Problem] = field(default_factory=list)
    how: str = "none"  # for places: exact | alias | prefix | fuzzy (fuzzy and prefix: confirm)
    candidates: tuple[Place, ...] = ()  # for places: the closest names when unsure

    @property
    def ok(self) -> bool:
        return self.value is not None and not self.problems

    @property
    def needs_confirming(self) -> bool:
        """A place matched only roughly ("tigarksa"): the resident confirms the name."""
        return self.ok and self.how in ("prefix", "fuzzy")


def check(
    service: Service,
    key: str,
    raw: str,
    answers: dict[str, object],
    *,
    today: date | None = None,
    regions: RegionIndex | None = None,
) -> Checked:
    """Check the answer to question `key` as the typed format checks that field."""
    today = today or today_in_jakarta()
    regions = regions or office_regions()
    spec = next(s for s in service.fields if s.key == key)
    draft = Draft(service=service, today=today, regions=regions)
    text = normalise_text(raw).strip()
    if not text:
        return Checked(problems=[problem("field_missing", key, words=spec.words)])
    kinds = {s.kind: s for s in service.fields}
    match = Match()
    if spec.kind == "kecamatan":
        check_places("", text, kinds["desa"], spec, draft)
        match = regions.match_kecamatan(place_name(text))
    elif spec.kind == "desa":
        kecamatan_name = str(answers.get(kinds["kecamatan"].key) or "")
        check_places(text, kecamatan_name, spec, kinds["kecamatan"], draft)
        kecamatan = regions.match_kecamatan(kecamatan_name).place
        if kecamatan is not None:
            match = regions.match_desa(place_name(text), kecamatan.kode)
    else:
        CHECKS[spec.kind](text, spec, draft)
    for rule in service.rules:
        rule(draft)  # each skips what it cannot read (a rule across fields reads what is here)
    problems = [p for p in draft.problems if p.field in (key, "format")]
    value = draft.fields.get(key)
    extra = {k: str(v) for k, v in draft.fields.items() if k.startswith("kode_")}
    return Checked(
        value=str(value) if value is not None and not problems else None,
        extra=extra if not problems else {},
        problems=problems,
        how=match.how if spec.kind in ("kecamatan", "desa") else "exact",
        candidates=match.candidates,
    )


def choice_value(question_: Question, text: str) -> str | None:
    """The choice a typed answer names: its value or its title ("hilang", "Pemula")."""
    key = keyword_key(text)
    for value, title in question_.choices:
        if key in (keyword_key(value), keyword_key(title)):
            return value
    checked_words = set(_words(text).split())
    named = [value for value, _ in question_.choices if value in checked_words]
    return named[0] if len(named) == 1 else None


def kecamatan_hinted(answers: dict[str, object]) -> tuple[str, ...]:
    """Kecamatan codes (6 digits) the answers' KK number and NIK begin with."""
    numbers = [str(answers.get(key) or "") for key in ("no_kk", "nik")]
    return tuple(n[:6] for n in numbers if len(n) == 16 and n.isdigit())


def places_for(
    question_: Question, answers: dict[str, object], regions: RegionIndex | None = None
) -> list[Place]:
    """The places a place question offers: the kecamatan of the office, or the desa of the
    chosen kecamatan, in alphabetical order."""
    regions = regions or office_regions()
    if question_.kind == "kecamatan":
        # The kecamatan the KK number (else the NIK) was issued in comes first: most families
        # find theirs on the first page instead of paging through thirty names.
        hinted = kecamatan_hinted(answers)
        rank = {code: n for n, code in reversed(list(enumerate(hinted)))}
        return sorted(regions.kecamatan, key=lambda p: (rank.get(p.digits, len(hinted)), p.nama))
    kecamatan = regions.match_kecamatan(str(answers.get("kecamatan") or "")).place
    if kecamatan is None:
        return []
    return sorted(regions.desa_by_kecamatan.get(kecamatan.kode, []), key=lambda p: p.nama)


def summary_lines(service: Service, answers: dict[str, object]) -> list[str]:
    """'NIK anak (16 angka): 3603...' for each answered question, in question order."""
    lines = []
    for q in questions(service):
        value = answers.get(q.key)
        if value not in (None, ""):
            label = q.words.split(" (")[0]
            lines.append(f"• {label}: {value}")
    return lines
