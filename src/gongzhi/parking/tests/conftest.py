from datetime import date, time

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.orgs.models import Organisation
from gongzhi.parking import actions


@pytest.fixture
def unit_a(actors):
    return Organisation.objects.create(
        name="甲科技公司", kind="partner_unit", territory=actors.net.a.community
    )


@pytest.fixture
def unit_b(actors):
    return Organisation.objects.create(name="乙商场", kind="partner_unit", territory=actors.net.b.community)


def make_offer(actor, unit, *, spaces=2, weekdays="12345", start=time(19), end=time(8), title="夜间共享车位"):
    return actions.offer_save(
        actor=actor,
        organisation=unit,
        title=title,
        address="光明大道1号",
        weekdays=weekdays,
        starts_at=start,
        ends_at=end,
        spaces=spaces,
        valid_from=date(2026, 1, 1),
        valid_until=date(2030, 12, 31),
    )


@pytest.fixture
def offer(actors, unit_a):
    return make_offer(actors.staff_a, unit_a)


@pytest.fixture
def residents(actors):
    """Five residents of community A, each in their own household."""
    from conftest import make_user

    from gongzhi.territory.tests.factories import make_node

    users = []
    for i in range(5):
        household = make_node(
            "household", f"{actors.net.a.unit.code}{i + 2:02d}01", f"{i + 2}01", actors.net.a.unit
        )
        users.append(make_user(f"res{i}", f"居民{i}", Role.RESIDENT, household, household=household))
    return users


def apply(user, offer, plate, *, own=False, days="12345", start=time(19), end=time(8)):
    return actions.application_submit(
        actor=user, offer=offer, plate=plate, weekdays=days, starts_at=start, ends_at=end, has_own_space=own
    )


@pytest.fixture
def permit(actors, offer):  # type: ignore[no-untyped-def]
    """Resident A's permit (粤B12345), drawn by staff A as the only applicant."""
    from gongzhi.parking.models import ParkingPermit

    apply(actors.resident_a, offer, "粤B12345")
    actions.draw_run(actor=actors.staff_a, offer=offer)
    return ParkingPermit.objects.get()
