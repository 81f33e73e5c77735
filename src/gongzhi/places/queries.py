"""Reads that need thought: nearest centres, calendars, evaluation."""

from gongzhi.places import geo
from gongzhi.places.models import Centre
from gongzhi.places.needs import tags_for


def nearest_centres(lon: float, lat: float, limit: int = 10, need: str | None = None) -> list[tuple[Centre, float]]:
    """Active centres nearest to (lon, lat), as (centre, straight-line metres), nearest first; with
    `need` ("legal aid", "法律援助", …) only centres offering it. Walking figures: geo.walking_*."""
    found = geo.get_index().nearest(float(lon), float(lat), int(limit), tags_for(need))
    by_id = Centre.objects.select_related("territory").in_bulk([cid for cid, _ in found])
    return [(by_id[cid], metres) for cid, metres in found if cid in by_id]
