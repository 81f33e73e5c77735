"""Party member ledger (党员台账). Natural key: the person (found by ID number blind index).

The person must already be a resident in the actor's area: a party ledger never creates persons,
because it carries no address (decision 0006). Import the resident ledger first.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.ledgers import cells
from gongzhi.ledgers.parsing import Table
from gongzhi.ledgers.validation import CAPABILITY, CREATE, UNCHANGED, UPDATE, Checker, Item, Plan, chunked
from gongzhi.orgs.models import PartyOrg
from gongzhi.people.models import MemberKind, PartyMember, Person
from gongzhi.territory.models import Level

FIELDS = ("kind", "branch_id", "home_community_id", "joined_on", "workplace")


@dataclass
class MemberItem(Item):
    name: str = ""
    id_index: str = ""
    kind: str = ""
    branch: str | int = ""
    home_community: str | int | None = None
    joined_on: datetime.date | None = None
    workplace: str = ""
    person_id: int | None = None
    existing: PartyMember | None = None


def validate(actor: Actor, table: Table) -> Plan:
    check = Checker(actor, table)
    rows_by_index: dict[str, list[int]] = defaultdict(list)
    today = timezone.localdate()
    items = [_read_row(check, row.number, row.values, today, rows_by_index) for row in table.rows]
    check.duplicates("id_number", rows_by_index)

    branches = _branches(check, {str(i.branch) for i in items if i.branch})
    communities = check.scoped_nodes(
        (str(i.home_community) for i in items if i.home_community), {Level.COMMUNITY}
    )
    people = _people(actor, [i.id_index for i in items if i.id_index])
    for item in items:
        _resolve(check, item, branches, communities, people)
    items = [i for i in items if not check.failed(i.row)]
    existing = _members([i.person_id for i in items if i.person_id])
    for item in items:
        member = existing.get(item.person_id)
        item.existing = member
        if member is None:
            item.action = CREATE
        else:
            item.home_community = item.home_community or member.home_community_id
            item.joined_on = item.joined_on or member.joined_on
            item.workplace = item.workplace or member.workplace
            same = all(getattr(member, f) == _value(item, f) for f in FIELDS)
            item.action = UNCHANGED if same else UPDATE
        check.plan.items.append(item)
    return check.plan


def _read_row(
    check: Checker, n: int, values: dict[str, Any], today: datetime.date, rows_by_index: dict[str, list[int]]
) -> MemberItem:
    """One row's cells, each checked on its own (the look-ups come after, for all rows at once)."""
    item = MemberItem(row=n, name=check.required(n, values, "name", 60))
    identity = check.id_number(n, values, rows_by_index)
    if identity is not None:
        item.id_index = identity[1]
    if not check.present(values, "kind"):
        check.error(n, "kind", _("必填"))
    item.kind = check.cell(n, values, "kind", cells.choice, MemberKind) or ""
    item.branch = check.required(n, values, "branch", 120)
    item.home_community = cells.text(values.get("home_community")) or None
    item.joined_on = check.cell(n, values, "joined_on", cells.date)
    if item.joined_on and item.joined_on > today:
        check.error(n, "joined_on", _("入党日期不能晚于今天"))
    item.workplace = check.optional_text(n, values, "workplace", 120)
    if item.kind == MemberKind.IN_SERVICE and not item.workplace:
        check.error(n, "workplace", _("在职党员必须填写工作单位"))
    return item


def _resolve(
    check: Checker,
    item: MemberItem,
    branches: dict[str, Any],
    communities: dict[str, Any],
    people: dict[str, Any],
) -> None:
    """The row's branch, home community and person, from the look-ups of all rows."""
    if item.branch:
        matches = branches.get(str(item.branch), [])
        if not matches:
            check.not_found(item.row, "branch", _("党组织"), str(item.branch))
        elif len(matches) > 1:
            check.error(
                item.row,
                "branch",
                _("党组织名称“%(name)s”在您的管辖范围内不唯一,请联系上级管理员") % {"name": item.branch},
            )
        else:
            item.branch = matches[0]
    if item.home_community:
        node = communities.get(str(item.home_community))
        if node is None:
            check.not_found(item.row, "home_community", _("社区编码"), str(item.home_community))
        else:
            item.home_community = node.pk
    if item.id_index and not check.failed(item.row):
        person = people.get(item.id_index)
        if person is None:
            check.error(
                item.row, "id_number", _("身份证号对应的人员不存在或不在您的管辖范围内,请先导入居民台账")
            )
        elif person[1] != item.name:
            check.error(item.row, "name", _("姓名与系统中该身份证号登记的姓名不一致"))
        else:
            item.person_id = person[0]


def _value(item: MemberItem, field: str) -> Any:
    return {
        "kind": item.kind,
        "branch_id": item.branch,
        "home_community_id": item.home_community,
        "joined_on": item.joined_on,
        "workplace": item.workplace,
    }[field]


def _branches(check: Checker, names: set[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for batch in chunked(sorted(names)):
        rows = PartyOrg.objects.visible_to(check.actor, CAPABILITY).filter(name__in=batch)
        for pk, name, path in rows.values_list("pk", "name", "territory__path"):
            if check.in_scope(path):
                found[name].append(pk)
    return found


def _people(actor: Actor, indexes: list[str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for batch in chunked(sorted(set(indexes))):
        rows = Person.objects.visible_to(actor, CAPABILITY).filter(
            id_number_index__in=batch, household__isnull=False
        )
        found.update(
            {i: (pk, name) for pk, name, i in rows.values_list("pk", "name", "id_number_index") if i}
        )
    return found


def _members(person_ids: list[int]) -> dict[int | None, PartyMember]:
    found: dict[int | None, PartyMember] = {}
    for batch in chunked(sorted(set(person_ids))):
        found.update({m.person_id: m for m in PartyMember.objects.filter(person_id__in=batch)})
    return found
