"""An owners' register on community A's compound: four households with hand-picked areas."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from conftest import make_user
from django.utils import timezone

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.assemblies import actions
from gongzhi.assemblies.models import Assembly, ExclusivePart, SnapshotVoter
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.models import Person
from gongzhi.people.tests.factories import make_person
from gongzhi.territory.tests.factories import make_node


@dataclass
class Register:
    compound: object
    households: list
    parts: list[ExclusivePart]
    owners: list[Person]  # owners[i] owns parts[i]
    committee: Organisation
    committee_user: User
    owner_users: list[User]


def add_households(unit, n: int, start: int = 201) -> list:
    return [make_node("household", f"{unit.code}{start + i:04d}", f"{start + i}", unit) for i in range(n)]


@pytest.fixture
def register(actors) -> Register:
    """Parts of 100, 100, 100 and 300 ㎡ (600 in all), one owner each."""
    net = actors.net
    households = add_households(net.a.unit, 4)
    areas = [Decimal("100.00"), Decimal("100.00"), Decimal("100.00"), Decimal("300.00")]
    users = [
        make_user(f"owner{i}", f"业主{i}", Role.RESIDENT, h, household=h) for i, h in enumerate(households)
    ]
    owners = [u.person for u in users]
    day = datetime.date(2026, 1, 1)
    parts = [
        actions.part_register(actor=None, household=h, area=a, owners=[o], on=day)
        for h, a, o in zip(households, areas, owners, strict=True)
    ]
    committee = Organisation.objects.create(
        name="甲社区花园业主委员会", kind=OrgKind.OWNERS_COMMITTEE, territory=net.a.compound
    )
    committee_user = make_user("owners_a", "业委会甲", None)
    RoleAssignment.objects.create(
        person=committee_user.person, role=Role.OWNERS_COMMITTEE, organisation=committee
    )
    return Register(net.a.compound, households, parts, owners, committee, committee_user, users)


def new_assembly(
    register: Register, *, matters: list[tuple[str, str]] = (("增设充电桩", "change_use"),)
) -> Assembly:
    assembly = actions.assembly_create(
        actor=None,
        compound=register.compound,
        title="2026年第一次业主大会",
        closes_at=timezone.now() + datetime.timedelta(days=7),
    )
    for title, category in matters:
        actions.matter_add(actor=None, assembly=assembly, title=title, category=category)
    return assembly


def voter_of(assembly: Assembly, person: Person) -> SnapshotVoter:
    return SnapshotVoter.objects.get(assembly=assembly, members__person=person)


def cast(assembly: Assembly, person: Person, voter: SnapshotVoter, choice="yes", picks=None, version=None):
    """`person` casts `voter`'s ballot: the same `choice` on every matter, `picks` in the elections."""
    return actions.ballot_cast(
        actor=None,
        person=person,
        assembly=assembly,
        voter_id=voter.pk,
        version=assembly.snapshot_version if version is None else version,
        choices={m.pk: choice for m in assembly.matters.all()},
        picks=picks or {},
    )


__all__ = ["add_households", "cast", "make_person", "new_assembly", "voter_of"]
