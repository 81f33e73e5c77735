"""A residents' council of community A with five seats (one organisation, four persons)."""

import datetime
from dataclasses import dataclass

import pytest
from conftest import make_user
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.accounts.roles import Role
from gongzhi.councils import actions
from gongzhi.councils.models import Council, Decision, Meeting, Seat
from gongzhi.orgs.models import Organisation, OrgKind


@dataclass
class World:
    council: Council
    seats: list[Seat]
    member_user: User
    property_company: Organisation
    meeting: Meeting


@pytest.fixture
def world(actors) -> World:
    net = actors.net
    council = actions.council_create(
        actor=None, name="甲社区居民议事会", kind="residents", territory=net.a.community
    )
    company = Organisation.objects.create(
        name="甲物业公司", kind=OrgKind.PROPERTY_COMPANY, territory=net.a.community
    )
    member = make_user("member_a", "代表张", Role.RESIDENT, net.a.household, household=net.a.household)
    seats = [actions.seat_add(actor=None, council=council, kind="property_company", organisation=company)]
    seats.append(actions.seat_add(actor=None, council=council, kind="resident_rep", person=member.person))
    for name in ("代表李", "代表王", "代表赵"):
        seats.append(
            actions.seat_add(
                actor=None, council=council, kind="resident_rep", person=make_user(name, name, None).person
            )
        )
    meeting = actions.meeting_schedule(
        actor=None,
        council=council,
        title="关于小区停车难",
        starts_at=timezone.now() - datetime.timedelta(days=1),
        place="党群服务中心",
    )
    return World(council, seats, member, company, meeting)


def held(world: World, present: int = 5) -> Meeting:
    """Attendance recorded with the first `present` seats there (the meeting is then held)."""
    return actions.attendance_record(
        actor=None, meeting=world.meeting, present_seat_ids={s.pk for s in world.seats[:present]}
    )


def vote(world: World, yes: int, no: int = 0, abstain: int = 0, *, text: str = "x", **extra) -> Decision:
    """A vote at the world's meeting, by majority_present unless `rule=` says otherwise."""
    extra.setdefault("rule", "majority_present")
    return actions.decision_record(
        actor=None, meeting=world.meeting, text=text, yes=yes, no=no, abstain=abstain, **extra
    )


def passed_decision(world: World, text: str, *, days: int, owner_name: str = "物业", **extra) -> Decision:
    """A unanimous vote of five present, carried by majority_present, due `days` from today."""
    deadline = timezone.localdate() + datetime.timedelta(days=days)
    return vote(world, 5, text=text, owner_name=owner_name, deadline=deadline, **extra)
