"""/api/v1/circles/: nearest resources (by need) and the coverage of an area."""

import math

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from gongzhi.circles import queries
from gongzhi.circles.access import access_area
from gongzhi.circles.coverage import MINUTE_CHOICES
from gongzhi.circles.models import ResourceKind
from gongzhi.core.errors import RuleBroken
from gongzhi.places.geo import walking_metres, walking_minutes

router = Router(tags=["circles"])


class ResourceOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    lon: float
    lat: float
    address: str
    opening_hours: str
    uses: list[str]
    owner: str | None
    distance_m: int
    walking_m: int
    walking_min: int


class CoverageOut(Schema):
    node_id: int
    minutes: int
    radius_m: int
    residents_total: int
    residents_covered: int
    residents_share: float | None
    buildings_total: int
    buildings_covered: int
    buildings_share: float | None
    suggestions: list[dict]


@router.get("/resources/nearest", response=list[ResourceOut], url_name="circles_nearest")
def nearest(request: HttpRequest, lon: float, lat: float, limit: int = 10, need: str = "") -> list[dict]:
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise RuleBroken(_("经纬度超出范围"))
    found = queries.nearest_resources(lon, lat, limit=max(1, min(limit, 50)), need=need or None)
    return [
        {
            "id": r.pk,
            "name": r.name,
            "kind": r.kind,
            "kind_label": str(r.get_kind_display()),
            "lon": r.lon,
            "lat": r.lat,
            "address": r.address,
            "opening_hours": r.opening_hours,
            "uses": r.use_list,
            "owner": r.owner.name if r.owner else None,
            "distance_m": round(m),
            "walking_m": walking_metres(m),
            "walking_min": walking_minutes(m),
        }
        for r, m in found
    ]


@router.get("/coverage", response=CoverageOut, url_name="circles_coverage")
def area_coverage(
    request: HttpRequest,
    node: int,
    minutes: int = 15,
    kinds: list[str] = Query([]),  # noqa: B008
) -> dict:
    if minutes not in MINUTE_CHOICES:
        raise RuleBroken(_("步行时间只能是 5、10 或 15 分钟"))
    if any(k not in ResourceKind.values for k in kinds):
        raise RuleBroken(_("未知的资源类别"))
    area = queries.area_coverage(access_area(request.user, node), minutes=minutes, kinds=kinds)
    r = area.result
    return {
        "node_id": area.node.pk,
        "minutes": minutes,
        "radius_m": round(r.radius),
        "residents_total": r.residents_total,
        "residents_covered": r.residents_covered,
        "residents_share": r.residents_share,
        "buildings_total": r.buildings_total,
        "buildings_covered": r.buildings_covered,
        "buildings_share": r.buildings_share,
        "suggestions": area.suggestion_points(),
    }
