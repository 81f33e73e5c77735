"""The three rates and the ranking over 1,000,000 appeals, from the DailyStat rollup.

    .venv/bin/python bench/three_rates.py [--appeals 1000000] [--seed 7] [--repeat 3]

Against the configured database (migrations must have run). If fewer than --appeals bench appeals
exist, they are (re)generated: minimal Appeal rows (channel "import", external_id "bench-<n>")
in a bench district 990100 (3 streets × 10 communities, 20 departments, each community served by
6 of them), spread over the year 2024, with ~75 % rated and a few ratings excluded; the matching
DailyStat rows are built in the same pass. Generation is not timed in "seconds".

Timed: `rates.all_rates` — the three rates and the ranking for every department, community and
street over 2024 (median of --repeat runs; "first_seconds" is the cold first run). Then the
rollup is compared with `rates.recount` over the same period (timed separately).
The last line of output is one JSON object.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.utils import DatabaseError  # noqa: E402

from gongzhi.appeals import rates  # noqa: E402
from gongzhi.appeals.models import Appeal, DailyStat, Rating  # noqa: E402
from gongzhi.orgs.models import Organisation, OrgKind  # noqa: E402
from gongzhi.territory.actions import build_node  # noqa: E402
from gongzhi.territory.models import TerritoryNode  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
START, END = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
DISTRICT = "990100"
BATCH = 10_000
TARGET_SECONDS = 1.0


def node(level: str, code: str, name: str, parent: TerritoryNode | None) -> TerritoryNode:
    existing = TerritoryNode.objects.filter(code=code).first()
    if existing:
        return existing
    built = build_node(level=level, code=code, name=name, parent=parent, geometry=None)
    built.save()
    return built


def bench_world() -> tuple[list[TerritoryNode], list[Organisation], dict[int, list[Organisation]]]:
    district = node("district", DISTRICT, "基准测试区", None)
    communities = []
    for s in range(1, 4):
        street = node("street", f"{DISTRICT}{s:03d}", f"基准街道{s}", district)
        for c in range(1, 11):
            communities.append(node("community", f"{street.code}{c:03d}", f"基准{s}街道{c}社区", street))
    departments = [
        Organisation.objects.get_or_create(
            name=f"基准部门{d:02d}", kind=OrgKind.DEPARTMENT, territory=district
        )[0]
        for d in range(1, 21)
    ]
    rng = random.Random(1)
    served = {c.pk: rng.sample(departments, 6) for c in communities}
    return communities, departments, served


def delete_bench(departments: list[Organisation]) -> None:
    with transaction.atomic():
        Appeal.objects.filter(channel="import", external_id__startswith="bench-").delete()
        DailyStat.objects.filter(department__in=departments).delete()


def generate(n: int, seed: int) -> float:
    communities, departments, served = bench_world()
    delete_bench(departments)
    rng = random.Random(seed)
    streets = {c.pk: c.parent_id for c in communities}
    stats: dict[tuple[datetime.date, int, int], list[int]] = {}
    created_at = Appeal._meta.get_field("created_at")
    created_at.auto_now_add = False  # keep each row's own date (bench rows only)
    started = time.perf_counter()
    day0 = datetime.datetime.combine(START, datetime.time(8), tzinfo=TZ)
    span_days = (END - START).days + 1
    for first in range(0, n, BATCH):
        appeals, pending = [], []
        for i in range(first, min(n, first + BATCH)):
            community = rng.choice(communities)
            department = rng.choice(served[community.pk])
            at = day0 + datetime.timedelta(days=rng.randrange(span_days), seconds=rng.randrange(10 * 3600))
            on_time = rng.random() < 0.96
            rated = rng.random() < 0.75
            a = Appeal(
                number=f"BENCH{i:010d}",
                channel="import",
                external_id=f"bench-{i}",
                status="closed" if rated else "replied",
                title="基准诉求",
                text="基准诉求",
                territory_id=community.pk,
                path=community.path,
                community_id=community.pk,
                street_id=streets[community.pk],
                department_id=department.pk,
                created_at=at,
                updated_at=at,
                dispatched_at=at,
                sign_due_at=at + datetime.timedelta(hours=2),
                signed_at=at + datetime.timedelta(minutes=30 if on_time else 200),
                signed_on_time=on_time,
                resolve_due_at=at + datetime.timedelta(days=7),
                replied_at=at + datetime.timedelta(days=2),
                closed_at=at + datetime.timedelta(days=3) if rated else None,
            )
            appeals.append(a)
            key = (at.date(), department.pk, community.pk)
            row = stats.setdefault(key, [0, 0, 0, 0, 0])
            row[0] += 1
            row[1] += on_time
            if rated:
                sat = rng.choices(["satisfied", "basic", "unsatisfied"], weights=[80, 12, 8])[0]
                solved = rng.random() < (0.95 if sat != "unsatisfied" else 0.3)
                excluded = sat == "unsatisfied" and rng.random() < 0.05
                rating_at = at + datetime.timedelta(days=3)
                pending.append((a, sat, solved, excluded, rating_at))
                if not excluded:
                    rkey = (rating_at.date(), department.pk, community.pk)
                    r = stats.setdefault(rkey, [0, 0, 0, 0, 0])
                    r[2] += 1
                    r[3] += solved
                    r[4] += sat != "unsatisfied"
        with transaction.atomic():
            Appeal.objects.bulk_create(appeals, batch_size=2000)
            Rating.objects.bulk_create(
                [
                    Rating(
                        appeal_id=a.pk,
                        round=1,
                        satisfaction=s,
                        solved=v,
                        department_id=a.department_id,
                        at=t,
                        excluded=x,
                    )
                    for a, s, v, x, t in pending
                ],
                batch_size=2000,
            )
        if (first // BATCH) % 10 == 0:
            print(
                f"  generated {first + len(appeals):,} appeals ({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
            )
    created_at.auto_now_add = True
    rows = [
        DailyStat(
            day=d,
            department_id=dep,
            community_id=com,
            street_id=streets[com],
            dispatched=v[0],
            signed_on_time=v[1],
            rated=v[2],
            solved=v[3],
            satisfied=v[4],
        )
        for (d, dep, com), v in stats.items()
    ]
    with transaction.atomic():
        DailyStat.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE appeals_appeal; ANALYZE appeals_rating; ANALYZE appeals_dailystat")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    try:
        have = Appeal.objects.filter(channel="import", external_id__startswith="bench-").count()
    except DatabaseError as exc:
        print(f"database not ready ({exc}); run `gongzhi migrate` first", file=sys.stderr)
        return 2
    generation_seconds = None
    if have != args.appeals:
        print(f"generating {args.appeals:,} bench appeals (found {have:,})…", file=sys.stderr)
        generation_seconds = round(generate(args.appeals, args.seed), 1)

    timings, tables = [], {}
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        tables = rates.all_rates(None, start=START, end=END)
        timings.append(time.perf_counter() - t0)
    seconds = statistics.median(timings)
    for level, table in tables.items():
        top = table.rows[0] if table.rows else None
        if top:
            print(
                f"{level}: {len(table.rows)} ranked; first {top.name} {top.response}% / {top.resolution}% / {top.satisfaction}%",
                file=sys.stderr,
            )
    total = tables["street"].total

    t0 = time.perf_counter()
    recounted = rates.recount(start=START, end=END)
    recount_seconds = time.perf_counter() - t0
    matches = rates.rollup_counts(start=START, end=END) == recounted

    print(
        json.dumps(
            {
                "bench": "three_rates",
                "appeals": args.appeals,
                "dispatched_counted": total.dispatched,
                "rated_counted": total.rated,
                "seconds": round(seconds, 3),
                "first_seconds": round(timings[0], 3),
                "recount_seconds": round(recount_seconds, 2),
                "generation_seconds": generation_seconds,
                "matches_recount": matches,
                "target_met": seconds < TARGET_SECONDS,
                "database": connection.vendor,
            },
            ensure_ascii=False,
        )
    )
    return 0 if matches else 1


if __name__ == "__main__":
    sys.exit(main())
