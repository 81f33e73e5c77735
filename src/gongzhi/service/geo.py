"""Where things are: the building above a node, a node's point (centroid or GeoJSON point)."""

import math

from gongzhi.territory.models import Level, TerritoryNode


def building_of(node: TerritoryNode | None) -> TerritoryNode | None:
    """The building a household or unit is in (the node itself if it is a building)."""
    if node is None:
        return None
    if node.level == Level.BUILDING:
        return node
    if node.level in {Level.UNIT, Level.HOUSEHOLD}:
        return TerritoryNode.objects.filter(code__in=node.ancestor_codes, level=Level.BUILDING).first()
    return None


def point_of(node: TerritoryNode | None) -> tuple[float, float] | None:
    """(lon, lat) of a node: its centroid, else a GeoJSON Point, else its parent's."""
    seen = 0
    while node is not None and seen < 4:
        if node.centroid_lon is not None and node.centroid_lat is not None:
            return node.centroid_lon, node.centroid_lat
        geometry = node.geometry or {}
        if geometry.get("type") == "Point":
            lon, lat = geometry["coordinates"][:2]
            return float(lon), float(lat)
        node = node.parent
        seen += 1
    return None


def km_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Equirectangular distance: within a street (a few km) it differs from haversine by < 0.1%."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)
