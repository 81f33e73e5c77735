"""Helper suggestion (top-3 by skill, distance, load, availability) with 5,000 helpers in a street.

    .venv/bin/python bench/helper_suggest.py [--helpers 5000] [--orders 200] [--seed 7]

Against the configured database (migrations must have run: `gongzhi migrate`). It builds its own
world idempotently: a bench district 990700 with one street of 10 communities, each with a grid,
20 buildings (points), a helper team, a catalogue of the nine service kinds; --helpers helpers
spread over the street's communities (random skills, weekly slots, service areas, home positions,
open-order counts), and --orders submitted orders on random buildings. Generation is not timed.

Timed: `suggest.suggest_helpers(order)` for each order (the order and its item/community/building
already loaded, as on the order page), after one warm-up call. Target: p95 < 50 ms.
The last line of output is one JSON object.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from gongzhi.people.models import Person  # noqa: E402
from gongzhi.service.models import Helper, HelperTeam, ServiceItem, ServiceOrder  # noqa: E402
from gongzhi.service.models.teams import Skill  # noqa: E402
from gongzhi.service.suggest import index_fields, suggest_helpers  # noqa: E402
from gongzhi.territory.actions import build_node  # noqa: E402
from gongzhi.territory.models import TerritoryNode  # noqa: E402

DISTRICT = "990700"
COMMUNITIES = 10
BUILDINGS = 20
TARGET_MS = 50.0
SKILLS = [s for s in Skill.values if s != "other"]


def node(
    level: str, code: str, name: str, parent: TerritoryNode | None, geometry: dict | None = None
) -> TerritoryNode:
    existing = TerritoryNode.objects.filter(code=code).first()
    if existing:
        return existing
    built = build_node(level=level, code=code, name=name, parent=parent, geometry=geometry)
    built.save()
    return built


def world(rng: random.Random) -> tuple[TerritoryNode, list[TerritoryNode], list[TerritoryNode]]:
    district = node("district", DISTRICT, "基准区", None)
    street = node("street", f"{DISTRICT}001", "基准街道", district)
    communities, buildings = [], []
    for c in range(1, COMMUNITIES + 1):
        community = node("community", f"{street.code}{c:03d}", f"基准社区{c}", street)
        grid = node("grid", f"{community.code}001", f"基准社区{c}第一网格", community)
        communities.append(community)
        for b in range(1, BUILDINGS + 1):
            lon, lat = 113.90 + c * 0.004 + (b % 5) * 0.0006, 22.70 + (b // 5) * 0.0006
            buildings.append(
                node(
                    "building",
                    f"{grid.code}{b:03d}",
                    f"{b}栋",
                    grid,
                    {"type": "Point", "coordinates": [lon, lat]},
                )
            )
    return street, communities, buildings


def ensure_helpers(
    rng: random.Random, count: int, communities: list[TerritoryNode], buildings: list[TerritoryNode]
) -> None:
    have = Helper.objects.filter(path__startswith=communities[0].path.rsplit("/", 2)[0] + "/").count()
    if have >= count:
        return
    teams = {}
    for community in communities:
        teams[community.pk], _ = HelperTeam.objects.get_or_create(
            community=community, name="基准服务队", defaults={"path": community.path}
        )
        for name, skill, _text, hours in [
            ("维修", "repair", "", "1"),
            ("电工", "electrician", "", "1"),
            ("法律", "legal", "", "1"),
            ("陪伴", "companion", "", "2"),
        ]:
            ServiceItem.objects.get_or_create(
                community=community,
                name=name,
                defaults={"path": community.path, "skill": skill, "hours": Decimal(hours)},
            )
    by_community = {c.pk: [b for b in buildings if b.path.startswith(c.path)] for c in communities}
    with transaction.atomic():
        people = Person.objects.bulk_create(
            [Person(name=f"基准队员{i}") for i in range(have, count)], batch_size=2000
        )
        rows = []
        for person in people:
            community = rng.choice(communities)
            home = rng.choice(by_community[community.pk])
            lon, lat = home.geometry["coordinates"]
            rows.append(
                Helper(
                    team=teams[community.pk],
                    path=community.path,
                    person=person,
                    kind="volunteer",
                    skills=rng.sample(SKILLS, rng.randint(1, 3)),
                    slots=[
                        {"day": d, "start": "19:00", "end": "21:00"}
                        for d in rng.sample(range(7), rng.randint(0, 3))
                    ],
                    area_paths=[b.path for b in rng.sample(by_community[community.pk], 2)],
                    home_lon=lon + rng.uniform(-0.001, 0.001),
                    home_lat=lat + rng.uniform(-0.001, 0.001),
                    open_orders=rng.choice([0, 0, 0, 1, 1, 2, 3]),
                )
            )
        for row in rows:
            index_fields(row)
        Helper.objects.bulk_create(rows, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE service_helper")


def ensure_orders(rng: random.Random, count: int, buildings: list[TerritoryNode]) -> list[ServiceOrder]:
    orders = list(
        ServiceOrder.objects.filter(
            path__startswith=buildings[0].path.split("/")[0] + "/", number__startswith="BENCH"
        ).select_related("item", "community", "building")[:count]
    )
    if len(orders) >= count:
        return orders
    items: dict[int, list[ServiceItem]] = {}
    for item in ServiceItem.objects.filter(path__startswith=buildings[0].path.split("/")[0] + "/"):
        items.setdefault(item.community_id, []).append(item)
    communities = {
        c.path: c for c in TerritoryNode.objects.filter(level="community", code__startswith=DISTRICT)
    }
    rows = []
    for i in range(len(orders), count):
        building = rng.choice(buildings)
        community = next(c for p, c in communities.items() if building.path.startswith(p))
        rows.append(
            ServiceOrder(
                number=f"BENCH{i:07d}",
                item=rng.choice(items[community.pk]),
                community=community,
                building=building,
                path=building.path,
                description="基准",
            )
        )
    ServiceOrder.objects.bulk_create(rows)
    return list(
        ServiceOrder.objects.filter(number__startswith="BENCH").select_related(
            "item", "community", "building"
        )[:count]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--helpers", type=int, default=5000)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    _street, communities, buildings = world(rng)
    ensure_helpers(rng, args.helpers, communities, buildings)
    orders = ensure_orders(rng, args.orders, buildings)
    suggest_helpers(orders[0])  # warm-up: connection, statement cache
    times = []
    for order in orders:
        started = time.perf_counter()
        top = suggest_helpers(order)
        times.append((time.perf_counter() - started) * 1000)
        assert len(top) == 3
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    helpers = Helper.objects.filter(path__startswith=communities[0].path.rsplit("/", 2)[0] + "/").count()
    print(
        json.dumps(
            {
                "bench": "helper_suggest",
                "database": connection.vendor,
                "helpers_in_street": helpers,
                "orders": len(times),
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(p95, 2),
                "max_ms": round(times[-1], 2),
                "target_p95_ms": TARGET_MS,
                "ok": p95 < TARGET_MS,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
