"""The capacity planner's arithmetic (loket.domain.planning), against examples worked by hand."""

from fractions import Fraction

import pytest

from loket.domain import planning
from loket.domain.planning import KecamatanGap, PlanError, PlanInputs


def inputs(**changes) -> PlanInputs:
    base = {
        "target_percent": Fraction(90),
        "children": 1000,
        "holders_imported": 500,
        "holders_loket": 20,
        "working_days": 7,
        "minutes_per_case": Fraction(10),
        "corrections_per_case": Fraction(1, 4),
        "complete_share": Fraction(1, 2),
        "officer_minutes_per_day": 360,
        "utilisation": Fraction(3, 4),
        "session_capacity": 40,
        "sessions_per_day": 2,
        "printing_capacity": 200,
        "officers_available": 3,
    }
    base.update(changes)
    return PlanInputs(**base)


def test_the_worked_example():
    # holders = 500 + 20 = 520
    # cards needed = ceil(90 × 1000 / 100) − 520 = 900 − 520 = 380
    # cards per working day = ceil(380 / 7) = ceil(54.28…) = 55
    # reviews per card = 1 + 0.25 corrections + (1 − 0.5) not complete on arrival = 1.75
    # officer minutes per day = 55 × 10 × 1.75 = 962.5
    # officers = ceil(962.5 / (360 × 0.75)) = ceil(962.5 / 270) = ceil(3.56…) = 4
    # counter sessions = ceil(55 / 40) = 2; printing = 55 a day
    # loads: officers 4/3, sessions 2/2, printing 55/200 → the bottleneck is the officers
    plan = planning.plan(inputs())
    assert plan.inputs.holders == 520
    assert plan.cards_needed == 380
    assert plan.cards_per_working_day == 55
    assert plan.inputs.reviews_per_card == Fraction(7, 4)
    assert plan.officer_minutes_per_day_needed == Fraction(1925, 2)
    assert plan.officers == 4
    assert plan.counter_sessions_per_day == 2
    assert plan.printing_per_day == 55
    assert plan.bottleneck.key == "officers"
    assert [r.short for r in plan.resources] == [1, 0, 0]


def test_a_decimal_target_is_exact_and_an_exact_quotient_is_not_rounded_up():
    # ceil(90.5 × 1000 / 100) = 905 exactly; 905 − 520 = 385 = 7 × 55: 55 a day, not 56
    plan = planning.plan(inputs(target_percent=planning.parse_decimal("90.5", "target")))
    assert plan.cards_needed == 385
    assert plan.cards_per_working_day == 55
    # 90,5 with a comma is the same number
    assert planning.parse_decimal("90,5", "target") == Fraction(181, 2)


@pytest.mark.parametrize(
    ("target", "children", "holders", "needed"),
    [
        ("50", 10, 0, 5),  # 5 exactly
        ("33.3", 10, 0, 4),  # 3.33 → 4
        ("90", 1001, 0, 901),  # 900.9 → 901
        ("0.1", 1, 0, 1),  # 0.001 → 1: any fraction of a card is a card
        ("90", 1000, 900, 0),  # on target
        ("90", 1000, 950, 0),  # beyond the target: never negative
        ("100", 7, 6, 1),
    ],
)
def test_cards_needed_rounds_up_exactly(target, children, holders, needed):
    assert planning.cards_needed(planning.parse_decimal(target, "t"), children, holders) == needed


def test_a_float_would_get_this_wrong_and_we_do_not():
    # 0.1 × 3 in floats is 0.30000000000000004: ceil would say 1 card of 3 children at 10%… of 10
    # children: ceil(30 × 10 / 100) = 3 exactly; ceil(0.3 × 10) must be 3, not 4.
    assert planning.cards_needed(planning.parse_decimal("30", "t"), 10, 0) == 3
    assert planning.ceil_div(Fraction(3, 10) * 10, 1) == 3


def test_nothing_needed_means_nothing_to_staff_and_no_bottleneck():
    plan = planning.plan(inputs(holders_imported=950))
    assert (plan.cards_needed, plan.cards_per_working_day, plan.officers) == (0, 0, 0)
    assert plan.counter_sessions_per_day == 0 and plan.bottleneck is None


