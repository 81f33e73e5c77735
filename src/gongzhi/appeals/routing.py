"""Where an appeal belongs and who handles it (秒拨): location → grid/community/street, address
text → compound/building when there is no pin, category × territory → department by the active
routing rules (first match wins). Unroutable appeals stay in their community's triage queue."""

import threading
from dataclasses import dataclass
from typing import Any

from gongzhi.appeals import address
from gongzhi.appeals.models import Category, RoutingRule, RoutingRuleSet
from gongzhi.territory.geo_index import get_index
from gongzhi.territory.models import Level, TerritoryNode


@dataclass(frozen=True)
class Placement:
    territory: TerritoryNode | None
    community: TerritoryNode | None
    street: TerritoryNode | None


def place(*, lon: float | None, lat: float | None, address_text: str = "") -> Placement:
    node: TerritoryNode | None = None
    if lon is not None and lat is not None:
        found = get_index().lookup(lon, lat)
        node_id = found.get(Level.GRID) or found.get(Level.COMMUNITY) or found.get(Level.STREET)
        node = TerritoryNode.objects.filter(pk=node_id).first() if node_id else None
    if node is None and address_text:
        node = match_address(address_text)
    if node is None:
        return Placement(None, None, None)
    return Placement(node, node.community(), node.street())


def match_address(text: str) -> TerritoryNode | None:
    """Compound named in the text, then its building by number (appeals/address.py normalises
    "三栋", "3幢", "3号楼", "３#" alike). Names are short, so a scan over the compounds is cheap
    (a few thousand per district) and needs no search engine."""
    fields = ("id", "name", "code", "path", "level")
    best = address.best_compound(TerritoryNode.objects.filter(level=Level.COMPOUND).only(*fields), text)
    if best is None:
        return None
    buildings = TerritoryNode.objects.filter(parent=best, level=Level.BUILDING).only(*fields)
    return address.best_building(buildings, text) or best


@dataclass(frozen=True)
class RuleView:
    position: int
    category_id: int | None
    territory_path: str | None
    department_id: int


_lock = threading.Lock()
_rules_cache: tuple[int, list[RuleView]] | None = None


_UNREAD = object()


def active_rules(version: Any = _UNREAD) -> tuple[int | None, list[RuleView]]:
    """The active ruleset's rules, cached per process until another version is activated.
    `version`: the active version when the caller has just read it (sql.intake_prefetch)."""
    global _rules_cache
    if version is _UNREAD:
        version = RoutingRuleSet.objects.filter(is_active=True).values_list("version", flat=True).first()
    if version is None:
        return None, []
    cached = _rules_cache
    if cached is not None and cached[0] == version:
        return version, cached[1]
    with _lock:
        rules = [
            RuleView(r.position, r.category_id, r.territory.path if r.territory_id else None, r.department_id)
            for r in RoutingRule.objects.filter(ruleset__version=version)
            .select_related("territory")
            .order_by("position")
        ]
        _rules_cache = (version, rules)
    return version, rules


def route_department(
    *, category: Category | None, path: str, version: Any = _UNREAD
) -> tuple[int | None, int | None]:
    """(department id, ruleset version) of the first matching rule, or (None, version)."""
    version, rules = active_rules(version)
    lineage = set(category.lineage_ids()) if category is not None else set()
    for rule in rules:
        if rule.category_id is not None and rule.category_id not in lineage:
            continue
        if rule.territory_path is not None and not path.startswith(rule.territory_path):
            continue
        return rule.department_id, version
    return None, version


def cached_department(*, category: Category | None, path: str) -> tuple[int | None, int | None] | None:
    """route_department by the rules cached in this process, without reading the active version:
    a guess the caller must confirm against route_department (None before the first load)."""
    cached = _rules_cache
    if cached is None:
        return None
    return route_department(category=category, path=path, version=cached[0])


def reset_cache() -> None:
    global _rules_cache
    _rules_cache = None
