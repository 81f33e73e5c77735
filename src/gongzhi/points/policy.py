"""Which earning rule and policy apply in a community: the row on the nearest area (community, then
street, then district), else the built-in defaults."""

from dataclasses import dataclass

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
