"""A helper team in community A with three helpers (an electrician near the building, a lawyer,
one in community B's team), a catalogue, and a resident of A who orders."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from conftest import make_user

from gongzhi.accounts.models import User
from gongzhi.orgs.models import PartyOrg
from gongzhi.people.models import PartyMember, Person, PersonTag, Tag
from gongzhi.people.tests.factories import make_person
from gongzhi.service import actions, actions_teams
from gongzhi.service.models import Helper, HelperTeam, ServiceItem, ServiceOrder

# a valid 1×1 PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def order_for(actors, world, description: str, *, item: ServiceItem | None = None) -> ServiceOrder:  # type: ignore[no-untyped-def]
    """Resident A orders `item` (the repair service by default) with `description`."""
    return actions.order_submit(
        actor=actors.resident_a,
        resident=actors.resident_a.person,
        item=item or world.repair,
        description=description,
    )


@dataclass
class World:
    team_a: HelperTeam
    team_b: HelperTeam
    electrician: Helper
    lawyer: Helper
    helper_b: Helper
    electrician_user: User
    lawyer_user: User
    helper_b_user: User
    repair: ServiceItem
    legal: ServiceItem
    item_b: ServiceItem
    branch_a: PartyOrg
    member_a: PartyMember
    elder_a: Person


def _item(community, name: str, skill: str) -> ServiceItem:
    return ServiceItem.objects.create(
        community=community,
        path=community.path,
        name=name,
        skill=skill,
        hours=Decimal("2"),
        deadline_hours=48,
    )


@pytest.fixture
def world(actors) -> World:  # type: ignore[no-untyped-def]
    net = actors.net
    secretary = actors.secretary_a
    team_a = actions_teams.team_create(
        actor=secretary, community=net.a.community, name="甲社区红小二服务队", leader=secretary.person
    )
    team_b = actions_teams.team_create(
        actor=actors.staff_b, community=net.b.community, name="乙社区红小二服务队"
    )
    e_user = make_user("helper_e", "电工张", None, household=net.a.household)
    l_user = make_user("helper_l", "律师李", None, household=net.a.household)
    b_user = make_user("helper_b", "乙队员", None, household=net.b.household)
    slots = [{"day": d, "start": "18:00", "end": "22:00"} for d in range(7)]
    electrician = actions_teams.helper_add(
        actor=secretary,
        team=team_a,
        person=e_user.person,
        kind="volunteer",
        skills=["electrician", "repair"],
        slots=slots,
        areas=[net.a.building],
        public_on_poster=True,
        poster_phone="13900000001",
    )
    lawyer = actions_teams.helper_add(
        actor=secretary, team=team_a, person=l_user.person, kind="activist", skills=["legal"], slots=[]
    )
    helper_b = actions_teams.helper_add(
        actor=actors.staff_b,
        team=team_b,
        person=b_user.person,
        kind="volunteer",
        skills=["repair"],
        slots=slots,
    )
    branch_a = PartyOrg.objects.create(name="甲社区第一网格党支部", level="branch", territory=net.a.grid)
    member_person = make_person(name="党员王", household=net.a.household)
    member_a = PartyMember.objects.create(
        person=member_person,
        kind="in_service",
        branch=branch_a,
        home_community=net.a.community,
        workplace="光明区某局",
    )
    elder = make_person(name="独居陈婆婆", household=net.a.household)
    PersonTag.objects.create(person=elder, tag=Tag.ELDERLY_ALONE)
    return World(
        team_a=team_a,
        team_b=team_b,
        electrician=electrician,
        lawyer=lawyer,
        helper_b=helper_b,
        electrician_user=e_user,
        lawyer_user=l_user,
        helper_b_user=b_user,
        repair=_item(net.a.community, "家电维修", "repair"),
        legal=_item(net.a.community, "法律咨询", "legal"),
        item_b=_item(net.b.community, "家电维修", "repair"),
        branch_a=branch_a,
        member_a=member_a,
        elder_a=elder,
    )
