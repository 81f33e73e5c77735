"""Point → grid / community / street, fast.

One shapely 2 STRtree per level over the area polygons, built once per process and rebuilt when
GeoIndexVersion moves (every boundary change bumps it in the same transaction). Lookups are
vectorised: a million points is one `STRtree.query(points, predicate="within")` call per level.
"""

import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import connection
from shapely import STRtree

from gongzhi.territory.models import GeoIndexVersion, Level, TerritoryNode

LOOKUP_LEVELS = (Level.GRID, Level.COMMUNITY, Level.STREET)


@dataclass
class LevelIndex:
    tree: STRtree
    ids: np.ndarray  # node id per tree item
    geoms: np.ndarray


@dataclass
class GeoIndex:
    version: str
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


_lock = threading.Lock()
_cached: GeoIndex | None = None
_checked_at = 0.0  # monotonic time of the last version read that confirmed _cached
# Boundaries change a few times a year; reading the version on every point lookup was one of the
# ten queries of an API intake (issue #3). Other processes notice a change within this many seconds;
# this process at once (bump_version drops its index).
RECHECK_SECONDS = 5.0


def current_version() -> str:
    """The counter plus the time of the bump: a bump inside a transaction that rolls back and a
    later bump to the same number still differ, so no process keeps an index of rolled-back data."""
    row = GeoIndexVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    return f"{row[0]}@{row[1].isoformat()}" if row else "0"


def build_index(version: str) -> GeoIndex:
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
    """The cached index, rebuilt if boundaries changed since it was built (one indexed read)."""
    global _cached, _checked_at
    index = _cached
    # Inside a transaction the version is always read: boundaries changed earlier in it (or in a
    # rolled-back one) must not be answered from a recently confirmed index.
    if (
        index is not None
        and not connection.in_atomic_block
        and time.monotonic() - _checked_at < RECHECK_SECONDS
    ):
        return index
    version = current_version()
    if index is not None and index.version == version:
        _checked_at = time.monotonic()
        return index
    with _lock:
        if _cached is None or _cached.version != version:
            _cached = build_index(version)
        _checked_at = time.monotonic()
        return _cached


def forget() -> None:
    """Drop this process's index (tests; a boundary change in this process)."""
    global _cached, _checked_at
    _cached, _checked_at = None, 0.0


def bump_version() -> None:
    """Call inside the transaction that changes a boundary."""
    from django.db.models import F
    from django.utils import timezone

    updated = GeoIndexVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=timezone.now())
    if not updated:
        GeoIndexVersion.objects.get_or_create(pk=1, defaults={"version": 1})
    forget()
