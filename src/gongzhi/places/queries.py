"""Reads that need thought: nearest centres, calendars, evaluation."""

from gongzhi.appeals.routing import match_address
from gongzhi.core.actors import Actor
from gongzhi.places import geo
from gongzhi.places.models import Centre
from gongzhi.places.needs import tags_for


def nearest_centres(
    lon: float, lat: float, limit: int = 10, need: str | None = None
) -> list[tuple[Centre, float]]:
    """Active centres nearest to (lon, lat), as (centre, straight-line metres), nearest first; with
    `need` ("legal aid", "法律援助", …) only centres offering it. Walking figures: geo.walking_*."""
    index = geo.get_index()
    found = index.nearest(float(lon), float(lat), int(limit), tags_for(need))
    # rows come from the index itself: no query (they are as fresh as the index version)
    return [(index.centres[cid], metres) for cid, metres in found]


def walking(metres: float) -> dict:
    return {
        "straight_m": round(metres),
        "walk_m": geo.walking_metres(metres),
        "walk_min": geo.walking_minutes(metres),
    }


def nearest_resources(lon: float, lat: float, limit: int = 5, need: str | None = None) -> list:
    """The resource library of the circles app, when it is installed (imported lazily so places
    works on its own)."""
    try:
        # sibling app, optional: places must work without circles installed
        from gongzhi.circles.queries import nearest_resources as circles_nearest
    except ImportError:
        return []
    return list(circles_nearest(lon, lat, limit, need))


def locate_address(text: str) -> tuple[float, float, str] | None:
    """An address → (lon, lat, matched name): the building named in it, else its compound
    (the appeals matcher, appeals/address.py)."""
    node = match_address(text)
    if node is None:
        return None
    geometry = node.geometry or {}
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        return float(lon), float(lat), node.name if node.parent is None else f"{node.parent.name}{node.name}"
    if node.centroid_lon is not None and node.centroid_lat is not None:
        return node.centroid_lon, node.centroid_lat, node.name
    if node.parent is not None and node.parent.centroid_lon is not None:
        return node.parent.centroid_lon, node.parent.centroid_lat, node.parent.name
    return None


def managed_centres(actor: Actor, limit: int = 30) -> list[Centre]:
    """The active centres where the actor holds manage_places (on top of the find page)."""
    return list(Centre.objects.visible_to(actor, "manage_places").filter(active=True)[:limit])
