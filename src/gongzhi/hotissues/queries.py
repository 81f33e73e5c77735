"""Reads: the hot issues of a territory (street or community) and month, scoped to the actor."""

import datetime
from typing import cast
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from gongzhi.appeals.models import Appeal
from gongzhi.core import months
from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.hotissues.clustering import HotIssue, Item, cluster
from gongzhi.territory.models import TerritoryNode

TZ = ZoneInfo("Asia/Shanghai")
MAX_APPEALS = 30000


def territory_for(actor: Actor, node_id: int | None) -> TerritoryNode:
    """The street/community the actor may look at, or 404."""
    scope = get_scope(actor)
    if node_id is None:
        paths = scope.paths_for("view_appeals")
        node = TerritoryNode.objects.filter(path=paths[0]).first() if paths else None
    else:
        node = TerritoryNode.objects.filter(pk=node_id).first()
    if node is None or not scope.can("view_appeals", node.path):
        raise Http404
    return cast(TerritoryNode, node)


def month_bounds(month: str) -> tuple[datetime.datetime, datetime.datetime]:
    first = months.parse_month(month) or timezone.now().astimezone(TZ).date().replace(day=1)
    start = datetime.datetime(first.year, first.month, 1, tzinfo=TZ)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end


def hot_issues(
    *, actor: Actor, node: TerritoryNode, month: str, limit: int = 20
) -> tuple[list[HotIssue], str]:
    start, end = month_bounds(month)
    rows = (
        Appeal.objects.visible_to(actor)
        .filter(path__startswith=node.path, created_at__gte=start, created_at__lt=end, parent__isnull=True)
        .annotate(n_supports=Count("supports"))
        .values_list(
            "pk", "title", "text", "created_at", "submitter_id", "community_id", "lon", "lat", "n_supports"
        )
        .order_by("created_at")[:MAX_APPEALS]
    )
    items = [
        Item(
            id=r[0],
            title=r[1],
            text=r[2][:300],
            at=r[3],
            person=r[4],
            community=r[5],
            lon=r[6],
            lat=r[7],
            supports=r[8],
        )
        for r in rows
    ]
    now = min(timezone.now(), end)
    return cluster(items, now=now)[:limit], start.strftime("%Y-%m")
