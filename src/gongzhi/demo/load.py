"""Writing a plan to the database in one transaction: bulk inserts, parents before children.

Nodes go through territory.actions.build_node (code rules, path, bbox) and people through
people.actions.apply_identity (ID check, encryption, blind index, masks), so demo rows are shaped
exactly like rows the platform writes itself."""

import datetime
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.core import audit
from gongzhi.demo.logins import DEMO_PASSWORD
from gongzhi.demo.specs import NodeSpec, Plan
from gongzhi.orgs.models import Organisation, PartyLevel, PartyOrg, Post
from gongzhi.people.actions import apply_identity
from gongzhi.people.models import PartyMember, Person, PersonTag
from gongzhi.territory.actions import build_node
from gongzhi.territory.geo_index import bump_version
from gongzhi.territory.models import LEVEL_ORDER, TerritoryNode

BATCH = 2000
ROLE_START = datetime.date(2025, 1, 6)  # a fixed past date, so the roles are active whatever the clock says
PARTY_ORDER = [lv.value for lv in PartyLevel]


def _noop(message: str) -> None:
    pass


@transaction.atomic
def load_plan(plan: Plan, *, progress: Callable[[str], None] = _noop) -> dict[str, int]:
    nodes: dict[str, TerritoryNode] = {}
    by_level: dict[str, list[NodeSpec]] = {level: [] for level in LEVEL_ORDER}
    for spec in plan.nodes:
        by_level[spec.level].append(spec)
    for level in LEVEL_ORDER:
        batch = [
            build_node(
                level=spec.level,
                code=spec.code,
                name=spec.name,
                parent=nodes[spec.parent_code] if spec.parent_code else None,
                geometry=spec.geometry,
                population=spec.population,
                registered_population=spec.registered_population,
                household_count=spec.household_count,
            )
            for spec in by_level[level]
        ]
        TerritoryNode.objects.bulk_create(batch, batch_size=BATCH)
        nodes.update((node.code, node) for node in batch)
    progress(f"区划网格 territory: {len(nodes)}")

    orgs = {
        spec.key: Organisation(
            name=spec.name,
            kind=spec.kind,
            territory=nodes[spec.territory_code],
            credit_code=spec.credit_code,
            contact_phone=spec.contact_phone,
            address=spec.address,
        )
        for spec in plan.orgs
    }
    Organisation.objects.bulk_create(orgs.values(), batch_size=BATCH)
    Serves = Organisation.serves.through
    Serves.objects.bulk_create(
        [
            Serves(organisation_id=orgs[s.key].pk, territorynode_id=nodes[c].pk)
            for s in plan.orgs
            for c in s.serves
        ],
        batch_size=BATCH,
    )

    party: dict[str, PartyOrg] = {}
    for level in PARTY_ORDER:
        batch_orgs = {
            spec.key: PartyOrg(
                name=spec.name,
                level=spec.level,
                parent=party[spec.parent_key] if spec.parent_key else None,
                territory=nodes[spec.territory_code],
                founded_on=spec.founded_on,
            )
            for spec in plan.party_orgs
            if spec.level == level
        }
        PartyOrg.objects.bulk_create(batch_orgs.values(), batch_size=BATCH)
        party.update(batch_orgs)
    progress(f"组织 organisations: {len(orgs)}, 党组织 party organisations: {len(party)}")

    persons: dict[int, Person] = {}
    for start in range(0, len(plan.persons), BATCH):
        chunk = []
        for person_spec in plan.persons[start : start + BATCH]:
            person = Person(
                name=person_spec.name,
                household=nodes[person_spec.household_code],
                residence_type=person_spec.residence_type,
                moved_in_on=person_spec.moved_in_on,
            )
            apply_identity(person, id_number=person_spec.id_number, phone=person_spec.phone)
            persons[person_spec.key] = person
            chunk.append(person)
        Person.objects.bulk_create(chunk)
    PersonTag.objects.bulk_create(
        [
            PersonTag(person=persons[p.key], tag=tag, since=since)
            for p in plan.persons
            for tag, since in p.tags
        ],
        batch_size=BATCH,
    )
    PartyMember.objects.bulk_create(
        [
            PartyMember(
                person=persons[m.person_key],
                kind=m.kind,
                branch=party[m.branch_key],
                home_community=nodes[m.home_community_code] if m.home_community_code else None,
                joined_on=m.joined_on,
                workplace=m.workplace,
            )
            for m in plan.members
        ],
        batch_size=BATCH,
    )
    Post.objects.bulk_create(
        [
            Post(
                person=persons[p.person_key],
                party_org=party[p.party_org_key] if p.party_org_key else None,
                organisation=orgs[p.org_key] if p.org_key else None,
                title=p.title,
                starts_on=p.starts_on,
            )
            for p in plan.posts
        ],
        batch_size=BATCH,
    )
    progress(f"人员 persons: {len(persons)}, 党员 party members: {len(plan.members)}")

    # One argon2 hash for all demo accounts: the password is published anyway, and hashing it
    # once instead of a dozen times saves seconds on every `make demo`.
    encoded = make_password(DEMO_PASSWORD)
    User.objects.bulk_create(
        [
            User(
                username=login.username,
                password=make_password(None) if login.phone_only else encoded,
                person=persons[login.person_key],
                is_staff=login.is_superuser,
                is_superuser=login.is_superuser,
            )
            for login in plan.logins
        ]
    )
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(
                person=persons[login.person_key],
                role=login.role,
                territory=nodes[login.territory_code] if login.territory_code else None,
                organisation=orgs[login.org_key] if login.org_key else None,
                starts_on=ROLE_START,
            )
            for login in plan.logins
        ]
    )

    bump_version()
    counts = plan.counts()
    audit.record_write(
        actor=None,
        action="demo.load",
        detail={**counts, "seed": plan.seed, "outline": plan.outline_source},
    )
    return counts
