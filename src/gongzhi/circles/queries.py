"""Reads of the resource library and of service-circle coverage."""

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count

from gongzhi.circles import coverage
from gongzhi.circles.access import editable_areas
from gongzhi.circles.models import Resource
from gongzhi.core.actors import Actor
from gongzhi.orgs.models import Organisation
from gongzhi.people.models import Person
from gongzhi.places.geo import haversine_m
from gongzhi.places.models import Centre
from gongzhi.territory.models import TerritoryNode


def nearest_resources(
    lon: float, lat: float, limit: int = 10, need: str | None = None
) -> list[tuple[Resource, float]]:
    """Active resources nearest to (lon, lat) as (resource, straight-line metres), nearest first;
    with `need` only those whose uses, name or kind match it (places/needs.py)."""
    rows = Resource.objects.active()
    if need and need.strip():
        rows = rows.for_need(need)
    found = list(rows.values_list("id", "lon", "lat"))
    if not found or limit <= 0:
        return []
    ids = np.array([r[0] for r in found])
    dist = haversine_m(
        float(lon), float(lat), np.array([r[1] for r in found]), np.array([r[2] for r in found])
    )
    order = np.lexsort((ids, dist))[:limit]
    by_id = Resource.objects.select_related("owner", "territory").in_bulk([int(ids[i]) for i in order])
    return [(by_id[int(ids[i])], float(dist[i])) for i in order if int(ids[i]) in by_id]


def public_resources(*, kind: str = "", need: str = "") -> Any:
    rows = Resource.objects.active().select_related("owner")
    if kind:
        rows = rows.filter(kind=kind)
    if need.strip():
        rows = rows.for_need(need)
    return rows.order_by("kind", "name")


@dataclass
class Buildings:
    ids: np.ndarray
    lons: np.ndarray
    lats: np.ndarray
    residents: np.ndarray
    names: list[str]
    part: list[str]  # the child of the area each building lies in (its community, for a street)


def buildings_of(node: TerritoryNode) -> Buildings:
    """Every building with a location under `node`, with its residents: the building's own
    `population` where recorded (imports of census figures), else the persons whose household
    lies in it."""
    rows = list(
        TerritoryNode.objects.subtree(node)
        .filter(level="building", centroid_lon__isnull=False)
        .values_list("id", "path", "name", "centroid_lon", "centroid_lat", "population")
    )
    index = {path: i for i, (_id, path, *_rest) in enumerate(rows)}
    counts = np.array([pop or 0 for *_r, pop in rows], dtype=np.int64)
    recorded = np.array([pop is not None for *_r, pop in rows], dtype=bool)
    people = (
        Person.objects.filter(household__path__startswith=node.path)
        .values("household__path")
        .annotate(n=Count("id"))
        .values_list("household__path", "n")
    )
    for path, n in people:
        parts = path.split("/")
        for cut in range(len(parts) - 1, node.depth, -1):
            i = index.get("/".join(parts[:cut]) + "/")
            if i is not None:
                if not recorded[i]:
                    counts[i] += n
                break
    child_codes = [path.split("/")[node.depth + 1] for _id, path, *_r in rows]
    names = dict(TerritoryNode.objects.filter(parent=node).values_list("code", "name"))
    return Buildings(
        ids=np.array([r[0] for r in rows], dtype=np.int64),
        lons=np.array([r[3] for r in rows], dtype=float),
        lats=np.array([r[4] for r in rows], dtype=float),
        residents=counts,
        names=[r[2] for r in rows],
        part=[names.get(c, c) for c in child_codes],
    )


@dataclass
class Site:
    kind: str  # "centre" or a ResourceKind value
    name: str
    lon: float
    lat: float


