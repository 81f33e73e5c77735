"""Council voting rules on hand-computed cases, with the exact 1/2 and 2/3 edges."""

import pytest

from gongzhi.councils.rules import QuorumRule, VoteRule, decide, quorum_met, threshold


@pytest.mark.parametrize(
    ("rule", "present", "members", "needed"),
    [
        (VoteRule.MAJORITY_PRESENT, 8, 11, 5),  # 4 of 8 is exactly half: not a majority
        (VoteRule.MAJORITY_PRESENT, 7, 11, 4),
        (VoteRule.MAJORITY_MEMBERS, 8, 10, 6),  # 5 of 10 is exactly half: not enough
        (VoteRule.MAJORITY_MEMBERS, 8, 11, 6),
        (VoteRule.TWO_THIRDS_MEMBERS, 9, 9, 6),  # 6 of 9 is exactly two thirds: enough
        (VoteRule.TWO_THIRDS_MEMBERS, 9, 10, 7),  # 20/3 = 6.67 → 7
        (VoteRule.TWO_THIRDS_MEMBERS, 12, 12, 8),
    ],
)
def test_thresholds(rule, present, members, needed):
    assert threshold(rule, present=present, members=members) == needed


def test_exactly_half_of_those_present_does_not_carry():
    assert not decide(VoteRule.MAJORITY_PRESENT, QuorumRule.MAJORITY, yes=4, present=8, members=11).passed
    assert decide(VoteRule.MAJORITY_PRESENT, QuorumRule.MAJORITY, yes=5, present=8, members=11).passed


def test_exactly_two_thirds_of_members_carries_and_one_less_does_not():
    assert decide(VoteRule.TWO_THIRDS_MEMBERS, QuorumRule.MAJORITY, yes=6, present=9, members=9).passed
    assert not decide(VoteRule.TWO_THIRDS_MEMBERS, QuorumRule.MAJORITY, yes=5, present=9, members=9).passed


def test_majority_of_members_counts_absentees_against():
    # 6 present of 11, all 6 vote yes: majority of present yes, and 6 > 11/2 for members
    assert decide(VoteRule.MAJORITY_MEMBERS, QuorumRule.MAJORITY, yes=6, present=6, members=11).passed
    # 5 of 10 members is exactly half: fails though everyone present agreed
    r = decide(VoteRule.MAJORITY_MEMBERS, QuorumRule.MAJORITY, yes=5, present=6, members=10)
    assert (r.quorum_met, r.needed, r.passed) == (True, 6, False)


def test_quorum_majority_needs_more_than_half_present():
    assert not quorum_met(QuorumRule.MAJORITY, present=5, members=10)
    assert quorum_met(QuorumRule.MAJORITY, present=6, members=10)


def test_quorum_two_thirds_is_met_at_exactly_two_thirds():
    assert quorum_met(QuorumRule.TWO_THIRDS, present=6, members=9)
    assert not quorum_met(QuorumRule.TWO_THIRDS, present=5, members=9)


def test_no_quorum_means_not_passed_even_if_unanimous():
    r = decide(VoteRule.MAJORITY_PRESENT, QuorumRule.MAJORITY, yes=5, present=5, members=10)
    assert (r.quorum_met, r.passed) == (False, False)


def test_a_council_without_members_never_has_a_quorum():
    assert not quorum_met(QuorumRule.MAJORITY, present=0, members=0)
