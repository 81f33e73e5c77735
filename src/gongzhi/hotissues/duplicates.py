"""Duplicate detection at intake: open appeals near the pin (radius per category) with similar text
within a time window. The place prefilter uses AppealFingerprint's indexed (cell, created_at)."""

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from gongzhi.appeals.models import Appeal
from gongzhi.appeals.routing import match_address
from gongzhi.appeals.workflow import Status
from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.hotissues.models import AppealFingerprint, Support
from gongzhi.hotissues.similarity import bigrams, containment, jaccard, mask_title, normalise

DEFAULT_RADIUS_M = 200.0
DEFAULT_WINDOW_DAYS = 30
MIN_TEXT_SCORE = 0.25
# radius per level-1/2 category path prefix; the longest matching prefix wins
RADIUS_BY_CATEGORY: dict[str, float] = {
    "城乡建设/城市管理": 200.0,
    "城乡建设/住房保障": 300.0,
    "交通运输": 500.0,
}
CELL_DEG = 0.002  # about 200 m of latitude
_M_PER_DEG_LAT = 111_320.0


def cell_of(lon: float, lat: float) -> int:
    return int(math.floor(lat / CELL_DEG)) * 1_000_000 + int(math.floor(lon / CELL_DEG))


def cells_around(lon: float, lat: float, radius_m: float) -> list[int]:
    dlat = radius_m / _M_PER_DEG_LAT
    dlon = radius_m / (_M_PER_DEG_LAT * max(math.cos(math.radians(lat)), 0.01))
    ys = range(int(math.floor((lat - dlat) / CELL_DEG)), int(math.floor((lat + dlat) / CELL_DEG)) + 1)
    xs = range(int(math.floor((lon - dlon) / CELL_DEG)), int(math.floor((lon + dlon) / CELL_DEG)) + 1)
    return [y * 1_000_000 + x for y in ys for x in xs]


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000.0 * math.hypot(x, y)


def radius_for(category: Any) -> float:
    path = getattr(category, "path", "") or ""
    best = ""
    for prefix in RADIUS_BY_CATEGORY:
        if path.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return RADIUS_BY_CATEGORY.get(best, DEFAULT_RADIUS_M)


PLACE_LEVELS = ("compound", "building")


def node_point(node: Any) -> tuple[float, float] | None:
    """A compound's or building's centroid (a building without one falls back to its compound):
    where an address-only appeal is, for the duplicate check. Coarser places (a community, a
    grid) are too wide to call two reports "the same place"."""
    if node is None or getattr(node, "level", None) not in PLACE_LEVELS:
        return None
    if node.centroid_lon is not None and node.centroid_lat is not None:
        return float(node.centroid_lon), float(node.centroid_lat)
    if node.level == "building" and node.parent_id is not None:
        parent = (
            type(node).objects.filter(pk=node.parent_id).values_list("centroid_lon", "centroid_lat").first()
        )
        if parent and parent[0] is not None and parent[1] is not None:
            return float(parent[0]), float(parent[1])
    return None


def appeal_point(appeal: Appeal) -> tuple[float, float] | None:
    """The pin, else the matched compound/building of an address-only appeal."""
    if appeal.lon is not None and appeal.lat is not None:
        return appeal.lon, appeal.lat
    if appeal.territory_id is None:
        return None
    return node_point(appeal.territory)


def address_point(address_text: str) -> tuple[float, float] | None:
    """The point of a free-text address (appeals/address.py matching), for a draft without a pin."""
    if len(address_text.strip()) < 2:
        return None
    return node_point(match_address(address_text[:200]))


