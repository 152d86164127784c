"""The SKM arithmetic (PermenPANRB 14/2017) against hand-worked examples; no database."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loket.domain import skm
from loket.domain.skm import ELEMENTS, SurveyError, Weight

# The reference's worked example (adminduk-domain §4.2): 4 respondents whose NRRs are
# 3.50, 3.25, 2.75, 4.00, 3.25, 3.50, 3.75, 2.75, 2.75 (sums 14, 13, 11, 16, 13, 14, 15, 11, 11).
EXAMPLE = [
    dict(zip(ELEMENTS, row, strict=True))
    for row in (
        (4, 3, 3, 4, 3, 4, 4, 3, 3),
        (3, 4, 2, 4, 4, 3, 4, 2, 3),
        (4, 3, 3, 4, 3, 4, 3, 3, 2),
        (3, 3, 3, 4, 3, 3, 4, 3, 3),
    )
]


def test_reference_example_with_the_regulation_weight() -> None:
    result = skm.compute(EXAMPLE)
    assert result.respondents == 4
    assert [str(v) for v in result.nrr.values()] == [
        "3.50",
        "3.25",
        "2.75",
        "4.00",
        "3.25",
        "3.50",
        "3.75",
        "2.75",
        "2.75",
    ]
    # 29.50 × 0.11 = 3.245 exactly; × 25 = 81.125 → 81.13 (half-up, not banker's 81.12).
    assert result.index_exact == Fraction(3245, 1000)
    assert result.skm == Decimal("3.25")
    assert result.ikm == Decimal("81.13")
    assert (result.grade.mutu, result.grade.kinerja) == ("B", "baik")


def test_reference_example_with_exactly_one_ninth() -> None:
    result = skm.compute(EXAMPLE, Weight.NINTH)
    # 29.5 / 9 = 3.2777… ; × 25 = 81.944… → 81.94
    assert result.skm == Decimal("3.28")
    assert result.ikm == Decimal("81.94")
    assert result.grade.mutu == "B"


def test_from_nrr_matches_the_reference_figures() -> None:
    nrr = ["3.50", "3.25", "2.75", "4.00", "3.25", "3.50", "3.75", "2.75", "2.75"]
    assert skm.round2(skm.from_nrr(nrr) * 25) == Decimal("81.13")
    assert skm.round2(skm.from_nrr(nrr, Weight.NINTH) * 25) == Decimal("81.94")
    with pytest.raises(SurveyError):
        skm.from_nrr(nrr[:8])


def test_unanswered_cells_leave_only_their_element_average() -> None:
    rows = [dict.fromkeys(ELEMENTS, 4), {**dict.fromkeys(ELEMENTS, 2), "u3": None}]
    result = skm.compute(rows)
    assert result.answered["u3"] == 1
    assert result.nrr["u3"] == Decimal("4.00")  # only the first respondent answered it
    assert result.nrr["u1"] == Decimal("3.00")
    assert result.respondents == 2


def test_range_of_the_index_with_the_regulation_weight() -> None:
    lowest = skm.compute([dict.fromkeys(ELEMENTS, 1)])
    highest = skm.compute([dict.fromkeys(ELEMENTS, 4)])
    assert (lowest.skm, lowest.ikm) == (Decimal("0.99"), Decimal("24.75"))
    assert (highest.skm, highest.ikm) == (Decimal("3.96"), Decimal("99.00"))
    assert skm.compute([dict.fromkeys(ELEMENTS, 4)], Weight.NINTH).ikm == Decimal("100.00")


@pytest.mark.parametrize(
    ("ikm", "mutu", "kinerja"),
    [
        ("24.75", "D", "tidak baik"),
        ("64.99", "D", "tidak baik"),
        ("65.00", "C", "kurang baik"),
        ("76.60", "C", "kurang baik"),
        ("76.61", "B", "baik"),
        ("88.30", "B", "baik"),
        ("88.31", "A", "sangat baik"),
        ("100.00", "A", "sangat baik"),
    ],
)
def test_every_grade_boundary(ikm: str, mutu: str, kinerja: str) -> None:
    found = skm.grade(Decimal(ikm))
    assert (found.mutu, found.kinerja) == (mutu, kinerja)


def test_grade_is_taken_on_the_rounded_ikm() -> None:
    # An index whose IKM is 88.305 exactly rounds half-up to 88.31: grade A, not B.
    index = Fraction(88305, 1000) / 25
    assert skm.round2(index * 25) == Decimal("88.31")
    assert skm.grade(skm.round2(index * 25)).mutu == "A"


def test_round_half_up_not_to_even() -> None:
    assert skm.round2(Fraction(2625, 1000)) == Decimal("2.63")
    assert skm.round2(Fraction(2615, 1000)) == Decimal("2.62")
    assert skm.round2(Fraction(1, 3)) == Decimal("0.33")
    assert str(skm.round2(Fraction(4))) == "4.00"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "tidak ada responden"),
        ([{**dict.fromkeys(ELEMENTS, 3), "u4": 5}], "responden 1: jawaban u4 harus 1-4"),
        ([dict.fromkeys(ELEMENTS, 3), {**dict.fromkeys(ELEMENTS, 3), "u2": 0}], "responden 2: jawaban u2"),
        ([{**dict.fromkeys(ELEMENTS, 3), "u7": None}], "unsur tanpa jawaban: u7"),
        ([{**dict.fromkeys(ELEMENTS, 3), "u1": True}], "jawaban u1"),
    ],
)
def test_refused_input_names_the_line_or_element(rows: list, message: str) -> None:
    with pytest.raises(SurveyError, match=message):
        skm.compute(rows)


def test_weight_parsing() -> None:
    assert Weight.parse("0.11") is Weight.REGULATION
    assert Weight.parse(" 1 / 9 ") is Weight.NINTH
    assert Weight.NINTH.fraction == Fraction(1, 9)
    with pytest.raises(ValueError, match="0.11 atau 1/9"):
        Weight.parse("0.111")


def test_weakest_elements_lowest_first() -> None:
    result = skm.compute(EXAMPLE)
    assert result.weakest(3) == ["u3", "u8", "u9"]
    assert result.nrr25["u3"] == Decimal("68.75")


@pytest.mark.parametrize(
    ("population", "sample"),
    # Krejcie & Morgan (1970), Table 1.
    [
        (10, 10),
        (15, 14),
        (50, 44),
        (100, 80),
        (150, 108),
        (200, 132),
        (500, 217),
        (1000, 278),
        (2000, 322),
        (5000, 357),
        (10000, 370),
        (1000000, 384),
    ],
)
def test_krejcie_morgan_table(population: int, sample: int) -> None:
    assert skm.krejcie_morgan(population) == sample


def test_krejcie_morgan_small_and_invalid() -> None:
    assert skm.krejcie_morgan(0) == 0
    assert skm.krejcie_morgan(1) == 1
    with pytest.raises(ValueError):
        skm.krejcie_morgan(-1)


answer = st.one_of(st.none(), st.integers(min_value=1, max_value=4))
respondent = st.fixed_dictionaries({key: answer for key in ELEMENTS})
full = st.fixed_dictionaries({key: st.integers(min_value=1, max_value=4) for key in ELEMENTS})


@given(st.lists(full, min_size=1, max_size=30), st.lists(respondent, max_size=30))
def test_properties_of_any_survey(first: list, rest: list) -> None:
    for weight in Weight:
        result = skm.compute(first + rest, weight)
        for value in result.nrr_exact.values():
            assert 1 <= value <= 4
        low = Decimal("24.75") if weight is Weight.REGULATION else Decimal("25.00")
        high = Decimal("99.00") if weight is Weight.REGULATION else Decimal("100.00")
        assert low <= result.ikm <= high
        assert result.ikm == skm.round2(result.index_exact * 25)
        assert result.ikm.as_tuple().exponent == -2
    # 0.11 is below 1/9: the regulation's weight never gives a higher index.
    assert skm.compute(first + rest).index_exact < skm.compute(first + rest, Weight.NINTH).index_exact


@given(st.lists(full, min_size=1, max_size=20))
def test_order_of_respondents_does_not_matter(rows: list) -> None:
    assert skm.compute(rows).ikm == skm.compute(list(reversed(rows))).ikm


@given(st.integers(min_value=1, max_value=10**7))
def test_krejcie_morgan_is_monotone_and_bounded(population: int) -> None:
    sample = skm.krejcie_morgan(population)
    assert 1 <= sample <= min(population, 384)
    assert skm.krejcie_morgan(population + 1) >= sample


@given(st.lists(respondent, min_size=1, max_size=20), st.permutations(ELEMENTS))
def test_csv_round_trip_in_any_column_order(rows: list, order: list) -> None:
    lines = [",".join(order)] + [",".join("" if r[k] is None else str(r[k]) for k in order) for r in rows]
    kept = [r for r in rows if any(v is not None for v in r.values())]  # all-empty rows are no respondent
    if not kept:
        with pytest.raises(SurveyError, match="tidak ada baris jawaban"):
            skm.read_csv("\n".join(lines) + "\n")
        return
    assert skm.read_csv("\n".join(lines) + "\n") == kept
