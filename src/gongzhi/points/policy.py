"""Which earning rule and policy apply in a community: the row on the nearest area (community, then
street, then district), else the built-in defaults."""

from dataclasses import dataclass

from gongzhi.core.cache import Namespace
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


# The rule and policy that apply in a community, cached for the posting hot path (every award reads
# both, every redemption the policy): rules change a few times a year, awards arrive hundreds a
# second. core.cache (decision 0046): a saved or deleted rule or policy bumps the namespace, which
# this process sees at once and others within RULE_CACHE_SECONDS (decision 0032). Staff pages read
# uncached.
RULE_CACHE_SECONDS = 5.0
RULES = Namespace("points.rules", recheck_seconds=RULE_CACHE_SECONDS)
RULES.watch(EarningRule, PointsPolicy)


def cached_rule(community: TerritoryNode, code: str) -> EffectiveRule:
    return RULES.get(("rule", community.pk, code), lambda: effective_rule(community, code))


def cached_policy(community_id: int) -> EffectivePolicy:
    return RULES.get(
        ("policy", community_id),
        lambda: effective_policy(TerritoryNode.objects.only("path").get(pk=community_id)),
    )
