"""Staff writes: earning rules, policy, lockers and catalogue items (manage_points, audited)."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.points.actions import PointsRefused
from gongzhi.points.models import CatalogueItem, EarningRule, Locker, PointsPolicy
from gongzhi.points.models.rules import RuleCode
from gongzhi.territory.models import Level, TerritoryNode

MAX_POINTS = 100_000


@transaction.atomic
def rule_set(
    *,
    actor: Actor,
    territory: TerritoryNode,
    code: str,
    points_per_unit: int,
    daily_cap: int | None,
    monthly_cap: int | None,
    active: bool = True,
) -> EarningRule:
    """Set the rule for an area (a district's row is the default of its communities)."""
    if code not in RuleCode.values:
        raise PointsRefused(_("未知的积分规则"))
    if not 0 <= points_per_unit <= MAX_POINTS:
        raise PointsRefused(_("每单位积分须在0到%(n)d之间") % {"n": MAX_POINTS})
    if daily_cap is not None and monthly_cap is not None and daily_cap > monthly_cap:
        raise PointsRefused(_("每日上限不能大于每月上限"))
    rule, _created = EarningRule.objects.select_for_update().update_or_create(
        territory=territory,
        code=code,
        defaults={
            "points_per_unit": points_per_unit,
            "daily_cap": daily_cap,
            "monthly_cap": monthly_cap,
            "active": active,
        },
    )
    record_write(
        actor=actor,
        action="points.rule_set",
        obj=rule,
        scope_path=territory.path,
        detail={"code": code, "points": points_per_unit, "daily_cap": daily_cap, "monthly_cap": monthly_cap},
    )
    return rule


@transaction.atomic
def policy_set(*, actor: Actor, territory: TerritoryNode, **values: Any) -> PointsPolicy:
    policy, _created = PointsPolicy.objects.update_or_create(territory=territory, defaults=values)
    record_write(
        actor=actor,
        action="points.policy_set",
        obj=policy,
        scope_path=territory.path,
        detail=dict(values),
    )
    return policy


@transaction.atomic
def locker_create(
    *,
    actor: Actor,
    community: TerritoryNode,
    name: str,
    address: str = "",
    operator: Organisation | None = None,
) -> Locker:
    if community.level != Level.COMMUNITY:
        raise PointsRefused(_("暖心柜须设在社区"))
    locker, _created = Locker.objects.get_or_create(
        community=community,
        name=name.strip()[:120],
        defaults={"address": address[:200], "operator": operator},
    )
    record_write(actor=actor, action="points.locker_create", obj=locker, scope_path=community.path)
    return locker


@transaction.atomic
def item_create(
    *,
    actor: Actor,
    community: TerritoryNode,
    name: str,
    points: int,
    stock: int,
    merchant: Organisation | None = None,
    locker: Locker | None = None,
    description: str = "",
) -> CatalogueItem:
    if community.level != Level.COMMUNITY:
        raise PointsRefused(_("兑换商品须属于某个社区"))
    if (merchant is None) == (locker is None):
        raise PointsRefused(_("请选择商户或暖心柜(二选一)"))
    if merchant is not None and merchant.kind != OrgKind.MERCHANT:
        raise PointsRefused(_("只有商户类组织可以提供兑换商品"))
    if locker is not None and locker.community_id != community.pk:
        raise PointsRefused(_("暖心柜不在该社区"))
    if not 1 <= points <= MAX_POINTS:
        raise PointsRefused(_("所需积分须在1到%(n)d之间") % {"n": MAX_POINTS})
    if stock < 0:
        raise PointsRefused(_("库存不能为负数"))
    if not name.strip():
        raise PointsRefused(_("请填写商品名称"))
    item = CatalogueItem.objects.create(
        community=community,
        merchant=merchant,
        locker=locker,
        name=name.strip()[:120],
        points=points,
        stock=stock,
        description=description[:300],
    )
    record_write(
        actor=actor,
        action="points.item_create",
        obj=item,
        scope_path=community.path,
        detail={"points": points, "stock": stock},
    )
    return item


@transaction.atomic
def item_restock(*, actor: Actor, item: CatalogueItem, delta: int) -> CatalogueItem:
    """Add (or with a negative delta remove) stock; never below zero, whatever redemptions run meanwhile."""
    if delta == 0:
        raise PointsRefused(_("数量不能为0"))
    rows = CatalogueItem.objects.filter(pk=item.pk)
    if delta < 0:
        rows = rows.filter(stock__gte=-delta)
    if not rows.update(stock=F("stock") + delta):
        raise PointsRefused(_("库存不足,不能减少这么多"))
    return _item_changed(actor, item, "points.item_restock", lambda: {"delta": delta, "stock": item.stock})


@transaction.atomic
def item_set_active(*, actor: Actor, item: CatalogueItem, active: bool) -> CatalogueItem:
    CatalogueItem.objects.filter(pk=item.pk).update(active=active)
    return _item_changed(actor, item, "points.item_active", lambda: {"active": active})


def _item_changed(
    actor: Actor, item: CatalogueItem, action: str, detail: Callable[[], dict[str, Any]]
) -> CatalogueItem:
    """The item re-read after an UPDATE, and its audit row (`detail` read after the re-read)."""
    item.refresh_from_db()
    record_write(actor=actor, action=action, obj=item, scope_path=item.community.path, detail=detail())
    return item
