"""Reads of the territory tree that need thought: the home dashboard, node pages, the map and the
point lookup. Every read starts from `.visible_to(actor)`; outsiders simply see nothing."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.urls import reverse

from gongzhi.accounts.models import RoleAssignment
from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.orgs.models import Organisation
from gongzhi.people.models import PartyMember, Person
from gongzhi.people.queries import decorate_people
from gongzhi.territory.models import LEVEL_ORDER, Level, TerritoryNode

# Levels whose node page lists the residents in the subtree (above these the lists get too long
# to be useful; the people search with a node filter covers them).
RESIDENT_LIST_LEVELS = frozenset({Level.GRID, Level.COMPOUND, Level.BUILDING, Level.UNIT, Level.HOUSEHOLD})


def within_scope(actor: Actor, capability: str, path_field: str) -> Q:
    """Rows strictly inside the actor's own subtrees (visible_to also admits the ancestors above
    them, which is right for navigation but wrong for 'how many in my area')."""
    scope = get_scope(actor)
    if scope.is_global:
        return Q()
    condition = Q(pk__in=[])
    for path in scope.paths_for(capability):
        condition |= Q(**{f"{path_field}__startswith": path})
    return condition


def top_visible_node(actor: Actor) -> TerritoryNode | None:
    """The highest node the actor may see: the district for everyone with a role below it, since
    visible_to admits the ancestors of their own territory."""
    return TerritoryNode.objects.visible_to(actor).order_by("depth", "path").first()


def visible_ancestors(actor: Actor, node: TerritoryNode) -> list[TerritoryNode]:
    """Breadcrumb: the node's ancestors the actor may see, root first (one query)."""
    codes = node.ancestor_codes
    if not codes:
        return []
    found = {n.code: n for n in TerritoryNode.objects.visible_to(actor).filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def resident_counts(actor: Actor, node: TerritoryNode, children: list[TerritoryNode]) -> dict[int, int]:
    """Residents the actor may see in each child's subtree, grouped by path prefix.

    One grouped scan of the node's subtree per distinct child path length (codes are fixed-width
    per level, so that is one query, two where a grid holds both compounds and buildings). A
    correlated subquery per child would rescan the subtree once per child.
    """

    counts: dict[int, int] = {}
    by_length: dict[int, dict[str, int]] = {}
    for child in children:
        by_length.setdefault(len(child.path), {})[child.path] = child.pk
    base = Person.objects.visible_to(actor).filter(household__path__startswith=node.path).order_by()
    for length, paths in by_length.items():
        rows = (
            base.annotate(prefix=Substr("household__path", 1, length))
            .filter(prefix__in=list(paths))
            .values("prefix")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts[paths[row["prefix"]]] = row["n"]
    return counts


def children_with_counts(actor: Actor, node: TerritoryNode) -> list[TerritoryNode]:
    """Visible children, each with `resident_count` (visible residents in its subtree) and
    `child_count` (its own children). Children the actor may not see do not appear."""
    children: list[TerritoryNode] = list(
        TerritoryNode.objects.visible_to(actor)
        .filter(parent=node)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )
    counts = resident_counts(actor, node, children) if get_scope(actor).can("view_people") else {}
    for child in children:
        child.resident_count = counts.get(child.pk, 0)  # type: ignore[attr-defined]
    return children


def node_ref(node: TerritoryNode) -> dict[str, Any]:
    return {"id": node.pk, "code": node.code, "name": node.name, "level": node.level}


def map_payload(actor: Actor, node: TerritoryNode) -> dict[str, Any]:
    """GeoJSON FeatureCollection of the node's visible children, plus what the map needs to draw
    its breadcrumb and 'up one level' control."""
    ancestors = visible_ancestors(actor, node)
    children = children_with_counts(actor, node)

    def link(n: TerritoryNode) -> dict[str, Any]:
        return {
            **node_ref(n),
            "level_label": str(Level(n.level).label),
            "node_url": reverse("territory:node", args=[n.pk]),
            "map_url": reverse("territory:map") + f"?node={n.pk}",
        }

    bbox = None
    if node.min_lon is not None:
        bbox = [node.min_lon, node.min_lat, node.max_lon, node.max_lat]
    return {
        "type": "FeatureCollection",
        "node": link(node),
        "bbox": bbox,
        "parent": link(ancestors[-1]) if ancestors else None,
        "breadcrumb": [link(a) for a in ancestors],
        "features": [
            {
                "type": "Feature",
                "id": c.pk,
                "geometry": c.geometry,
                "properties": {
                    **link(c),
                    "resident_count": c.resident_count,  # type: ignore[attr-defined]
                    "child_count": c.child_count,  # type: ignore[attr-defined]
                },
            }
            for c in children
        ],
    }


def node_search(
    actor: Actor, *, parent: int | None = None, level: str = "", q: str = ""
) -> QuerySet[TerritoryNode]:
    rows = TerritoryNode.objects.visible_to(actor)
    if parent is not None:
        rows = rows.filter(parent_id=parent)
    if level:
        rows = rows.filter(level=level)
    if q.strip():
        rows = rows.filter(Q(name__icontains=q.strip()) | Q(code__startswith=q.strip()))
    return rows.order_by("path")


def point_lookup(actor: Actor, lon: float, lat: float) -> dict[str, TerritoryNode | None]:
    """The grid, community and street containing a point, each only if the actor may see it."""
    from gongzhi.territory.geo_index import LOOKUP_LEVELS, get_index

    found = get_index().lookup(lon, lat)
    ids = [i for i in found.values() if i is not None]
    visible = {n.pk: n for n in TerritoryNode.objects.visible_to(actor).filter(pk__in=ids)} if ids else {}
    return {str(level): visible.get(found[str(level)] or 0) for level in LOOKUP_LEVELS}


# --- home dashboard -------------------------------------------------------------------------


@dataclass
class RoleLine:
    label: str
    territory: TerritoryNode | None
    organisation_name: str = ""


@dataclass
class HomeSummary:
    roles: list[RoleLine] = field(default_factory=list)
    is_staff: bool = False
    top_node: TerritoryNode | None = None
    # (label, number, url or "") in the order shown
    counts: list[tuple[str, int, str]] = field(default_factory=list)
    own: Any = None  # the actor's own Person, masked, for residents
    household_members: list[Any] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)


COUNTED_LEVELS = (Level.STREET, Level.COMMUNITY, Level.GRID, Level.COMPOUND, Level.BUILDING)


def home_summary(actor: Actor) -> HomeSummary:
    """What the signed-in user sees first: their roles, and counts inside their own territory.
    Residents (no staff role) see their own record and their household only."""
    from django.utils.translation import gettext as _

    scope = get_scope(actor)
    summary = HomeSummary()
    if scope.person_id is not None:
        for ra in (
            RoleAssignment.objects.active()
            .filter(person_id=scope.person_id)
            .select_related("territory", "organisation")
            .order_by("role", "id")
        ):
            summary.roles.append(
                RoleLine(
                    label=str(ra.get_role_display()),
                    territory=ra.territory,
                    organisation_name=ra.organisation.name if ra.organisation is not None else "",
                )
            )
    summary.is_staff = scope.is_global or bool(scope.paths_for("view_territory"))
    if summary.is_staff:
        summary.top_node = top_visible_node(actor)
        inside = within_scope(actor, "view_territory", "path")
        level_counts = (
            TerritoryNode.objects.visible_to(actor)
            .filter(inside)
            .aggregate(**{lv.value: Count("pk", filter=Q(level=lv.value)) for lv in COUNTED_LEVELS})
        )
        tree = reverse("territory:root")
        # Levels above the actor's own territory would always read 0 ("streets: 0" for
        # community staff): show only the levels below it.
        own_depth = (
            -1 if scope.is_global else min(p.count("/") - 1 for p in scope.paths_for("view_territory"))
        )
        for lv in COUNTED_LEVELS:
            if LEVEL_ORDER.index(lv.value) >= own_depth:
                summary.counts.append((str(lv.label), level_counts[lv.value], tree))
        if scope.is_global or scope.paths_for("view_people"):
            residents = (
                Person.objects.visible_to(actor, "view_people").filter(household__isnull=False).count()
            )
            members = PartyMember.objects.visible_to(actor, "view_people").count()
            summary.counts.append((_("居民"), residents, reverse("people:list")))
            summary.counts.append((_("党员"), members, reverse("orgs:chart")))
        if scope.is_global or scope.paths_for("view_orgs"):
            orgs = (
                Organisation.objects.visible_to(actor)
                .filter(within_scope(actor, "view_orgs", "territory__path"))
                .count()
            )
            summary.counts.append((_("组织"), orgs, reverse("orgs:chart") + "#organisations"))
    elif scope.person_id is not None:
        own = list(Person.objects.visible_to(actor).filter(pk=scope.person_id).select_related("household"))
        if own:
            summary.own = decorate_people(own)[0]
            if summary.own.household_id:
                # Members of one's own household are shown by name only; their records stay closed.
                summary.household_members = list(
                    Person.objects.filter(household_id=summary.own.household_id)
                    .exclude(pk=summary.own.pk)
                    .only("name", "gender")
                    .order_by("name")
                )
    return summary
