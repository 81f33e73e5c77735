"""Organisation ledger (组织台账). Natural key: the unified social credit code where the row has one,
otherwise (area, kind, name) — the same two uniqueness rules the table enforces."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.core.phone import normalise_phone
from gongzhi.ledgers import cells
from gongzhi.ledgers.parsing import Table
from gongzhi.ledgers.validation import CREATE, UNCHANGED, UPDATE, Checker, Item, Plan, chunked
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.territory.models import AREA_LEVELS

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, Z, S, V
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
FIELDS = ("name", "kind", "territory_id", "credit_code", "contact_phone", "address")


def credit_code(raw: Any, header: str) -> str:
    value = cells.narrow(raw).upper().replace(" ", "")
    if len(value) != 18:
        raise cells.CellError(_("“%(column)s”应为18位,实际为%(n)d位") % {"column": header, "n": len(value)})
    if any(c not in CREDIT_CHARS for c in value):
        raise cells.CellError(_("“%(column)s”含有不允许的字符(不使用I、O、Z、S、V)") % {"column": header})
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(value[:17], CREDIT_WEIGHTS, strict=True))
    if CREDIT_CHARS[(31 - total % 31) % 31] != value[17]:
        raise cells.CellError(_("“%(column)s”校验位错误") % {"column": header})
    return value


@dataclass
class OrgItem(Item):
    values: dict[str, Any] | None = None
    existing: Organisation | None = None


def validate(actor: Actor, table: Table) -> Plan:
    check = Checker(actor, table)
    rows: list[dict[str, Any]] = []
    by_credit: dict[str, list[int]] = defaultdict(list)
    by_name: dict[str, list[int]] = defaultdict(list)
    for row in table.rows:
        n, values = row.number, row.values
        if not check.present(values, "kind"):
            check.error(n, "kind", _("必填"))
        r: dict[str, Any] = {
            "row": n,
            "name": check.required(n, values, "name", 120),
            "kind": check.cell(n, values, "kind", cells.choice, OrgKind) or "",
            "territory": check.required(n, values, "territory_code", 40),
            "credit_code": check.cell(n, values, "credit_code", credit_code) or "",
            "contact_phone": check.cell(
                n, values, "contact_phone", lambda v, _h: normalise_phone(cells.narrow(v))
            )
            or "",
            "address": check.optional_text(n, values, "address", 200),
        }
        if r["credit_code"]:
            by_credit[r["credit_code"]].append(n)
        if r["name"] and r["kind"] and r["territory"]:
            by_name[f"{r['territory']}|{r['kind']}|{r['name']}"].append(n)
        rows.append(r)
    check.duplicates("credit_code", by_credit)
    check.duplicates("name", by_name)

    areas = check.scoped_nodes((r["territory"] for r in rows if r["territory"]), set(AREA_LEVELS))
    for r in rows:
        if r["territory"] and r["territory"] not in areas:
            check.not_found(r["row"], "territory_code", _("区域编码"), r["territory"])
    rows = [r for r in rows if not check.failed(r["row"])]
    credit_orgs, named_orgs = _existing(rows, areas)
    for r in rows:
        n, area = r["row"], areas[r["territory"]]
        by_code = credit_orgs.get(r["credit_code"]) if r["credit_code"] else None
        by_key = named_orgs.get((area.pk, r["kind"], r["name"]))
        if by_code is not None and not check.in_scope(by_code.territory.path):
            check.error(
                n,
                "credit_code",
                _("统一社会信用代码“%(code)s”已被其他组织使用,请联系上级管理员") % {"code": r["credit_code"]},
            )
            continue
        if by_code is not None and by_key is not None and by_code.pk != by_key.pk:
            check.error(n, "name", _("同一区域已有同名同类的另一个组织"))
            continue
        if by_code is None and by_key is not None and by_key.credit_code and r["credit_code"]:
            check.error(n, "credit_code", _("同一区域已有同名同类组织,其统一社会信用代码与本行不同"))
            continue
        current = by_code or by_key
        target = {
            "name": r["name"],
            "kind": r["kind"],
            "territory_id": area.pk,
            # A blank optional cell keeps what is stored.
            "credit_code": r["credit_code"] or (current.credit_code if current else ""),
            "contact_phone": r["contact_phone"] or (current.contact_phone if current else ""),
            "address": r["address"] or (current.address if current else ""),
        }
        if current is None:
            action = CREATE
        else:
            action = UNCHANGED if all(getattr(current, f) == target[f] for f in FIELDS) else UPDATE
        check.plan.items.append(OrgItem(row=n, action=action, values=target, existing=current))
    return check.plan


def _existing(
    rows: list[dict[str, Any]], areas: dict[str, Any]
) -> tuple[dict[str, Organisation], dict[tuple, Organisation]]:
    credit: dict[str, Organisation] = {}
    for batch in chunked(sorted({r["credit_code"] for r in rows if r["credit_code"]})):
        credit.update(
            {
                o.credit_code: o
                for o in Organisation.objects.filter(credit_code__in=batch).select_related("territory")
            }
        )
    named: dict[tuple, Organisation] = {}
    area_ids = sorted({areas[r["territory"]].pk for r in rows})
    names = sorted({r["name"] for r in rows})
    for id_batch in chunked(area_ids, 400):
        for name_batch in chunked(names, 400):
            for org in Organisation.objects.filter(territory_id__in=id_batch, name__in=name_batch):
                named[(org.territory_id, org.kind, org.name)] = org
    return credit, named
