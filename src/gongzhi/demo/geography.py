"""The demo territory: the district outline cut into streets, communities and grids by seeded
Voronoi cells clipped to the parent (so children tile their parent), then compounds, buildings
and units placed inside the grids."""

import math
import random

import shapely
from shapely import affinity
from shapely.geometry import MultiPolygon, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from gongzhi.demo import facts, names
from gongzhi.demo.specs import NodeSpec

# Degrees of longitude are shorter than degrees of latitude at 22.75°N; spacing uses true shape.
LON_SCALE = math.cos(math.radians(22.75))


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Drop the points and lines an intersection can leave where cells only touch."""
    if geom.geom_type in {"Polygon", "MultiPolygon"}:
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type in {"Polygon", "MultiPolygon"}]
    return shapely.union_all(polys) if polys else Polygon()


def _pieces(geom: BaseGeometry) -> list[Polygon]:
    return list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]


def random_inside(geom: BaseGeometry, rng: random.Random) -> tuple[float, float]:
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(10_000):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(geom, x, y):
            return x, y
    point = geom.representative_point()
    return point.x, point.y


def spread_points(
    geom: BaseGeometry,
    n: int,
    rng: random.Random,
    *,
    candidates: int = 12,
    start: list[tuple[float, float]] | None = None,
) -> list[tuple[float, float]]:
    """n points inside geom, evenly spread (best-candidate sampling: of a few random candidates,
    keep the one farthest from the points already chosen)."""
    points = list(start or [])
    while len(points) < n:
        best, best_d = None, -1.0
        for _ in range(candidates):
            x, y = random_inside(geom, rng)
            d = min((((x - px) * LON_SCALE) ** 2 + (y - py) ** 2 for px, py in points), default=0.0)
            if d > best_d:
                best, best_d = (x, y), d
        assert best is not None
        points.append(best)
    return points


def reading_order(
    points: list[tuple[float, float]], bounds: tuple[float, float, float, float]
) -> list[tuple[float, float]]:
    """North to south in bands, west to east within a band: how a map reader numbers cells."""
    rows = max(1, round(math.sqrt(len(points))))
    height = (bounds[3] - bounds[1]) / rows or 1.0
    return sorted(points, key=lambda p: (min(rows - 1, int((bounds[3] - p[1]) / height)), p[0], p[1]))


def partition(parent: BaseGeometry, seeds: list[tuple[float, float]]) -> list[BaseGeometry]:
    """Voronoi cells of the seeds, clipped to the parent: together they cover it exactly."""
    if len(seeds) == 1:
        return [parent]
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=parent, ordered=True)
    parts = [polygonal(cell.intersection(parent)) for cell in cells.geoms]
    return absorb_fragments(parts)


def absorb_fragments(parts: list[BaseGeometry]) -> list[BaseGeometry]:
    """A cell clipped by a ragged outline can fall apart; keep each cell's largest piece and hand
    the smaller pieces to the neighbour they share most border with, so the tiling stays exact."""
    parts = list(parts)
    for i, part in enumerate(parts):
        pieces = _pieces(part)
        if len(pieces) < 2:
            continue
        pieces.sort(key=lambda p: p.area, reverse=True)
        keep = [pieces[0]]
        for piece in pieces[1:]:
            shared = [
                (shapely.length(shapely.intersection(piece.boundary, other)), j)
                for j, other in enumerate(parts)
                if j != i and shapely.intersects(piece, other)
            ]
            length, j = max(shared, default=(0.0, -1))
            if length > 0:
                parts[j] = polygonal(shapely.union(parts[j], piece))
            else:
                keep.append(piece)
        parts[i] = keep[0] if len(keep) == 1 else MultiPolygon(keep)
    return parts


def _anchor_inside(
    geom: BaseGeometry, anchor: tuple[float, float], rng: random.Random
) -> tuple[float, float]:
    if shapely.contains_xy(geom, *anchor):
        return anchor
    candidates = [random_inside(geom, rng) for _ in range(200)]
    return min(candidates, key=lambda p: (p[0] - anchor[0]) ** 2 + (p[1] - anchor[1]) ** 2)


def plan_territory(outline: BaseGeometry, rng: random.Random) -> tuple[list[NodeSpec], list[NodeSpec]]:
    """(area and building/unit nodes in parent-first order, the units households can go in)."""
    district = NodeSpec("district", facts.DISTRICT_CODE, facts.DISTRICT_NAME, None, mapping(outline))
    streets_nodes: list[NodeSpec] = []
    communities_nodes: list[NodeSpec] = []
    grid_nodes: list[NodeSpec] = []
    compound_nodes: list[NodeSpec] = []
    building_nodes: list[NodeSpec] = []
    unit_nodes: list[NodeSpec] = []

    seeds = [_anchor_inside(outline, facts.STREET_ANCHORS[code], rng) for code, _ in facts.STREETS]
    street_geoms = partition(outline, seeds)
    taken_compound_names: set[str] = set()
    for (street_code, street_name), street_geom in zip(facts.STREETS, street_geoms, strict=True):
        streets_nodes.append(
            NodeSpec("street", street_code, street_name, district.code, mapping(street_geom))
        )
        community_names = facts.COMMUNITIES[street_code]
        seeds = reading_order(spread_points(street_geom, len(community_names), rng), street_geom.bounds)
        for c_index, (c_name, c_geom) in enumerate(
            zip(community_names, partition(street_geom, seeds), strict=True), 1
        ):
            c_code = f"{street_code}{c_index:03d}"
            communities_nodes.append(NodeSpec("community", c_code, c_name, street_code, mapping(c_geom)))
            if street_code == facts.GUANGMING_STREET:
                n_grids = facts.GUANGMING_GRIDS_PER_COMMUNITY
            else:
                n_grids = rng.randint(*facts.OTHER_GRIDS_PER_COMMUNITY)
            seeds = reading_order(spread_points(c_geom, n_grids, rng), c_geom.bounds)
            for g_index, g_geom in enumerate(partition(c_geom, seeds), 1):
                g_code = f"{c_code}{g_index:03d}"
                grid_nodes.append(NodeSpec("grid", g_code, f"第{g_index}网格", c_code, mapping(g_geom)))
                for compound, buildings, units in _plan_grid(
                    g_code, c_name, g_geom, rng, taken_compound_names
                ):
                    compound_nodes.append(compound)
                    building_nodes.extend(buildings)
                    unit_nodes.extend(units)
    nodes = [
        district,
        *streets_nodes,
        *communities_nodes,
        *grid_nodes,
        *compound_nodes,
        *building_nodes,
        *unit_nodes,
    ]
    return nodes, unit_nodes


def _plan_grid(
    grid_code: str, community: str, grid: BaseGeometry, rng: random.Random, taken: set[str]
) -> list[tuple[NodeSpec, list[NodeSpec], list[NodeSpec]]]:
    """1–3 compounds per grid, each a shrunken sub-cell of the grid so compounds never overlap."""
    n_compounds = rng.choices((1, 2, 3), weights=(3, 5, 2))[0]
    seeds = spread_points(grid, n_compounds, rng)
    out = []
    for index, cell in enumerate(partition(grid, seeds), 1):
        largest = max(_pieces(cell), key=lambda p: p.area)
        centre = largest.representative_point()
        shrunk = affinity.scale(largest, 0.6, 0.6, origin=centre).intersection(largest)
        shape = max(_pieces(polygonal(shrunk)), key=lambda p: p.area)
        code = f"{grid_code}{index:02d}"
        compound = NodeSpec(
            "compound",
            code,
            names.compound_name(rng, community=community, taken=taken),
            grid_code,
            mapping(shape),
        )
        buildings, units = [], []
        n_buildings = rng.randint(1, 4)
        for b_index, (x, y) in enumerate(spread_points(shape, n_buildings, rng, candidates=6), 1):
            b_code = f"{code}{b_index:03d}"
            buildings.append(NodeSpec("building", b_code, f"{b_index}栋", code, mapping(Point(x, y))))
            for u_index in range(1, rng.choices((1, 2, 3), weights=(4, 4, 2))[0] + 1):
                units.append(NodeSpec("unit", f"{b_code}{u_index:02d}", f"{u_index}单元", b_code))
        out.append((compound, buildings, units))
    return out
