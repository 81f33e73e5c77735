"""Nearest 10 centres among 10,000, per query.

    .venv/bin/python bench/nearest_centre.py [--centres 10000] [--queries 2000] [--seed 7]

Against the configured database (migrations must have run). If the bench district 990600 does not
hold exactly --centres active bench centres, they are (re)generated, spread uniformly over a
Shenzhen-sized box (113.75–114.62 E, 22.45–22.86 N) with random service tags. Generation is not timed.

Timed: `places.queries.nearest_centres(lon, lat, limit=10)` at random points — the whole call a
page makes: the index version check (one indexed read), the vectorised distance over all centres,
and loading the 10 Centre rows. "index_ms_per_query" times the in-memory part alone, and
"need_ms_per_query" the same call with a need ("法律援助"). "build_seconds" is the cold index build.
The last line of output is one JSON object.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from gongzhi.places import geo, queries  # noqa: E402
from gongzhi.places.models import Centre  # noqa: E402
from gongzhi.territory.actions import build_node  # noqa: E402
from gongzhi.territory.models import TerritoryNode  # noqa: E402

BOX = (113.75, 22.45, 114.62, 22.86)
TAGS = [
    "课后托管",
    "法律援助",
    "日间照料",
    "心理咨询",
    "政务服务",
    "图书阅览",
    "健康义诊",
    "就业服务",
    "母婴室",
]
LEVELS = ["community"] * 5 + ["station"] * 3 + ["micro_station"] * 2


def district() -> TerritoryNode:
    node = TerritoryNode.objects.filter(code="990600").first()
    if node is None:
        node = build_node(
            level="district", code="990600", name="基准测试区(中心)", parent=None, geometry=None
        )
        node.save()
    return node


def ensure_centres(count: int, seed: int) -> None:
    node = district()
    have = Centre.objects.filter(territory=node, active=True).count()
    if have == count:
        return
    rng = random.Random(seed)
    with transaction.atomic():
        Centre.objects.filter(territory=node).delete()
        rows = [
            Centre(
                name=f"bench-centre-{i}",
                level=rng.choice(LEVELS),
                territory=node,
                lon=rng.uniform(BOX[0], BOX[2]),
                lat=rng.uniform(BOX[1], BOX[3]),
                services=rng.sample(TAGS, rng.randint(1, 4)),
                opening_hours={},
            )
            for i in range(count)
        ]
        Centre.objects.bulk_create(rows, batch_size=2000)
        geo.CENTRE_INDEX.bump()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--centres", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    ensure_centres(args.centres, args.seed)
    total_active = Centre.objects.filter(active=True).count()
    rng = random.Random(args.seed + 1)
    points = [(rng.uniform(BOX[0], BOX[2]), rng.uniform(BOX[1], BOX[3])) for _ in range(args.queries)]

    geo.CENTRE_INDEX.forget_local()
    t0 = time.perf_counter()
    index = geo.get_index()
    build_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    for lon, lat in points:
        found = queries.nearest_centres(lon, lat, limit=10)
    per_query = (time.perf_counter() - t0) / len(points) * 1000
    assert len(found) == 10

    t0 = time.perf_counter()
    for lon, lat in points:
        index.nearest(lon, lat, 10)
    index_only = (time.perf_counter() - t0) / len(points) * 1000

    t0 = time.perf_counter()
    for lon, lat in points[:500]:
        queries.nearest_centres(lon, lat, limit=10, need="法律援助")
    need_ms = (time.perf_counter() - t0) / min(500, len(points)) * 1000

    print(
        json.dumps(
            {
                "bench": "nearest_centre",
                "database": connection.vendor,
                "centres": total_active,
                "queries": len(points),
                "ms_per_query": round(per_query, 3),
                "index_ms_per_query": round(index_only, 4),
                "need_ms_per_query": round(need_ms, 3),
                "build_seconds": round(build_seconds, 3),
                "target_ms": 5,
            }
        )
    )


if __name__ == "__main__":
    main()
