"""The ledgers' writes: one function per kind, called by actions.batch_confirm inside its transaction
with the plan its validation made (residents.py, party.py, buildings.py, organisations.py read and
check; this module writes)."""

from collections import defaultdict
from typing import Any

from django.utils import timezone

from gongzhi.core.actors import Actor
from gongzhi.ledgers.organisations import FIELDS as ORG_FIELDS
from gongzhi.ledgers.residents import BATCH, NODE_FIELDS, ResidentItem
from gongzhi.ledgers.validation import CREATE, UNCHANGED, UPDATE, Plan, chunked
from gongzhi.orgs.models import Organisation
from gongzhi.people.actions import apply_identity
from gongzhi.people.models import PartyMember, Person, PersonTag
from gongzhi.territory.actions import build_node
from gongzhi.territory.geometry import GEOMETRY_COLUMNS
from gongzhi.territory.models import Level, TerritoryNode


def write_residents(actor: Actor, plan: Plan) -> dict[str, int]:
    """Write the plan's create/update rows. Runs inside the caller's transaction."""
    todo: list[ResidentItem] = [i for i in plan.items if i.action != UNCHANGED]
    placed = _ensure_nodes(todo)
    now = timezone.now()

    # Concurrency: two staff confirming the same file at once both see these persons as new.
    # INSERT ... ON CONFLICT (id_number_index) DO UPDATE lets the database decide: the second
    # transaction waits on the first one's uncommitted row, then updates it instead of inserting a
    # duplicate or failing. Rows go in sorted key order so two such inserts cannot deadlock.
    creates = sorted((i for i in todo if i.action == CREATE), key=lambda i: i.id_index)
    groups: dict[tuple[bool, bool], list[Person]] = defaultdict(list)
    for item in creates:
        person = Person(name=item.name, household_id=placed[item.row])
        if item.residence_type:
            person.residence_type = item.residence_type
        apply_identity(person, id_number=item.id_number, phone=item.phone)
        groups[(bool(item.phone), bool(item.residence_type))].append(person)
        item.existing = person
    for (has_phone, has_type), people in groups.items():
        # On conflict only what this file actually states is written, as for an ordinary update.
        fields = ["name", "household", "updated_at"]
        fields += ["phone_cipher", "phone_index", "phone_masked"] if has_phone else []
        fields += ["residence_type"] if has_type else []
        Person.objects.bulk_create(
            people,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["id_number_index"],
            update_fields=fields,
        )
    _fill_missing_pks([i.existing for i in creates if i.existing is not None])

    updates = sorted((i for i in todo if i.action == UPDATE and i.changed), key=lambda i: _person(i).pk)
    changed_people = []
    for item in updates:
        person = _person(item)
        person.name = item.name
        person.household_id = placed[item.row]
        if item.phone:
            apply_identity(person, phone=item.phone)
        if item.residence_type:
            person.residence_type = item.residence_type
        person.updated_at = now
        changed_people.append(person)
    Person.objects.bulk_update(
        changed_people,
        ["name", "household", "phone_cipher", "phone_index", "phone_masked", "residence_type", "updated_at"],
        batch_size=BATCH,
    )

    new_tags = [
        PersonTag(person_id=_person(i).pk, tag=tag)
        for i in todo
        for tag in (i.new_tags if i.action == UPDATE else dict.fromkeys(i.tags))
    ]
    PersonTag.objects.bulk_create(new_tags, batch_size=BATCH, ignore_conflicts=True)
    return {**plan.written(), "tags_added": len(new_tags)}


