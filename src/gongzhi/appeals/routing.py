"""Where an appeal belongs and who handles it (秒拨): location → grid/community/street, address
text → compound/building when there is no pin, category × territory → department by the active
routing rules (first match wins). Unroutable appeals stay in their community's triage queue."""

import threading
from dataclasses import dataclass
from typing import Any

from gongzhi.appeals import address
from gongzhi.appeals.models import Category, RoutingRule, RoutingRuleSet
from gongzhi.core.cache import MISSING, Namespace
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
    building: TerritoryNode | None = address.best_building(buildings, text)
    return building or best


@dataclass(frozen=True)
class RuleView:
    position: int
    category_id: int | None
    territory_path: str | None
    department_id: int


# The active ruleset's rules, cached per process (core.cache, decision 0046) under the one key
# "active" with the version they belong to: a newly activated version is read with the intake's
# other checks (sql.intake_prefetch) and loads its rules at once; a rule or ruleset saved or deleted
# bumps the namespace, and writes without signals (bulk_create) bump it themselves (RULES.bump()).
# Other processes see a bump within RECHECK_SECONDS; a rolled-back edit is never seen.
RECHECK_SECONDS = 5.0
RULES = Namespace("appeals.routing_rules", recheck_seconds=RECHECK_SECONDS, maxsize=4)
RULES.watch(RoutingRule, RoutingRuleSet)
_lock = threading.Lock()
_UNREAD = object()


def _load(version: int) -> list[RuleView]:
    return [
        RuleView(
            r.position, r.category_id, r.territory.path if r.territory is not None else None, r.department_id
        )
        for r in RoutingRule.objects.filter(ruleset__version=version)
        .select_related("territory")
        .order_by("position")
    ]


def active_rules(version: Any = _UNREAD) -> tuple[int | None, list[RuleView]]:
    """The active ruleset's rules (see RULES).
    `version`: the active version when the caller has just read it (sql.intake_prefetch)."""
    if version is _UNREAD:
        version = RoutingRuleSet.objects.filter(is_active=True).values_list("version", flat=True).first()
    if version is None:
        return None, []
    known = RULES.version()
    held: tuple[int, list[RuleView]] = RULES.peek("active", known)
    if held is MISSING or held[0] != version:
        with _lock:
            held = (version, _load(version))
            RULES.put("active", held, known)
    return held


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
    held = RULES.peek("active")
    if held is MISSING:
        return None
    return route_department(category=category, path=path, version=held[0])
