"""Hotline bulk import throughput: read, validate, place, route and write N generated 12345 rows.

    DATABASE_URL=postgres://… .venv/bin/python bench/hotline_import.py [--rows 100000] [--seed 7]

Needs a migrated database. Loads the demo territory (`gongzhi demo --residents 0`) if district
440311 is missing, and a small taxonomy with an active routing ruleset if none is active. Rows are
real points inside grids (80 %) or compound addresses without a pin (20 %), with phones and
categories, under fresh 工单编号 so every run imports. The last line of output is one JSON object.
"""

import argparse
import csv
import io
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
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from gongzhi.appeals.hotline_import import import_file  # noqa: E402
from gongzhi.appeals.models import Category, RoutingRule, RoutingRuleSet  # noqa: E402
from gongzhi.orgs.models import Organisation, OrgKind  # noqa: E402
from gongzhi.territory.geo_index import get_index  # noqa: E402
from gongzhi.territory.models import Level, TerritoryNode  # noqa: E402

TARGET_ROWS_PER_S = 3_000
TAXONOMY = [
    "城乡建设/城市管理/占道经营",
    "城乡建设/城市管理/违章搭建",
    "城乡建设/住房保障/物业管理",
    "环境保护/噪声污染/施工噪声",
    "交通运输/道路设施/路灯损坏",
]


def ensure_world() -> None:
    """Territory, departments, taxonomy and an active ruleset (each only if missing)."""
    if not TerritoryNode.objects.filter(code="440311").exists():
        print("no district 440311: loading the demo territory (gongzhi demo --residents 0)")
        call_command("demo", residents=0)
    district = TerritoryNode.objects.get(code="440311")
    for path in TAXONOMY:
        parent = None
        parts = path.split("/")
        for depth in range(1, 4):
            parent, _ = Category.objects.get_or_create(
                path="/".join(parts[:depth]),
                defaults={"name": parts[depth - 1], "parent": parent, "level": depth},
            )
    if RoutingRuleSet.objects.filter(is_active=True).exists():
        return
    urban, _ = Organisation.objects.get_or_create(
        territory=district, kind=OrgKind.DEPARTMENT, name="光明区城市管理和综合执法局"
    )
    housing, _ = Organisation.objects.get_or_create(
        territory=district, kind=OrgKind.DEPARTMENT, name="光明区住房和建设局"
    )
    version = (RoutingRuleSet.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    ruleset = RoutingRuleSet.objects.create(version=version, is_active=True, note="bench")
    RoutingRule.objects.create(
        ruleset=ruleset, position=1, category=Category.objects.get(path="城乡建设/城市管理"), department=urban
    )
    RoutingRule.objects.create(ruleset=ruleset, position=2, department=housing)


def generate(rows: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    district = TerritoryNode.objects.get(code="440311")
    index = get_index()
    lons = rng.uniform(district.min_lon, district.max_lon, rows * 3)
    lats = rng.uniform(district.min_lat, district.max_lat, rows * 3)
    inside = index.lookup_many(lons, lats, Level.GRID) >= 0
    lons, lats = lons[inside], lats[inside]
    compounds = list(TerritoryNode.objects.filter(level=Level.COMPOUND).values_list("name", flat=True)[:2000])
    categories = list(Category.objects.filter(level=3, active=True).values_list("path", flat=True))
    run = time.strftime("%Y%m%d%H%M%S")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["工单编号", "来电时间", "来电人", "联系电话", "诉求内容", "诉求地址", "诉求分类", "经度", "纬度"]
    )
    for n in range(rows):
        pinned = n % 5 != 0 or not compounds
        lon, lat = (f"{lons[n % len(lons)]:.6f}", f"{lats[n % len(lats)]:.6f}") if pinned else ("", "")
        address = "" if pinned else f"{compounds[n % len(compounds)]}{1 + n % 12}栋"
        writer.writerow(
            [
                f"B{run}-{n:07d}",
                f"2026-11-{1 + n % 26:02d} {8 + n % 10:02d}:{n % 60:02d}:00",
                "市民",
                f"139{n % 100_000_000:08d}",
                f"第{n}号来电:小区附近问题反映,请尽快处理。",
                address,
                categories[n % len(categories)],
                lon,
                lat,
            ]
        )
    return out.getvalue().encode("utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    ensure_world()
    content = generate(args.rows, args.seed)
    print(f"generated {args.rows:,} rows ({len(content) / 1e6:.1f} MB CSV) on {connection.vendor}")
    started = time.perf_counter()
    report = import_file("bench.csv", content)
    seconds = time.perf_counter() - started
    rate = report.created / seconds if seconds else 0.0
    print(
        f"created {report.created:,} (dispatched {report.dispatched:,}), existing {report.existing}, "
        f"errors {len(report.errors)} in {seconds:.2f} s = {rate:,.0f} rows/s (target {TARGET_ROWS_PER_S:,})"
    )
    for error in report.errors[:5]:
        print(f"  {error}")
    if rate < TARGET_ROWS_PER_S:
        print("BELOW TARGET", file=sys.stderr)
    print(
        json.dumps(
            {
                "bench": "hotline_import",
                "rows": args.rows,
                "rows_per_s": round(rate),
                "seconds": round(seconds, 2),
                "errors": len(report.errors),
                "dispatched": report.dispatched,
                "database": connection.vendor,
            }
        )
    )
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
