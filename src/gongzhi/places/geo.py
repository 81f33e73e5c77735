"""Nearest centres, fast: all active centres as numpy arrays, cached per process.

At 10,000 centres a vectorised distance to every centre plus argpartition costs well under a
millisecond, so no spatial tree is needed (decision 0016). The index also holds the Centre rows, so
a lookup needs no query at all. It is rebuilt when its core.cache version moves (decision 0046):
every centre saved or deleted bumps it by signal (CENTRE_INDEX.watch in places.apps), and writes
that send no signal (bulk loads, QuerySet.update) call CENTRE_INDEX.bump(). Outside a transaction the version is read at most
every VERSION_TTL seconds (this process's own bumps are seen at once), so another process sees a
change within 2 s.

Distance model (decision 0016): great-circle (haversine) metres × 1.3 detour factor = walking metres;
walking at 4.5 km/h (75 m per minute)."""

import math
from dataclasses import dataclass, field

import numpy as np

from gongzhi.core.cache import Namespace
from gongzhi.places.models import Centre

EARTH_RADIUS_M = 6_371_008.8
DETOUR_FACTOR = 1.3
WALK_M_PER_MIN = 4500 / 60


def walking_metres(straight_m: float) -> int:
    return round(straight_m * DETOUR_FACTOR)


def walking_minutes(straight_m: float) -> int:
    return max(1, math.ceil(straight_m * DETOUR_FACTOR / WALK_M_PER_MIN))


def haversine_m(lon1: float, lat1: float, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    p1, p2 = math.radians(lat1), np.radians(lats)
    dphi = p2 - p1
    dlmb = np.radians(lons) - math.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


@dataclass
class CentreIndex:
    version: int
    ids: np.ndarray
    lons: np.ndarray
    lats: np.ndarray
    services: list[list[str]]
    centres: dict[int, Centre] = field(default_factory=dict)
    _need_masks: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict)

    def mask_for(self, tags: tuple[str, ...]) -> np.ndarray:
        """Centres offering any of the tags (substring match: 法律援助 matches 法律援助工作站)."""
        mask = self._need_masks.get(tags)
        if mask is None:
            mask = np.array(
                [any(t in s for s in services for t in tags) for services in self.services], dtype=bool
            )
            self._need_masks[tags] = mask
        return mask

    def nearest(
        self, lon: float, lat: float, limit: int, tags: tuple[str, ...] | None = None
    ) -> list[tuple[int, float]]:
        """[(centre id, straight-line metres)] nearest first."""
        if len(self.ids) == 0 or limit <= 0:
            return []
        ids, lons, lats = self.ids, self.lons, self.lats
        if tags:
            mask = self.mask_for(tags)
            ids, lons, lats = ids[mask], lons[mask], lats[mask]
            if len(ids) == 0:
                return []
        dist = haversine_m(lon, lat, lons, lats)
        k = min(limit, len(ids))
        part = np.argpartition(dist, k - 1)[:k] if k < len(ids) else np.arange(len(ids))
        order = part[np.lexsort((ids[part], dist[part]))]
        return [(int(ids[i]), float(dist[i])) for i in order]


VERSION_TTL = 2.0
CENTRE_INDEX = Namespace("places.centre_index", recheck_seconds=lambda: VERSION_TTL, one_at_a_time=True)


def build_index(version: int) -> CentreIndex:
    rows = list(Centre.objects.filter(active=True).order_by("id"))
    return CentreIndex(
        version=version,
        ids=np.array([c.pk for c in rows], dtype=np.int64),
        lons=np.array([c.lon for c in rows], dtype=np.float64),
        lats=np.array([c.lat for c in rows], dtype=np.float64),
        services=[list(c.services or []) for c in rows],
        centres={c.pk: c for c in rows},
    )


def get_index() -> CentreIndex:
    """The cached index, rebuilt if a centre changed since it was built."""
    return CENTRE_INDEX.get("index", lambda: build_index(CENTRE_INDEX.version()))
