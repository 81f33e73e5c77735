"""GeoJSON in, shapely out, bbox and centroid columns kept in step."""

from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry


class InvalidGeometry(ValueError):
    pass


def parse_geometry(geojson: dict[str, Any] | None, *, level: str) -> BaseGeometry | None:
    if geojson is None:
        return None
    try:
        geom = shape(geojson)
    except Exception as exc:  # shapely raises several types for malformed input
        raise InvalidGeometry(f"边界数据不是有效的GeoJSON:{exc}") from exc
    if geom.is_empty:
        raise InvalidGeometry("边界为空")
    areas = {"district", "street", "community", "grid", "compound"}
    if level in areas and geom.geom_type not in {"Polygon", "MultiPolygon"}:
        raise InvalidGeometry(f"区域边界必须是面(Polygon/MultiPolygon),实际是{geom.geom_type}")
    if level not in areas and geom.geom_type != "Point":
        raise InvalidGeometry(f"楼栋、单元、户的位置必须是点(Point),实际是{geom.geom_type}")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        if geom.geom_type == "GeometryCollection":
            polys = [g for g in geom.geoms if g.geom_type in {"Polygon", "MultiPolygon"}]
            geom = shapely.union_all(polys)
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise InvalidGeometry("坐标超出经纬度范围")
    return geom


# The node's columns a geometry sets (admin shows them read-only; imports update them together).
GEOMETRY_COLUMNS = ("geometry", "min_lon", "min_lat", "max_lon", "max_lat", "centroid_lon", "centroid_lat")


def geometry_columns(geom: BaseGeometry | None) -> dict[str, Any]:
    if geom is None:
        return dict.fromkeys(GEOMETRY_COLUMNS)
    minx, miny, maxx, maxy = geom.bounds
    centre = geom if geom.geom_type == "Point" else geom.representative_point()
    return {
        "geometry": mapping(geom),
        "min_lon": minx,
        "min_lat": miny,
        "max_lon": maxx,
        "max_lat": maxy,
        "centroid_lon": centre.x,
        "centroid_lat": centre.y,
    }
