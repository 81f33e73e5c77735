"""Importing the owners' register of a compound from a CSV file (UTF-8, with or without BOM):

    房屋,面积,业主手机号
    1栋/1单元/101,89.50,13800000001
    1栋/1单元/102,120.00,13800000002;13800000003     (co-owners separated by ; or space)
    44031100100300101001010101,75.20,13800000004      (or the household's code)

Every row is checked first; one bad row refuses the whole file with each error and its line number,
and nothing is written. A good file is applied by actions.register_apply in one transaction."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.core.spreadsheets import Limits, SpreadsheetRefused, read_csv_text
from gongzhi.people.actions import people_by_phones
from gongzhi.territory.models import TerritoryNode

MAX_ROWS = 5000


@dataclass
class Row:
    line: int
    household: Any
    area: Decimal
    owners: list[Any]


def _door_key(node: Any, by_pk: dict[int, Any]) -> str:
    parts = []
    while node is not None and node.level in ("household", "unit", "building"):
        parts.append(node.name)
        node = by_pk.get(node.parent_id)
    return "/".join(reversed(parts))


def _phones(cell: str) -> list[str]:
    return cell.strip().replace(";", " ").replace("；", " ").split()


def parse(compound: Any, raw: bytes, *, actor: Actor) -> tuple[list[Row], list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("文件须为UTF-8编码的CSV")]
    try:
        # rows over MAX_ROWS get the line-numbered message below; the reader's cap is for memory
        table = read_csv_text(
            text, limits=Limits(max_bytes=4 * 1024 * 1024, max_rows=MAX_ROWS + 1, max_columns=64)
        )
    except SpreadsheetRefused as exc:
        return [], [exc.message]
    nodes = list(
        TerritoryNode.objects.filter(
            path__startswith=compound.path, level__in=["building", "unit", "household"]
        )
    )
    by_pk = {n.pk: n for n in nodes}
    households = [n for n in nodes if n.level == "household"]
    by_code = {h.code: h for h in households}
    by_door = {_door_key(h, by_pk): h for h in households}
    rows: list[Row] = []
    errors: list[str] = []
    seen: set[int] = set()
    # every owner's number of the file in one audited look-up (not one oracle query per number)
    known = people_by_phones(
        actor=actor,
        phones=[p for _n, cells in table if len(cells) >= 3 for p in _phones(cells[2])],
        purpose="业主大会:导入业主名册",
    )
    for number, cells in table:
        if number == 1 and not any(ch.isdigit() for ch in cells[1] if len(cells) > 1):
            continue  # header
        if number > MAX_ROWS:
            errors.append(_("文件超过%(n)d行") % {"n": MAX_ROWS})
            break
        if len(cells) < 3:
            errors.append(_("第%(line)d行:需要房屋、面积、业主手机号三列") % {"line": number})
            continue
        door, area_text, phones = (c.strip() for c in cells[:3])
        household = by_code.get(door) or by_door.get(door.replace(" ", ""))
        if household is None:
            errors.append(_("第%(line)d行:本小区没有房屋“%(door)s”") % {"line": number, "door": door})
            continue
        if household.pk in seen:
            errors.append(_("第%(line)d行:房屋“%(door)s”重复") % {"line": number, "door": door})
            continue
        seen.add(household.pk)
        try:
            area = Decimal(area_text)
        except InvalidOperation:
            area = Decimal(0)
        if not area.is_finite() or area <= 0 or area.as_tuple().exponent < -2 or area >= Decimal("100000000"):
            errors.append(
                _("第%(line)d行:面积“%(area)s”须为大于0、最多两位小数的数字")
                % {"line": number, "area": area_text}
            )
            continue
        owners = []
        for phone in _phones(phones):
            if phone in known:
                owners.append(known[phone])
                continue
            digits = "".join(ch for ch in phone if ch.isdigit())[-11:]
            message = (
                _("手机号%(phone)s未登记为居民,请先在社区登记") % {"phone": digits[:3] + "****" + digits[-4:]}
                if len(digits) == 11
                else _("手机号格式不正确")
            )
            errors.append(_("第%(line)d行:%(error)s") % {"line": number, "error": message})
        if not phones.strip():
            errors.append(_("第%(line)d行:请填写业主手机号") % {"line": number})
        if owners and len(owners) == len(_phones(phones)):
            rows.append(Row(number, household, area, owners))
    if not rows and not errors:
        errors.append(_("文件中没有数据行"))
    return rows, errors
