"""Point → grid / community / street, fast.

One shapely 2 STRtree per level over the area polygons, built once per process and rebuilt when
its core.cache version moves (every boundary change bumps it). Lookups are
vectorised: a million points is one `STRtree.query(points, predicate="within")` call per level.
"""

from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree

from gongzhi.core.cache import Namespace
from gongzhi.territory.models import Level, TerritoryNode

LOOKUP_LEVELS = (Level.GRID, Level.COMMUNITY, Level.STREET)


@dataclass
class LevelIndex:
    tree: STRtree
    ids: np.ndarray  # node id per tree item
    geoms: np.ndarray


@dataclass
class GeoIndex:
    version: int
    levels: dict[str, LevelIndex]
    parents: dict[int, int | None]  # node id -> parent id, for area levels

    def lookup_many(self, lons: np.ndarray, lats: np.ndarray, level: str = Level.GRID) -> np.ndarray:
        """Node id per point at `level` (-1 where no polygon contains it). Points on a shared edge
        go to the polygon with the lowest id, so the answer is deterministic."""
        out = np.full(len(lons), -1, dtype=np.int64)
        idx = self.levels.get(level)
        if idx is None or len(lons) == 0:
            return out
        points = shapely.points(lons, lats)
        pairs = idx.tree.query(points, predicate="intersects")
        point_i, tree_i = pairs
        if len(point_i):
            node_ids = idx.ids[tree_i]
            # lowest node id wins on boundaries: sort by (point, node id) and keep first per point
            order = np.lexsort((node_ids, point_i))
            point_i, node_ids = point_i[order], node_ids[order]
            first = np.ones(len(point_i), dtype=bool)
            first[1:] = point_i[1:] != point_i[:-1]
            out[point_i[first]] = node_ids[first]
        return out

    def lookup(self, lon: float, lat: float) -> dict[str, int | None]:
        """{'grid': id|None, 'community': id|None, 'street': id|None} for one point."""
        result: dict[str, int | None] = {}
        for level in LOOKUP_LEVELS:
            found = int(self.lookup_many(np.array([lon]), np.array([lat]), level)[0])
            result[str(level)] = found if found >= 0 else None
        return result


# Boundaries change a few times a year; reading the version on every point lookup was one of the
# ten queries of an API intake (issue #3). Other processes notice a change within RECHECK_SECONDS;
# this process at once (bump_version), and inside a transaction the version is always read
# (core.cache, decision 0046). Nodes saved one by one bump it by signal (territory.apps).
RECHECK_SECONDS = 5.0
GEO_INDEX = Namespace("territory.geo_index", recheck_seconds=lambda: RECHECK_SECONDS, one_at_a_time=True)
GEO_INDEX.watch(TerritoryNode, when=lambda node: node.level in LOOKUP_LEVELS)


def current_version() -> int:
    """The point index's version (core.cache): it moves on every boundary change, and a value
    computed in a transaction that rolls back is never seen outside it."""
    return GEO_INDEX.version()


def build_index(version: int) -> GeoIndex:
    levels: dict[str, LevelIndex] = {}
    parents: dict[int, int | None] = {}
    rows = TerritoryNode.objects.filter(level__in=[lv.value for lv in LOOKUP_LEVELS]).values_list(
        "id", "level", "parent_id", "geometry"
    )
    by_level: dict[str, tuple[list[int], list[object]]] = {}
    for node_id, level, parent_id, geometry in rows:
        parents[node_id] = parent_id
        if not geometry:
            continue
        ids, geoms = by_level.setdefault(level, ([], []))
        ids.append(node_id)
        geoms.append(shapely.from_geojson(_dumps(geometry)))
    for level, (ids, geoms) in by_level.items():
        arr = np.array(geoms, dtype=object)
        shapely.prepare(arr)
        levels[level] = LevelIndex(tree=STRtree(arr), ids=np.array(ids, dtype=np.int64), geoms=arr)
    return GeoIndex(version=version, levels=levels, parents=parents)


def _dumps(geometry: object) -> str:
    import json

    return json.dumps(geometry)


def get_index() -> GeoIndex:
    """The cached index, rebuilt if boundaries changed since it was built."""
    return GEO_INDEX.get("index", lambda: build_index(GEO_INDEX.version()))


def forget() -> None:
    """Drop this process's index (it is rebuilt on next use)."""
    GEO_INDEX.forget_local()


def bump_version() -> None:
    """Call in the action that changes a boundary without saving nodes one by one (imports, bulk loads)."""
    GEO_INDEX.bump()