def _ensure_nodes(items: list[ResidentItem]) -> dict[int, int]:
    """Create missing unit and household nodes (idempotently) and return row -> node id to live in."""
    units = {i.unit_code: i for i in items if i.unit_no}
    unit_nodes = _create_missing(
        {
            code: (
                lambda i=i, code=code: build_node(
                    level=Level.UNIT, code=code, name=f"{i.unit_no}单元", parent=i.building
                )
            )
            for code, i in units.items()
        }
    )
    households = {i.household_code: i for i in items if i.room}
    household_nodes = _create_missing(
        {
            code: (
                lambda i=i, code=code: build_node(
                    level=Level.HOUSEHOLD,
                    code=code,
                    name=str(i.room),
                    parent=unit_nodes[i.unit_code] if i.unit_no else i.building,
                )
            )
            for code, i in households.items()
        }
    )
    placed = {}
    for item in items:
        if item.room:
            placed[item.row] = household_nodes[item.household_code].pk
        elif item.unit_no:
            placed[item.row] = unit_nodes[item.unit_code].pk
        else:
            placed[item.row] = item.building.pk
    return placed


def _create_missing(builders: dict[str, Any]) -> dict[str, TerritoryNode]:
    """ON CONFLICT DO NOTHING on the unique code, then read back: safe when another import creates
    the same node concurrently (the insert waits for it and then skips)."""
    found = _nodes_by_code(builders)
    missing = [builders[code]() for code in sorted(builders) if code not in found]
    if missing:
        TerritoryNode.objects.bulk_create(missing, batch_size=BATCH, ignore_conflicts=True)
        found.update(_nodes_by_code([n.code for n in missing]))
    return found


def _nodes_by_code(codes: Any) -> dict[str, TerritoryNode]:
    found: dict[str, TerritoryNode] = {}
    for batch in chunked(sorted(codes)):
        found.update({n.code: n for n in TerritoryNode.objects.filter(code__in=batch).only(*NODE_FIELDS)})
    return found


def _person(item: ResidentItem) -> Person:
    """The person a written row refers to (set for every create and update by now)."""
    assert item.existing is not None
    return item.existing


def _fill_missing_pks(people: list[Person]) -> None:
    """Backends that cannot return ids from an upsert leave pk unset: read them back by index."""
    missing = {p.id_number_index: p for p in people if p.pk is None and p.id_number_index}
    for batch in chunked(sorted(k for k in missing if k)):
        for pk, index in Person.objects.filter(id_number_index__in=batch).values_list(
            "pk", "id_number_index"
        ):
            missing[index].pk = pk


def write_organisations(actor: Actor, plan: Plan) -> dict[str, int]:
    """Plain inserts and updates: the unique constraints (credit code; area+kind+name) turn a
    concurrent duplicate into an IntegrityError, which the confirm action reports as a conflict."""
    now = timezone.now()
    creates = [Organisation(**i.values) for i in plan.items if i.action == CREATE]
    Organisation.objects.bulk_create(creates, batch_size=500)
    updates = []
    for item in sorted((i for i in plan.items if i.action == UPDATE), key=lambda i: i.existing.pk):
        org = item.existing
        for key, value in item.values.items():
            setattr(org, key, value)
        org.updated_at = now
        updates.append(org)
    fields = [f.removesuffix("_id") for f in ORG_FIELDS]
    Organisation.objects.bulk_update(updates, [*fields, "updated_at"], batch_size=500)
    return plan.written()


def write_party(actor: Actor, plan: Plan) -> dict[str, int]:
    """Upsert on the person (one-to-one): a concurrent import of the same member updates, never duplicates."""
    members = [
        PartyMember(
            person_id=i.person_id,
            kind=i.kind,
            branch_id=i.branch,
            home_community_id=i.home_community,
            joined_on=i.joined_on,
            workplace=i.workplace,
        )
        for i in sorted(plan.items, key=lambda i: i.person_id)
        if i.action != UNCHANGED
    ]
    PartyMember.objects.bulk_create(
        members,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=["kind", "branch", "home_community", "joined_on", "workplace", "updated_at"],
    )
    return plan.written()


def write_buildings(actor: Actor, plan: Plan) -> dict[str, int]:
    """Upsert on the unique code; the parent and path of an existing building are never rewritten."""
    nodes = [i.node for i in sorted(plan.items, key=lambda i: i.node.code) if i.action != UNCHANGED]
    TerritoryNode.objects.bulk_create(
        nodes,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", *GEOMETRY_COLUMNS, "updated_at"],
    )
    return plan.written()
