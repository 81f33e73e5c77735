"""15-minute service-circle coverage of a 1,000,000-resident district, with greedy site suggestion.

    .venv/bin/python bench/coverage.py [--residents 1000000] [--centres 300] [--seed 7] [--repeat 3]

Against the configured database (migrations must have run). Builds, once, a bench district 991800
(4 streets × 10 communities × 5 grids, buildings under the grids, about 100 residents a building
recorded in TerritoryNode.population, total exactly --residents) spread over ~16 × 13 km with
denser clusters, and --centres active places.Centre rows. Generation is not timed.

Timed ("seconds", median of --repeat): `circles.queries.area_coverage(district, minutes=15,
suggest=10)` — loading buildings and centres from the database, the STRtree coverage query and
ten greedy max-coverage picks. The last line of output is one JSON object.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from gongzhi.circles import queries  # noqa: E402
from gongzhi.places.models import Centre  # noqa: E402
from gongzhi.territory.actions import build_node  # noqa: E402
from gongzhi.territory.models import TerritoryNode  # noqa: E402

DISTRICT = "991800"
TARGET_SECONDS = 30.0
LON0, LAT0, WIDTH, HEIGHT = 113.85, 22.70, 0.16, 0.12


def node(level: str, code: str, name: str, parent: TerritoryNode | None) -> TerritoryNode:
    existing = TerritoryNode.objects.filter(code=code).first()
    if existing:
        return existing
    built = build_node(level=level, code=code, name=name, parent=parent, geometry=None)
    built.save()
    return built


@transaction.atomic
def build_world(residents: int, centres: int, seed: int) -> TerritoryNode:
    rng = random.Random(seed)
    district = node("district", DISTRICT, "覆盖测试区", None)
    buildings = TerritoryNode.objects.subtree(district).filter(level="building")
    if buildings.count() and sum(buildings.values_list("population", flat=True)) == residents:
        return district
    TerritoryNode.objects.subtree(district).filter(level="building").delete()
    Centre.objects.filter(territory__path__startswith=district.path).delete()
    n_buildings = max(residents // 100, 1)
    grids = []
    for s in range(1, 5):
        street = node("street", f"{DISTRICT}{s:03d}", f"测试街道{s}", district)
        for c in range(1, 11):
            community = node("community", f"{street.code}{c:03d}", f"测试社区{s}-{c}", street)
            for g in range(1, 6):
                grids.append(node("grid", f"{community.code}{g:03d}", f"网格{g}", community))
    clusters = [(LON0 + rng.random() * WIDTH, LAT0 + rng.random() * HEIGHT) for _ in range(60)]
    weights = [rng.randint(20, 300) for _ in range(n_buildings)]
    scale = residents / sum(weights)
    pops = [max(1, round(w * scale)) for w in weights]
    pops[-1] += residents - sum(pops)
    rows = []
    for i, pop in enumerate(pops):
        if rng.random() < 0.6:
            cx, cy = rng.choice(clusters)
            lon, lat = cx + rng.gauss(0, 0.006), cy + rng.gauss(0, 0.006)
        else:
            lon, lat = LON0 + rng.random() * WIDTH, LAT0 + rng.random() * HEIGHT
        grid = grids[i % len(grids)]
        b = build_node(
            level="building",
            code=f"{grid.code}{i // len(grids) + 1:03d}",
            name=f"{i + 1}栋",
            parent=grid,
            geometry={"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        )
        b.population = pop
        rows.append(b)
    TerritoryNode.objects.bulk_create(rows, batch_size=2000)
    communities = list(TerritoryNode.objects.subtree(district).filter(level="community"))
    Centre.objects.bulk_create(
        Centre(
            name=f"测试服务站{i + 1}",
            level="station",
            territory=rng.choice(communities),
            lon=LON0 + rng.random() * WIDTH,
            lat=LAT0 + rng.random() * HEIGHT,
        )
        for i in range(centres)
    )
    return district


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--centres", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    district = build_world(args.residents, args.centres, args.seed)
    runs = []
    area = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        area = queries.area_coverage(district, minutes=15, suggest=10)
        runs.append(time.perf_counter() - started)
    assert area is not None
    r = area.result
    print(
        json.dumps(
            {
                "bench": "coverage",
                "seconds": round(statistics.median(runs), 3),
                "first_seconds": round(runs[0], 3),
                "target_seconds": TARGET_SECONDS,
                "residents": r.residents_total,
                "buildings": r.buildings_total,
                "sites": len(area.sites),
                "residents_share": round(r.residents_share or 0, 4),
                "buildings_share": round(r.buildings_share or 0, 4),
                "suggested_sites": len(r.suggestions),
                "suggested_residents": sum(s.residents for s in r.suggestions),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
