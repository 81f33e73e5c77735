"""The district outline: the published boundary from the shared data folder when it is there,
otherwise a rough outline drawn for the demo (the repository holds no copy of the published file)."""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from shapely.geometry import Polygon, shape
from shapely.geometry.base import BaseGeometry

from gongzhi.demo.facts import DISTRICT_CODE

OUTLINE_FILE = Path("geo") / "shenzhen_440311_districts.geojson"

# Hand-drawn for the demo, about 18 points around lon 113.86–114.01, lat 22.69–22.83. Only the rough
# shape is right; it is used when the published outline is not available.
FALLBACK_OUTLINE: list[tuple[float, float]] = [
    (113.870, 22.760),
    (113.862, 22.785),
    (113.875, 22.805),
    (113.895, 22.815),
    (113.915, 22.830),
    (113.940, 22.825),
    (113.960, 22.812),
    (113.985, 22.815),
    (114.005, 22.800),
    (114.000, 22.775),
    (113.990, 22.752),
    (113.985, 22.730),
    (113.970, 22.712),
    (113.950, 22.700),
    (113.930, 22.690),
    (113.910, 22.700),
    (113.895, 22.715),
    (113.880, 22.735),
]


@dataclass(frozen=True)
class Outline:
    geometry: BaseGeometry
    source: str  # path of the file read, or "fallback"

    @property
    def is_fallback(self) -> bool:
        return self.source == "fallback"


def shared_data_dirs() -> list[Path]:
    """$GONGZHI_SHARED_DATA first, then ../shared/data next to the repository checkout."""
    dirs = []
    if env := os.environ.get("GONGZHI_SHARED_DATA"):
        dirs.append(Path(env))
    # BASE_DIR is src/gongzhi; parents[1] is the checkout, and shared/ sits beside it.
    dirs.append(Path(settings.BASE_DIR).parents[1].parent / "shared" / "data")
    return dirs


def find_outline_file() -> Path | None:
    for base in shared_data_dirs():
        for candidate in (base / OUTLINE_FILE, base / "data" / OUTLINE_FILE):
            if candidate.is_file():
                return candidate
    return None


def load_outline(*, use_shared: bool = True) -> Outline:
    path = find_outline_file() if use_shared else None
    if path is not None:
        doc = json.loads(path.read_text(encoding="utf-8"))
        for feature in doc.get("features", []):
            props = feature.get("properties") or {}
            if str(props.get("adcode") or props.get("code")) == DISTRICT_CODE:
                geom = shape(feature["geometry"])
                if not geom.is_valid:
                    geom = geom.buffer(0)
                return Outline(geometry=geom, source=str(path))
    return Outline(geometry=Polygon(FALLBACK_OUTLINE), source="fallback")