def sites_near(node: TerritoryNode, b: Buildings, kinds: list[str], radius: float) -> list[Site]:
    """Active centres, plus active resources of the chosen kinds, in the area's box widened by the
    walking radius (a centre just over the boundary still serves the buildings near it)."""
    if len(b.ids) == 0:
        return []
    lat0 = float(b.lats.mean())
    dlat = radius / 111_000
    dlon = dlat / max(np.cos(np.radians(lat0)), 0.1)
    box = {
        "lon__gte": float(b.lons.min()) - dlon,
        "lon__lte": float(b.lons.max()) + dlon,
        "lat__gte": float(b.lats.min()) - dlat,
        "lat__lte": float(b.lats.max()) + dlat,
    }
    sites = [
        Site("centre", n, x, y)
        for n, x, y in Centre.objects.active().filter(**box).values_list("name", "lon", "lat")
    ]
    if kinds:
        sites += [
            Site(k, n, x, y)
            for k, n, x, y in Resource.objects.active()
            .filter(kind__in=kinds, **box)
            .values_list("kind", "name", "lon", "lat")
        ]
    return sites


@dataclass
class AreaCoverage:
    node: TerritoryNode
    minutes: int
    kinds: list[str]
    buildings: Buildings
    sites: list[Site]
    result: coverage.CoverageResult
    lat0: float

    def suggestion_points(self) -> list[dict[str, Any]]:
        if not self.result.suggestions:
            return []
        xy = np.array([[s.x, s.y] for s in self.result.suggestions])
        lons, lats = coverage.unproject(xy, self.lat0)
        return [
            {
                "rank": i + 1,
                "lon": round(float(lo), 6),
                "lat": round(float(la), 6),
                "residents": s.residents,
                "buildings": s.buildings,
            }
            for i, (s, lo, la) in enumerate(zip(self.result.suggestions, lons, lats, strict=True))
        ]

    def by_part(self) -> list[dict[str, Any]]:
        """Shares per child area (community of a street, street of a district)."""
        out: dict[str, dict[str, int]] = {}
        for name, res, cov in zip(
            self.buildings.part, self.result.residents, self.result.covered, strict=True
        ):
            row = out.setdefault(
                name, {"buildings": 0, "buildings_covered": 0, "residents": 0, "residents_covered": 0}
            )
            row["buildings"] += 1
            row["residents"] += int(res)
            if cov:
                row["buildings_covered"] += 1
                row["residents_covered"] += int(res)
        return [
            {"name": k, **v, "share": (v["residents_covered"] / v["residents"]) if v["residents"] else None}
            for k, v in sorted(out.items())
        ]

    def map_payload(self) -> dict[str, Any]:
        b = self.buildings
        return {
            "radius": round(self.result.radius),
            "buildings": [
                [round(float(x), 6), round(float(y), 6), int(r), bool(c), n]
                for x, y, r, c, n in zip(
                    b.lons, b.lats, self.result.residents, self.result.covered, b.names, strict=True
                )
            ],
            "sites": [[s.lon, s.lat, s.name, s.kind] for s in self.sites],
            "suggestions": self.suggestion_points(),
        }


def area_coverage(
    node: TerritoryNode, *, minutes: int = 15, kinds: list[str] | None = None, suggest: int = 5
) -> AreaCoverage:
    kinds = kinds or []
    b = buildings_of(node)
    radius = coverage.radius_for(minutes)
    sites = sites_near(node, b, kinds, radius)
    lat0 = float(b.lats.mean()) if len(b.lats) else 0.0
    b_xy = coverage.project(b.lons, b.lats, lat0)
    s_xy = (
        coverage.project(np.array([s.lon for s in sites]), np.array([s.lat for s in sites]), lat0)
        if sites
        else np.zeros((0, 2))
    )
    result = coverage.compute(b_xy, b.residents, s_xy, minutes, suggest=suggest)
    return AreaCoverage(
        node=node, minutes=minutes, kinds=kinds, buildings=b, sites=sites, result=result, lat0=lat0
    )


def managed_resources(actor: Actor) -> Any:
    """The resources the actor may edit (manage_places over their area), for the manage page."""
    return Resource.objects.visible_to(actor).select_related("owner", "territory")


def form_choices(actor: Actor) -> tuple[Any, Any]:
    """(areas, owner units) the resource form offers: the areas the actor edits in, the
    organisations the actor sees."""
    areas = TerritoryNode.objects.visible_to(actor, "manage_places").filter(
        pk__in=[n.pk for n in editable_areas(actor)]
    )
    return areas, Organisation.objects.visible_to(actor).order_by("name")
