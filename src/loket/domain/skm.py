"""The satisfaction survey's arithmetic (Survei Kepuasan Masyarakat, PermenPANRB 14/2017).

Pure: no Django, no settings. Facts and their sources: `docs/skm.md`.

Nine elements (unsur) U1-U9 are answered 1-4. Per element the NRR is the average of the
answers given to it (an unanswered element is left out of that element's average only).
The unit index is the weighted sum of the NRRs (`Σ NRR × weight`, weight 0.11 as the
regulation writes it, or exactly 1/9), the IKM is the index × 25, and the grade follows
the IKM rounded to two decimals. Everything is exact (`Fraction`) until the end, where each
figure is rounded half-up to two decimals (`Decimal`).
"""

from __future__ import annotations

import csv
import enum
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

ELEMENTS: tuple[str, ...] = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
LOWEST, HIGHEST = 1, 4
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Element:
    key: str
    name: str  # the regulation's unsur, in Bahasa Indonesia
    question: str  # as the resident reads it
    labels: tuple[str, str, str, str]  # answers 1 -> 4


# The model questionnaire's labels (adminduk-domain reference §4.1); stored by key, never by
# position (some questionnaires swap U8 and U9).
UNSUR: tuple[Element, ...] = (
    Element(
        "u1",
        "Persyaratan",
        "Bagaimana kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    Element(
        "u2",
        "Sistem, mekanisme dan prosedur",
        "Bagaimana kemudahan prosedur pelayanan di unit ini?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    ),
    Element(
        "u3",
        "Waktu penyelesaian",
        "Bagaimana kecepatan waktu dalam memberikan pelayanan?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    ),
    Element(
        "u4",
        "Biaya/tarif",
        "Bagaimana kewajaran biaya/tarif dalam pelayanan?",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    ),
    Element(
        "u5",
        "Produk spesifikasi jenis pelayanan",
        "Bagaimana kesesuaian hasil pelayanan dengan yang tercantum dalam standar pelayanan?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    Element(
        "u6",
        "Kompetensi pelaksana",
        "Bagaimana kompetensi/kemampuan petugas dalam pelayanan?",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    ),
    Element(
        "u7",
        "Perilaku pelaksana",
        "Bagaimana perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
        ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
    ),
    Element(
        "u8",
        "Penanganan pengaduan, saran dan masukan",
        "Bagaimana penanganan pengaduan, saran dan masukan di unit ini?",
        (
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ),
    ),
    Element(
        "u9",
        "Sarana dan prasarana",
        "Bagaimana kualitas sarana dan prasarana pelayanan?",
        ("Buruk", "Cukup", "Baik", "Sangat baik"),
    ),
)
BY_KEY: dict[str, Element] = {element.key: element for element in UNSUR}


class Weight(enum.StrEnum):
    """The weight per element: the regulation's written 0.11, or exactly 1/9."""

    REGULATION = "0.11"
    NINTH = "1/9"

    @property
    def fraction(self) -> Fraction:
        return Fraction(11, 100) if self is Weight.REGULATION else Fraction(1, 9)

    @classmethod
    def parse(cls, text: str) -> Weight:
        """'0.11' or '1/9' (spaces ignored); ValueError otherwise."""
        cleaned = "".join(str(text).split())
        for weight in cls:
            if cleaned == str(weight):
                return weight
        raise ValueError(f"bobot harus 0.11 atau 1/9, bukan {text!r}")


@dataclass(frozen=True)
class Grade:
    mutu: str  # A-D
    kinerja: str  # sangat baik, baik, kurang baik, tidak baik


# Lower IKM bound (two decimals) of each grade, best first (reference §4.2).
GRADES: tuple[tuple[Decimal, Grade], ...] = (
    (Decimal("88.31"), Grade("A", "sangat baik")),
    (Decimal("76.61"), Grade("B", "baik")),
    (Decimal("65.00"), Grade("C", "kurang baik")),
    (Decimal("0"), Grade("D", "tidak baik")),
)


def round2(value: Fraction | Decimal | int) -> Decimal:
    """Half-up to two decimals, exactly (a Fraction is never approximated first), once, at the end."""
    exact = Fraction(value)
    hundredths = math.floor(abs(exact) * 100 + Fraction(1, 2))
    return Decimal(hundredths if exact >= 0 else -hundredths).scaleb(-2).quantize(TWO_PLACES)


def grade(ikm: Decimal) -> Grade:
    """The grade of an IKM already rounded to two decimals."""
    for lower, found in GRADES:
        if ikm >= lower:
            return found
    return GRADES[-1][1]


class SurveyError(ValueError):
    """Input the computation refuses; `str()` names the line or the element."""


@dataclass(frozen=True)
class Result:
    respondents: int
    answered: dict[str, int]  # answers per element
    nrr_exact: dict[str, Fraction]
    weight: Weight
    index_exact: Fraction

    @property
    def nrr(self) -> dict[str, Decimal]:
        return {key: round2(value) for key, value in self.nrr_exact.items()}

    @property
    def nrr25(self) -> dict[str, Decimal]:
        """Each element's NRR × 25 (the per-unsur figure offices show to find weak elements)."""
        return {key: round2(value * 25) for key, value in self.nrr_exact.items()}

    @property
    def skm(self) -> Decimal:
        return round2(self.index_exact)

    @property
    def ikm(self) -> Decimal:
        return round2(self.index_exact * 25)

    @property
    def grade(self) -> Grade:
        return grade(self.ikm)

    def weakest(self, count: int = 3) -> list[str]:
        """The elements with the lowest NRR, lowest first (ties in element order)."""
        ordered = sorted(ELEMENTS, key=lambda key: (self.nrr_exact[key], ELEMENTS.index(key)))
        return ordered[:count]

    def as_json(self) -> dict[str, object]:
        """The `loket skm compute --json` shape; figures are strings with exactly two decimals."""
        return {
            "respondents": self.respondents,
            "nrr": {key: str(value) for key, value in self.nrr.items()},
            "weight": str(self.weight),
            "skm": str(self.skm),
            "ikm": str(self.ikm),
            "mutu": self.grade.mutu,
            "kinerja": self.grade.kinerja,
        }


Answers = Mapping[str, int | None]


def compute(responses: Iterable[Answers], weight: Weight = Weight.REGULATION) -> Result:
    """The unit's figures from respondents' answers (a missing or None answer is unanswered).

    Raises SurveyError when there is no respondent, an answer is outside 1-4, or an element
    has no answer at all (its NRR would be undefined).
    """
    sums = dict.fromkeys(ELEMENTS, 0)
    counts = dict.fromkeys(ELEMENTS, 0)
    respondents = 0
    for number, answers in enumerate(responses, start=1):
        respondents += 1
        for key in ELEMENTS:
            value = answers.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not LOWEST <= value <= HIGHEST:
                raise SurveyError(f"responden {number}: jawaban {key} harus 1-4, bukan {value!r}")
            sums[key] += value
            counts[key] += 1
    if respondents == 0:
        raise SurveyError("tidak ada responden")
    missing = [key for key in ELEMENTS if counts[key] == 0]
    if missing:
        raise SurveyError(f"unsur tanpa jawaban: {', '.join(missing)}")
    nrr = {key: Fraction(sums[key], counts[key]) for key in ELEMENTS}
    index = sum((value * weight.fraction for value in nrr.values()), Fraction(0))
    return Result(respondents, counts, nrr, weight, index)


def from_nrr(nrr: Sequence[Fraction | Decimal | str], weight: Weight = Weight.REGULATION) -> Fraction:
    """The unit index from nine NRRs given directly (the reference's worked example)."""
    if len(nrr) != len(ELEMENTS):
        raise SurveyError(f"perlu {len(ELEMENTS)} nilai NRR, bukan {len(nrr)}")
    return sum((Fraction(str(v)) * weight.fraction for v in nrr), Fraction(0))


# --- sample size -----------------------------------------------------------------------------

# Krejcie & Morgan (1970): chi-square for 1 degree of freedom at 95% (3.841), population
# proportion 0.5, margin of error 0.05. Their published table rounds to the nearest whole.
_CHI_SQUARE = Fraction(3841, 1000)
_P = Fraction(1, 2)
_D = Fraction(5, 100)


def krejcie_morgan(population: int) -> int:
    """The minimum sample for a population of `population` (0 for none)."""
    if population < 0:
        raise ValueError("populasi tidak boleh negatif")
    if population == 0:
        return 0
    top = _CHI_SQUARE * population * _P * (1 - _P)
    bottom = _D * _D * (population - 1) + _CHI_SQUARE * _P * (1 - _P)
    exact = top / bottom
    nearest = math.floor(exact + Fraction(1, 2))
    return min(population, max(1, nearest))


# --- the CSV of `loket skm compute` -----------------------------------------------------------


def read_csv(text: str) -> list[dict[str, int | None]]:
    """Respondents from CSV text whose header names u1..u9 (any order, other columns ignored).

    An empty cell is an unanswered element; a row whose cells are all empty is no respondent.
    Raises SurveyError naming the line (1 is the header) or the missing columns.
    """
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    rows: list[dict[str, int | None]] = []
    for cells in reader:
        if header is None:
            if not any(cell.strip() for cell in cells):
                continue
            header = [cell.strip().lower().lstrip("\ufeff") for cell in cells]
            missing = [key for key in ELEMENTS if key not in header]
            if missing:
                raise SurveyError(
                    f"baris {reader.line_num}: kepala kolom harus u1,u2,…,u9; tidak ada: {', '.join(missing)}"
                )
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise SurveyError(
                f"baris {reader.line_num}: {len(cells)} kolom, kepala kolom punya {len(header)}"
            )
        answers: dict[str, int | None] = {}
        for key in ELEMENTS:
            cell = cells[header.index(key)].strip()
            if not cell:
                answers[key] = None
            elif cell in {"1", "2", "3", "4"}:
                answers[key] = int(cell)
            else:
                raise SurveyError(
                    f"baris {reader.line_num}: nilai {key} harus 1-4 atau kosong, bukan {cell!r}"
                )
        rows.append(answers)
    if header is None:
        raise SurveyError("baris 1: kepala kolom u1,u2,…,u9 tidak ada (masukan kosong)")
    if not rows:
        raise SurveyError("tidak ada baris jawaban (responden) setelah kepala kolom")
    return rows