def fingerprint_row(appeal: Appeal) -> AppealFingerprint | None:
    """The appeal's fingerprint, unsaved: pinned appeals use the pin; address-only appeals the
    centroid of the compound/building their address matched (None for coarser or unmatched
    places). Intake writes it in the same statement as the appeal (decision 0031)."""
    point = appeal_point(appeal)
    if point is None:
        return None
    lon, lat = point
    return AppealFingerprint(
        appeal=appeal,
        cell=cell_of(lon, lat),
        lon=lon,
        lat=lat,
        category_id=appeal.category_id,
        created_at=appeal.created_at,
        text=normalise(f"{appeal.title} {appeal.text}"),
    )


@dataclass
class Suggestion:
    appeal_id: int
    number: str
    title: str
    status: str
    status_label: str
    distance_m: float
    text_score: float
    score: float
    supports: int = 0


def _candidate_rows(actor: Actor | None) -> tuple[QuerySet[Appeal], bool]:
    """Staff search what they may see; a resident searches the public (公示) open appeals and is
    shown the masked title, status and distance only."""
    scope = get_scope(actor)
    if scope.is_global or scope.can("view_appeals") or scope.org_ids:
        return Appeal.objects.visible_to(actor).open(), True
    return Appeal.objects.open().filter(public=True, parent__isnull=True), False


def similar_appeals(
    *,
    actor: Actor | None,
    text: str,
    lon: float,
    lat: float,
    category: Any = None,
    at: datetime.datetime | None = None,
    radius_m: float | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    limit: int = 5,
    exclude_id: int | None = None,
) -> list[Suggestion]:
    query = bigrams(normalise(text))
    if len(query) < 2:
        return []
    at = at or timezone.now()
    radius = radius_m if radius_m is not None else radius_for(category)
    fps = list(
        AppealFingerprint.objects.filter(
            cell__in=cells_around(lon, lat, radius),
            created_at__gte=at - datetime.timedelta(days=window_days),
            created_at__lte=at,
        ).values_list("appeal_id", "lon", "lat", "text")[:2000]
    )
    scored: dict[int, tuple[float, float]] = {}
    for appeal_id, flon, flat, ftext in fps:
        if appeal_id == exclude_id:
            continue
        dist = distance_m(lon, lat, flon, flat)
        if dist > radius:
            continue
        other = bigrams(ftext)
        text_score = max(jaccard(query, other), 0.8 * containment(query, other))
        if text_score < MIN_TEXT_SCORE:
            continue
        scored[appeal_id] = (dist, text_score)
    if not scored:
        return []
    rows, staff = _candidate_rows(actor)
    found = rows.filter(pk__in=list(scored)).values("pk", "number", "title", "status")
    out: list[Suggestion] = []
    for row in found:
        dist, text_score = scored[row["pk"]]
        score = 0.75 * text_score + 0.25 * (1 - dist / radius)
        out.append(
            Suggestion(
                appeal_id=row["pk"],
                number=row["number"] if staff else "",
                title=row["title"] if staff else mask_title(row["title"]),
                status=row["status"],
                status_label=str(Status(row["status"]).label),
                distance_m=round(dist),
                text_score=round(text_score, 3),
                score=round(score, 3),
            )
        )
    out.sort(key=lambda s: -s.score)
    out = out[:limit]
    counts = dict(
        Support.objects.filter(appeal_id__in=[s.appeal_id for s in out])
        .values_list("appeal_id")
        .annotate(n=Count("id"))
    )
    for s in out:
        s.supports = counts.get(s.appeal_id, 0)
    return out


def suggested_merges(*, actor: Actor, appeal: Appeal, limit: int = 5) -> list[Suggestion]:
    """For dispatchers on the appeal page: earlier open appeals this one may duplicate."""
    point = appeal_point(appeal) if appeal.is_open else None
    if point is None:
        return []
    lon, lat = point
    return [
        s
        for s in similar_appeals(
            actor=actor,
            text=f"{appeal.title} {appeal.text}",
            lon=lon,
            lat=lat,
            category=appeal.category,
            at=appeal.created_at,
            limit=limit,
            exclude_id=appeal.pk,
        )
        if s.number
    ]
