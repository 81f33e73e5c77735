"""Council voting rules, in integers (no rounding anywhere): the rule is stored on each decision and
shown with its result, so a reader can check the arithmetic."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class VoteRule(models.TextChoices):
    MAJORITY_PRESENT = "majority_present", _("出席成员过半数同意")
    MAJORITY_MEMBERS = "majority_members", _("全体成员过半数同意")
    TWO_THIRDS_MEMBERS = "two_thirds_members", _("全体成员三分之二以上同意")


class QuorumRule(models.TextChoices):
    MAJORITY = "majority", _("过半数成员出席")
    TWO_THIRDS = "two_thirds", _("三分之二以上成员出席")


def quorum_met(rule: str, *, present: int, members: int) -> bool:
    if members <= 0:
        return False
    if rule == QuorumRule.TWO_THIRDS:
        return 3 * present >= 2 * members  # "以上" includes exactly two thirds
    return 2 * present > members  # "过半数" is strictly more than half


def threshold(rule: str, *, present: int, members: int) -> int:
    """The least number of yes votes that carries the decision."""
    if rule == VoteRule.MAJORITY_PRESENT:
        return present // 2 + 1
    if rule == VoteRule.MAJORITY_MEMBERS:
        return members // 2 + 1
    return -(-2 * members // 3)  # ceil(2m/3): exactly two thirds carries


@dataclass(frozen=True)
class Result:
    quorum_met: bool
    needed: int
    passed: bool


def decide(rule: str, quorum: str, *, yes: int, present: int, members: int) -> Result:
    met = quorum_met(quorum, present=present, members=members)
    needed = threshold(rule, present=present, members=members)
    return Result(met, needed, met and yes >= needed)
