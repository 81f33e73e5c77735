"""Resident ledger import throughput against the configured database.

    .venv/bin/python bench/import_residents.py [--rows 10000] [--buildings 50] [--keep]

Runs migrations if the tables are missing. Builds (if absent) a bench community 440311001990 with
one grid, one compound and N buildings under street 440311001 (created too when the demo is not
loaded), and a community-staff account `bench_importer` scoped to it. Writes an XLSX ledger to a
temporary file, then times preview (parse + validate every row + keep the file) and confirm
(re-validate + write) separately, and imports the same file again to show it changes nothing.
Persons, units and households it created are removed at the end unless --keep. The last line of
output is one JSON object.
"""

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from gongzhi.accounts.models import RoleAssignment, User  # noqa: E402
from gongzhi.accounts.roles import Role  # noqa: E402
from gongzhi.ledgers.actions import batch_confirm, batch_preview, ledger_import  # noqa: E402
from gongzhi.people.idcard import make_id_number  # noqa: E402
from gongzhi.people.models import Person  # noqa: E402
from gongzhi.territory.actions import build_node  # noqa: E402
from gongzhi.territory.models import TerritoryNode  # noqa: E402

LIMIT_S = 30.0
COMMUNITY = "440311001990"
REGION = "440399"  # ID numbers from a region the demo does not use, so no row collides with it
HEADERS = ["姓名", "身份证号", "手机号", "楼栋编码", "单元", "房号", "居住类型", "特殊群体"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国"


def node(level: str, code: str, name: str, parent: TerritoryNode | None) -> TerritoryNode:
    found = TerritoryNode.objects.filter(code=code).first()
    if found is None:
        found = build_node(level=level, code=code, name=name, parent=parent)
        found.save()
    return found


def ensure_territory(buildings: int) -> tuple[TerritoryNode, list[str]]:
    district = node("district", "440311", "光明区", None)
    street = node("street", "440311001", "光明街道", district)
    community = node("community", COMMUNITY, "基准测试社区", street)
    grid = node("grid", f"{COMMUNITY}001", "基准测试网格", community)
    compound = node("compound", f"{grid.code}01", "基准测试小区", grid)
    codes = [
        node("building", f"{compound.code}{n:03d}", f"{n}栋", compound).code for n in range(1, buildings + 1)
    ]
    return community, codes


def ensure_actor(community: TerritoryNode) -> User:
    user = User.objects.filter(username="bench_importer").select_related("person").first()
    if user is None:
        person = Person.objects.create(name="基准测试社工")
        user = User.objects.create_user("bench_importer", person=person)
    if not RoleAssignment.objects.filter(
        person_id=user.person_id, role=Role.COMMUNITY_STAFF, territory=community
    ).exists():
        RoleAssignment.objects.create(
            person_id=user.person_id, role=Role.COMMUNITY_STAFF, territory=community
        )
    return user


def write_ledger(path: Path, rows: int, building_codes: list[str]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("居民台账")
    sheet.append(HEADERS)
    start = datetime.date(1935, 1, 1)
    for i in range(rows):
        birth = start + datetime.timedelta(days=i % 25000)
        number = make_id_number(REGION, birth, (i // 25000) * 2 + 1 + (i % 2))
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13) % len(GIVEN)]
        building = building_codes[i % len(building_codes)]
        per_building = i // len(building_codes)
        unit, room = per_building % 4 + 1, 100 * (per_building // 16 % 30 + 1) + per_building // 4 % 4 + 1
        tags = "独居老人、低保" if i % 50 == 0 else ("残疾人" if i % 37 == 0 else "")
        kind = ("户籍", "常住非户籍", "流动人口")[i % 3]
        sheet.append([name, number, f"139{i:08d}", building, unit, room, kind, tags])
    book.save(path)


def clean(community: TerritoryNode) -> int:
    """Remove what imports created under the bench community (persons, then households, then units)."""
    removed, _ = Person.objects.filter(household__path__startswith=community.path).delete()
    for level in ("household", "unit"):
        TerritoryNode.objects.filter(path__startswith=community.path, level=level).delete()
    return removed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--buildings", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="leave the imported persons in the database")
    args = parser.parse_args()

    if "ledgers_importbatch" not in connection.introspection.table_names():
        print("tables missing: running migrate", file=sys.stderr)
        call_command("migrate", interactive=False, verbosity=0)
    community, building_codes = ensure_territory(args.buildings)
    actor = ensure_actor(community)
    clean(community)  # a previous --keep run must not turn this run's creates into "unchanged"

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "居民台账.xlsx"
        t0 = time.perf_counter()
        write_ledger(path, args.rows, building_codes)
        write_s = time.perf_counter() - t0
        content = path.read_bytes()

    t0 = time.perf_counter()
    batch = batch_preview(actor=actor, kind="residents", filename="居民台账.xlsx", content=content)
    preview_s = time.perf_counter() - t0
    print(
        f"preview: {batch.total_rows} rows, new {batch.new_rows}, errors {batch.error_rows} in {preview_s:.2f}s"
    )
    t0 = time.perf_counter()
    batch = batch_confirm(actor=actor, batch_id=batch.pk)
    import_s = time.perf_counter() - t0
    print(f"confirm: {batch.result} in {import_s:.2f}s")

    t0 = time.perf_counter()
    again = ledger_import(actor=actor, kind="residents", filename="居民台账.xlsx", content=content)
    reimport_s = time.perf_counter() - t0
    print(f"re-import (preview + confirm): {again.result} in {reimport_s:.2f}s")

    removed = 0 if args.keep else clean(community)
    seconds = preview_s + import_s
    result = {
        "bench": "import_residents",
        "database": connection.vendor,
        "rows": args.rows,
        "xlsx_bytes": len(content),
        "seconds": round(seconds, 2),
        "rows_per_s": round(args.rows / seconds, 1),
        "preview_s": round(preview_s, 2),
        "import_s": round(import_s, 2),
        "reimport_s": round(reimport_s, 2),
        "created": batch.result["created"],
        "reimport_created": again.result["created"],
        "reimport_updated": again.result["updated"],
        "reimport_unchanged": again.result["unchanged"],
        "write_xlsx_s": round(write_s, 2),
        "cleaned_objects": removed,
        "limit_s": LIMIT_S,
    }
    print(json.dumps(result, ensure_ascii=False))
    ok = (
        seconds < LIMIT_S
        and batch.result["created"] == args.rows
        and again.result["created"] == 0
        and again.result["updated"] == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
