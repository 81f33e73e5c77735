"""The double majority on hand-computed cases, including the exact edges 2/3, 1/2 and 3/4."""

from decimal import Decimal
from fractions import Fraction

from gongzhi.assemblies.rules import Tally, decide, quorum_met


def tally(part_area, part_owners, yes_area, yes_owners, total_area="900", total_owners=9) -> Tally:
    return Tally(
        Decimal(total_area), total_owners, Decimal(part_area), part_owners, Decimal(yes_area), yes_owners
    )


def test_exactly_two_thirds_of_area_and_owners_meets_the_quorum():
    # 9 owners of 100 ㎡ each; 6 take part: 600/900 = 6/9 = 2/3 exactly
    assert quorum_met(tally("600", 6, "0", 0))


def test_one_owner_short_of_two_thirds_misses_the_quorum_and_nothing_passes():
    t = tally("500", 5, "500", 5)
    assert not quorum_met(t)
    outcome = decide(t, special=False)
    assert (outcome.quorum_met, outcome.passed) == (False, False)
    assert outcome.yes_area == 1  # unanimous among participants, still not passed


def test_quorum_needs_both_area_and_headcount():
    # 6 of 9 owners (2/3) but only 590 of 900 ㎡ (< 2/3)
    assert not quorum_met(tally("590", 6, "0", 0))
    # 700 ㎡ (> 2/3) but only 5 of 9 owners
    assert not quorum_met(tally("700", 5, "0", 0))


def test_exactly_half_yes_does_not_pass_an_ordinary_matter():
    # 6 take part (600 ㎡); 3 owners with 300 ㎡ say yes: exactly 1/2 by both measures
    outcome = decide(tally("600", 6, "300", 3), special=False)
    assert outcome.quorum_met
    assert (outcome.yes_area, outcome.yes_owners) == (Fraction(1, 2), Fraction(1, 2))
    assert not outcome.passed


def test_one_more_than_half_passes_an_ordinary_matter():
    outcome = decide(tally("600", 6, "400", 4), special=False)
    assert outcome.passed
    assert (outcome.yes_area, outcome.yes_owners) == (Fraction(2, 3), Fraction(2, 3))


def test_exactly_three_quarters_passes_a_special_matter():
    # 8 take part (800 ㎡); 6 with 600 ㎡ say yes: 3/4 exactly
    outcome = decide(tally("800", 8, "600", 6), special=True)
    assert (outcome.yes_area, outcome.yes_owners) == (Fraction(3, 4), Fraction(3, 4))
    assert outcome.passed


def test_just_under_three_quarters_fails_a_special_matter_that_would_pass_as_ordinary():
    t = tally("800", 8, "599.99", 6)
    assert not decide(t, special=True).passed
    assert decide(t, special=False).passed


def test_area_majority_without_headcount_majority_fails():
    # one large owner (300 of 600 ㎡ … plus 1 ㎡) against three small: area 301/600 > 1/2, heads 1/4
    t = Tally(Decimal("600"), 4, Decimal("600"), 4, Decimal("301"), 1)
    outcome = decide(t, special=False)
    assert outcome.yes_area > Fraction(1, 2)
    assert outcome.yes_owners == Fraction(1, 4)
    assert not outcome.passed


def test_headcount_majority_without_area_majority_fails():
    # three owners of 100 ㎡ out of areas 100+100+100+300: heads 3/4, area exactly 1/2
    t = Tally(Decimal("600"), 4, Decimal("600"), 4, Decimal("300"), 3)
    outcome = decide(t, special=False)
    assert outcome.yes_owners == Fraction(3, 4)
    assert outcome.yes_area == Fraction(1, 2)
    assert not outcome.passed


def test_decimal_areas_are_exact_with_no_float_rounding():
    # 2/3 of 100.05 is 66.7 exactly; 66.70 meets the quorum, 66.69 does not
    assert quorum_met(Tally(Decimal("100.05"), 3, Decimal("66.70"), 2, Decimal(0), 0))
    assert not quorum_met(Tally(Decimal("100.05"), 3, Decimal("66.69"), 2, Decimal(0), 0))


def test_nobody_taking_part_passes_nothing():
    outcome = decide(tally("0", 0, "0", 0), special=False)
    assert (outcome.quorum_met, outcome.passed) == (False, False)
