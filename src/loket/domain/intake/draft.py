"""A request while it is being checked, and the small text helpers every check uses."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from loket.domain.intake.problems import Problem, problem, warning
from loket.domain.regions import RegionIndex

if TYPE_CHECKING:
    from loket.domain.intake.services import Service


@dataclass
class Draft:
    """A request while it is being checked: good values so far, and what is wrong."""

    service: Service
    today: date
    regions: RegionIndex
    fields: dict[str, object] = field(default_factory=dict)
    derived: dict[str, object] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    birth_date: date | None = None

    def problem(self, code: str, field_key: str, /, **params: object) -> None:
        self.problems.append(problem(code, field_key, **params))

    def warn(self, code: str, field_key: str, /, **params: object) -> None:
        self.warnings.append(warning(code, field_key, **params))


# Echoing a long text back to a resident helps nobody: cut it.
ECHO_LIMIT = 40


def quoted(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > ECHO_LIMIT:
        text = text[: ECHO_LIMIT - 1] + "…"
    return f'"{text}"'


def dotted(digits: str) -> str:
    return ".".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def one_line(text: str) -> str:
    return " ".join(text.split())


def office_regency_name(regions: RegionIndex) -> str:
    return regions.regency.nama if regions.regency else f"wilayah {regions.regency_code}"


def regency_name(regions: RegionIndex, kode: str) -> str:
    regency = regions.national.get(kode)
    if regency is None:
        return f"wilayah {kode}"
    province = regions.national.get(regency.kode_induk)
    return f"{regency.nama}, Provinsi {province.nama}" if province else regency.nama


def or_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " atau " + names[-1]


def and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " dan " + names[-1]


# Control characters (but tab and line feed), format characters such as zero-width
# spaces and direction marks, and lone surrogates: nothing a field should keep.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)


def normalise_text(text: str) -> str:
    """NFKC folds full-width '＃' and digits; invisible and control characters go."""
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _INVISIBLE.sub("", text)
