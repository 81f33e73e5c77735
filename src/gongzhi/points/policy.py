"""Which earning rule and policy apply in a community: the row on the nearest area (community, then
street, then district), else the built-in defaults."""

import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gongzhi.core.scoping import ancestor_paths
from gongzhi.points.models import EarningRule, PointsPolicy
from gongzhi.points.models.rules import DEFAULTS
from gongzhi.territory.models import TerritoryNode


@dataclass(frozen=True)
class EffectiveRule:
    code: str
    points_per_unit: int
    daily_cap: int | None
    monthly_cap: int | None
    active: bool = True
    defined_at: str = ""  # name of the area whose row applies; "" for the built-in default


@dataclass(frozen=True)
class EffectivePolicy:
    expiry_years: int | None = None
    pair_threshold: int = 5
    burst_count: int = 10
    burst_minutes: int = 60
    pickup_days: int = 30


def _chain(community: TerritoryNode) -> list[str]:
    """The community's path and its ancestors', nearest first."""
    return [community.path, *reversed(ancestor_paths(community.path))]


def effective_rule(community: TerritoryNode, code: str) -> EffectiveRule:
    chain = _chain(community)
    rows = {
        r.territory.path: r
        for r in EarningRule.objects.filter(code=code, territory__path__in=chain).select_related("territory")
    }
    for path in chain:
        row = rows.get(path)
        if row is not None:
            return EffectiveRule(
                code, row.points_per_unit, row.daily_cap, row.monthly_cap, row.active, row.territory.name
            )
    per_unit, daily, monthly = DEFAULTS[code]
    return EffectiveRule(code, per_unit, daily, monthly)


def effective_policy(community: TerritoryNode) -> EffectivePolicy:
    chain = _chain(community)
    rows = {
        p.territory.path: p
        for p in PointsPolicy.objects.filter(territory__path__in=chain).select_related("territory")
    }
    for path in chain:
        row = rows.get(path)
        if row is not None:
            return EffectivePolicy(
                row.expiry_years, row.pair_threshold, row.burst_count, row.burst_minutes, row.pickup_days
            )
    return EffectivePolicy()


# Per-process cache of the rule and policy that apply in a community, for the posting hot path
# (every award reads both, every redemption the policy): rules change a few times a year, awards
# arrive hundreds a second. A change saved in this process clears it at once (signals below); other
# processes apply it within RULE_CACHE_SECONDS (decision 0032). Staff pages read uncached.
RULE_CACHE_SECONDS = 5.0
_rules: dict[tuple[int, str], tuple[float, EffectiveRule]] = {}
_policies: dict[int, tuple[float, EffectivePolicy]] = {}


def cached_rule(community: TerritoryNode, code: str) -> EffectiveRule:
    key = (community.pk, code)
    hit = _rules.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    rule = effective_rule(community, code)
    _rules[key] = (now + RULE_CACHE_SECONDS, rule)
    return rule


def cached_policy(community_id: int) -> EffectivePolicy:
    hit = _policies.get(community_id)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    policy = effective_policy(TerritoryNode.objects.only("path").get(pk=community_id))
    _policies[community_id] = (now + RULE_CACHE_SECONDS, policy)
    return policy


def reset_cache() -> None:
    _rules.clear()
    _policies.clear()


@receiver(post_save, sender=EarningRule, dispatch_uid="points_rules_saved")
@receiver(post_delete, sender=EarningRule, dispatch_uid="points_rules_deleted")
@receiver(post_save, sender=PointsPolicy, dispatch_uid="points_policy_saved")
@receiver(post_delete, sender=PointsPolicy, dispatch_uid="points_policy_deleted")
def _rules_changed(**kwargs: object) -> None:
    reset_cache()
