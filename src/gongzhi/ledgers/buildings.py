"""Building ledger (楼栋台账). Natural key: the building code. A building hangs under an existing
compound or grid in the actor's area; moving it to another parent is not a ledger operation."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.ledgers import cells
from gongzhi.ledgers.parsing import Table
from gongzhi.ledgers.validation import CREATE, UNCHANGED, UPDATE, Checker, Item, Plan, chunked
from gongzhi.territory.actions import TerritoryError, build_node
from gongzhi.territory.models import Level, TerritoryNode


@dataclass
class BuildingItem(Item):
    node: TerritoryNode | None = None


def validate(actor: Actor, table: Table) -> Plan:
    check = Checker(actor, table)
    rows: list[dict[str, Any]] = []
    rows_by_code: dict[str, list[int]] = defaultdict(list)
    for row in table.rows:
        n, values = row.number, row.values
        parsed: dict[str, Any] = {
            "row": n,
            "code": check.required(n, values, "code", 40),
            "name": check.required(n, values, "name", 120),
            "parent_code": check.required(n, values, "parent_code", 40),
            "lon": check.cell(n, values, "lon", cells.number),
            "lat": check.cell(n, values, "lat", cells.number),
        }
        has_lon, has_lat = check.present(values, "lon"), check.present(values, "lat")
        if has_lon != has_lat:
            check.error(n, "lat" if has_lon else "lon", _("经度和纬度要么都填,要么都不填"))
        if parsed["code"]:
            rows_by_code[parsed["code"]].append(n)
        rows.append(parsed)
    check.duplicates("code", rows_by_code)

    parents = check.scoped_nodes(
        (r["parent_code"] for r in rows if r["parent_code"]), {Level.COMPOUND, Level.GRID}
    )
    existing: dict[str, TerritoryNode] = {}
    for batch in chunked(sorted(rows_by_code)):
        existing.update({n.code: n for n in TerritoryNode.objects.filter(code__in=batch)})
    for r in rows:
        n = r["row"]
        parent = parents.get(r["parent_code"])
        if r["parent_code"] and parent is None:
            check.not_found(n, "parent_code", _("上级编码"), r["parent_code"])
        if check.failed(n) or parent is None:
            continue
        current = existing.get(r["code"])
        if current is not None and (current.level != Level.BUILDING or not check.in_scope(current.path)):
            check.error(n, "code", _("编码“%(code)s”已被其他节点占用,请联系上级管理员") % {"code": r["code"]})
            continue
        if current is not None and current.parent_id != parent.pk:
            check.error(n, "parent_code", _("该楼栋已挂在其他上级下,台账导入不能调整楼栋的上级"))
            continue
        geometry = None
        if r["lon"] is not None and r["lat"] is not None:
            geometry = {"type": "Point", "coordinates": [r["lon"], r["lat"]]}
        elif current is not None:
            geometry = current.geometry  # a blank cell keeps the stored position
        try:
            node = build_node(
                level=Level.BUILDING, code=r["code"], name=r["name"], parent=parent, geometry=geometry
            )
        except TerritoryError as exc:
            check.error(n, "lon" if "坐标" in str(exc) or "位置" in str(exc) else "code", str(exc))
            continue
        if current is None:
            action = CREATE
        elif current.name == node.name and _same_place(current, node):
            action = UNCHANGED
        else:
            action = UPDATE
        check.plan.items.append(BuildingItem(row=n, action=action, node=node))
    return check.plan


def _same_place(a: TerritoryNode, b: TerritoryNode) -> bool:
    """Excel keeps 15 significant digits, so a coordinate that went through a spreadsheet differs
    in the last bits; 1e-7 degrees is about a centimetre."""
    if None in (a.centroid_lon, a.centroid_lat, b.centroid_lon, b.centroid_lat):
        return (a.centroid_lon, a.centroid_lat) == (b.centroid_lon, b.centroid_lat)
    return abs(a.centroid_lon - b.centroid_lon) < 1e-7 and abs(a.centroid_lat - b.centroid_lat) < 1e-7  # type: ignore[operator]
