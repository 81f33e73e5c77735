"""Resident ledger (居民台账): one row per person, placed in a household under an existing building.

Natural key: the blind index of the ID number (Person.id_number_index, unique). A blank optional
cell never clears a stored value; special-group tags are only ever added (decision 0006).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.core import crypto
from gongzhi.core.actors import Actor
from gongzhi.core.phone import normalise_phone
from gongzhi.ledgers import cells
from gongzhi.ledgers.parsing import Table
from gongzhi.ledgers.validation import CREATE, UNCHANGED, UPDATE, Checker, Item, Plan, chunked
from gongzhi.people.models import Person, PersonTag, ResidenceType, Tag
from gongzhi.territory.models import Level, TerritoryNode

BATCH = 500
NODE_FIELDS = ("id", "code", "level", "name", "parent_id", "path", "depth")


@dataclass
class ResidentItem(Item):
    name: str = ""
    id_number: str = ""
    id_index: str = ""
    phone: str = ""
    phone_index: str = ""
    residence_type: str = ""
    tags: list[str] = field(default_factory=list)
    building: Any = None
    unit_no: int | None = None
    room: int | None = None
    existing: Person | None = None
    new_tags: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def unit_code(self) -> str:
        return f"{self.building.code}{self.unit_no:02d}" if self.unit_no else ""

    @property
    def household_code(self) -> str:
        return f"{self.unit_code or self.building.code}{self.room:04d}" if self.room else ""

    @property
    def target_path(self) -> str:
        path = self.building.path
        if self.unit_no:
            path += self.unit_code + "/"
        if self.room:
            path += self.household_code + "/"
        return path


def not_importable() -> str:
    """One refusal for an ID number this actor cannot import, whatever the reason."""
    return _("本行不能由您导入,请核对身份证号;号码无误的,请联系上级办理")


def _room(raw: Any, header: str) -> int:
    value = cells.narrow(raw).removesuffix("室").removesuffix("号").strip()
    if not (value.isascii() and value.isdigit() and 1 <= len(value) <= 4 and int(value) > 0):
        raise cells.CellError(
            _("“%(column)s”应为不超过4位的数字(如1201),实际是“%(value)s”")
            % {"column": header, "value": cells.shown(raw)}
        )
    return int(value)


def validate(actor: Actor, table: Table) -> Plan:
    check = Checker(actor, table)
    items: list[ResidentItem] = []
    rows_by_index: dict[str, list[int]] = defaultdict(list)
    for row in table.rows:
        n, values = row.number, row.values
        item = ResidentItem(row=n, name=check.required(n, values, "name", 60))
        identity = check.id_number(n, values, rows_by_index)
        if identity is not None:
            item.id_number, item.id_index = identity
        item.phone = check.cell(n, values, "phone", lambda v, _h: normalise_phone(cells.narrow(v))) or ""
        item.phone_index = crypto.blind_index(item.phone) if item.phone else ""
        item.building = check.required(n, values, "building_code", 40)
        item.unit_no = check.cell(n, values, "unit", cells.integer, suffix="单元")
        item.room = check.cell(n, values, "room", _room)
        item.residence_type = check.cell(n, values, "residence_type", cells.choice, ResidenceType) or ""
        item.tags = check.cell(n, values, "tags", cells.choices_list, Tag) or []
        items.append(item)
    check.duplicates("id_number", rows_by_index)

    buildings = check.scoped_nodes((i.building for i in items if i.building), {Level.BUILDING})
    for item in items:
        if item.building and item.building not in buildings:
            check.not_found(item.row, "building_code", _("楼栋编码"), item.building)
    items = [i for i in items if not check.failed(i.row)]
    for item in items:
        item.building = buildings[item.building]

    _check_nodes(check, items)
    existing, tags = _existing_people([i.id_index for i in items])
    for item in items:
        if check.failed(item.row):
            continue
        person = existing.get(item.id_index)
        if person is None:
            item.action = CREATE
        elif person.household is not None and not check.in_scope(person.household.path):
            # Not "registered elsewhere": those words told anyone with a file whether a number is
            # known anywhere on the platform (issue 13). One refusal, audited (decision 0039).
            check.plan.held_elsewhere += 1
            check.error(item.row, "id_number", not_importable())
            continue
        else:
            item.existing = person
            item.changed = _differences(item, person)
            item.new_tags = [t for t in dict.fromkeys(item.tags) if t not in tags.get(person.pk, set())]
            item.action = UPDATE if (item.changed or item.new_tags) else UNCHANGED
        check.plan.items.append(item)
    return check.plan


def _check_nodes(check: Checker, items: list[ResidentItem]) -> None:
    """A derived unit/household code already used by a node elsewhere in the tree cannot be reused."""
    expected: dict[str, tuple[str, int, str]] = {}
    for item in items:
        if item.unit_no:
            expected[item.unit_code] = (item.building.path + item.unit_code + "/", item.row, "unit")
        if item.room:
            expected[item.household_code] = (item.target_path, item.row, "room")
    for batch in chunked(sorted(expected)):
        for code, path in TerritoryNode.objects.filter(code__in=batch).values_list("code", "path"):
            if path != expected[code][0]:
                taken = [i for i in items if code in (i.unit_code, i.household_code)]
                for item in taken:
                    key = "unit" if code == item.unit_code else "room"
                    check.error(
                        item.row, key, _("编码“%(code)s”已被其他节点占用,请联系上级管理员") % {"code": code}
                    )


def _existing_people(indexes: list[str]) -> tuple[dict[str, Person], dict[int, set[str]]]:
    people: dict[str, Person] = {}
    for batch in chunked(sorted(set(indexes))):
        rows = (
            Person.objects.filter(id_number_index__in=batch)
            .select_related("household")
            .only(
                "id",
                "name",
                "id_number_index",
                "phone_cipher",
                "phone_index",
                "phone_masked",
                "residence_type",
                "updated_at",
                "household_id",
                "household__path",
                "household__code",
            )
        )
        people.update({p.id_number_index: p for p in rows if p.id_number_index})
    tags: dict[int, set[str]] = defaultdict(set)
    for ids in chunked(sorted(p.pk for p in people.values())):
        for person_id, tag in PersonTag.objects.filter(person_id__in=ids).values_list("person_id", "tag"):
            tags[person_id].add(tag)
    return people, tags


def _differences(item: ResidentItem, person: Person) -> list[str]:
    changed = []
    if person.name != item.name:
        changed.append("name")
    if person.household is None or person.household.path != item.target_path:
        changed.append("household")
    if item.phone and person.phone_index != item.phone_index:
        changed.append("phone")
    if item.residence_type and person.residence_type != item.residence_type:
        changed.append("residence_type")
    return changed
