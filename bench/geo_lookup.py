"""Point → grid lookup throughput against the configured database.

    .venv/bin/python bench/geo_lookup.py [--points 1000000] [--sample 2000] [--seed 42]

Loads the demo first if district 440311 is missing (migrations are not run). Times the index build
and `lookup_many` over random points in the district's bounding box separately, then checks a
sample against brute force. The last line of output is one JSON object.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.utils import DatabaseError  # noqa: E402

from gongzhi.territory.geo_index import get_index  # noqa: E402
from gongzhi.territory.models import TerritoryNode  # noqa: E402

TARGET_POINTS_PER_S = 200_000


def brute_force(lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Every grid polygon in id order; the first that covers a point wins (lowest id on shared
    edges). `covers` rather than `contains` because the index counts edge points as inside;
    for random points the two agree except on measure-zero edges."""
    out = np.full(len(lons), -1, dtype=np.int64)
    grids = TerritoryNode.objects.filter(level="grid", geometry__isnull=False).order_by("id")
    for node_id, geometry in grids.values_list("id", "geometry"):
        polygon = shapely.from_geojson(json.dumps(geometry))
        hit = shapely.intersects_xy(polygon, lons, lats) & (out == -1)
        out[hit] = node_id
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    try:
        loaded = TerritoryNode.objects.filter(code="440311").exists()
    except DatabaseError as exc:
        print(f"database not ready ({exc}); run `gongzhi migrate` first", file=sys.stderr)
        return 2
    if not loaded:
        # The full demo, not a territory-only one: `make demo` later sees the district and skips,
        # so anything less would leave the database without people.
        print("no district 440311 in this database: loading the demo first (gongzhi demo)")
        call_command("demo")
    district = TerritoryNode.objects.get(code="440311")

    started = time.perf_counter()
    index = get_index()
    build_ms = (time.perf_counter() - started) * 1000
    grids = len(index.levels["grid"].ids) if "grid" in index.levels else 0

    rng = np.random.default_rng(args.seed)
    lons = rng.uniform(district.min_lon, district.max_lon, args.points)
    lats = rng.uniform(district.min_lat, district.max_lat, args.points)
    started = time.perf_counter()
    found = index.lookup_many(lons, lats, "grid")
    lookup_s = time.perf_counter() - started
    points_per_s = args.points / lookup_s

    sample = rng.choice(args.points, size=min(args.sample, args.points), replace=False)
    expected = brute_force(lons[sample], lats[sample])
    mismatches = int((found[sample] != expected).sum())

    print(f"index build: {build_ms:.0f} ms for {grids} grids (version {index.version})")
    print(
        f"lookup: {args.points:,} points in {lookup_s:.3f} s = {points_per_s:,.0f} points/s (target {TARGET_POINTS_PER_S:,})"
    )
    print(f"inside a grid: {(found >= 0).mean():.1%} of points (the bbox is larger than the district)")
    print(f"brute-force check: {mismatches} mismatches in {len(sample):,} sampled points")
    if points_per_s < TARGET_POINTS_PER_S:
        print("BELOW TARGET", file=sys.stderr)
    print(
        json.dumps(
            {
                "bench": "geo_lookup",
                "points": args.points,
                "points_per_s": round(points_per_s),
                "lookup_ms": round(lookup_s * 1000, 1),
                "build_ms": round(build_ms, 1),
                "grids": grids,
                "sampled": len(sample),
                "mismatches": mismatches,
            }
        )
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