def test_a_resource_with_nothing_available_is_the_bottleneck():
    plan = planning.plan(inputs(officers_available=0))
    assert plan.resources[0].load is None
    assert plan.bottleneck.key == "officers"
    plan = planning.plan(inputs(officers_available=10, printing_capacity=20))
    # loads: officers 4/10, sessions 2/2 = 1, printing 55/20 = 2.75
    assert plan.bottleneck.key == "printing"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"working_days": 0}, "hari kerja"),
        ({"target_percent": Fraction(0)}, "Target"),
        ({"target_percent": Fraction(101)}, "Target"),
        ({"complete_share": Fraction(3, 2)}, "lengkap"),
        ({"utilisation": Fraction(0)}, "Utilisasi"),
        ({"session_capacity": 0}, "sesi"),
        ({"officer_minutes_per_day": 0}, "Menit kerja"),
        ({"minutes_per_case": Fraction(-1)}, "negatif"),
    ],
)
def test_impossible_inputs_are_refused_with_a_reason(changes, words):
    with pytest.raises(PlanError, match=words):
        planning.plan(inputs(**changes))


@pytest.mark.parametrize("text", ["abc", "", "NaN", "Infinity", "9 0"])
def test_a_target_that_is_not_a_number_is_refused(text):
    with pytest.raises(PlanError):
        planning.parse_decimal(text, "target")


def test_largest_remainder_by_hand():
    # 7 over 5:3:2 → quotas 3.5, 2.1, 1.4 → floors 3, 2, 1 (6) → the 1 left goes to the
    # largest remainder (a: 0.5) → 4, 2, 1
    assert planning.largest_remainder(7, {"a": 5, "b": 3, "c": 2}) == {"a": 4, "b": 2, "c": 1}
    # 10 over 1:1:1 → 3.33 each → 3, 3, 3 and one left: equal remainders and weights, by key
    assert planning.largest_remainder(10, {"b": 1, "a": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    # a zero weight gets nothing
    assert planning.largest_remainder(5, {"a": 0, "b": 2}) == {"a": 0, "b": 5}
    assert planning.largest_remainder(0, {"a": 0}) == {"a": 0}
    with pytest.raises(PlanError):
        planning.largest_remainder(3, {"a": 0})


@pytest.mark.parametrize("total", [0, 1, 2, 97, 445_659, 1_000_003])
def test_largest_remainder_always_sums_exactly(total):
    weights = {f"k{i}": w for i, w in enumerate([50_283, 41_913, 3, 0, 1, 13_571, 7, 7, 7])}
    shares = planning.largest_remainder(total, weights)
    assert sum(shares.values()) == total
    for key, share in shares.items():
        quota = Fraction(total * weights[key], sum(weights.values()))
        assert quota - 1 < share < quota + 1


def test_kecamatan_contribute_in_proportion_to_their_own_gap():
    # target 90%: A needs ceil(90) − 40 = 50, B needs 90 − 80 = 10, C is past the target (0)
    # regency needs 30 → quotas 30 × 50/60 = 25 and 30 × 10/60 = 5, C 0
    areas = [
        KecamatanGap("A", "A", 100, 40),
        KecamatanGap("B", "B", 100, 80),
        KecamatanGap("C", "C", 100, 95),
    ]
    assert planning.kecamatan_shares(30, Fraction(90), areas) == {"A": (50, 25), "B": (10, 5), "C": (0, 0)}


def test_kecamatan_at_target_by_their_older_tables_still_share_the_regency_gap():
    # Every kecamatan table is at 90% but the newer regency figure is not: shared by
    # children without a KIA (10 and 5) → 6 × 10/15 = 4, 6 × 5/15 = 2
    areas = [KecamatanGap("A", "A", 100, 90), KecamatanGap("B", "B", 100, 95)]
    assert planning.kecamatan_shares(6, Fraction(90), areas) == {"A": (0, 4), "B": (0, 2)}
    assert planning.kecamatan_shares(6, Fraction(90), []) == {}
