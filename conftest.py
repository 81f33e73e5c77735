"""Shared actors: "someone who may" and "someone who may not", on a small real net."""

from dataclasses import dataclass

import pytest

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.people.models import Person
from gongzhi.people.tests.factories import make_person
from gongzhi.territory.tests.factories import Net, make_net

PASSWORD = "correct-horse-battery-9"


@dataclass
class Actors:
    net: Net
    resident_a: User
    staff_a: User
    secretary_a: User
    staff_b: User
    street_officer: User
    department_handler: User
    platform_admin: User
    person_a: Person  # a resident of community A with ID number and phone
    person_b: Person  # a resident of community B


def make_user(username: str, name: str, role: str | None, territory=None, household=None) -> User:  # type: ignore[no-untyped-def]
    person = make_person(name=name, household=household)
    user = User.objects.create_user(username=username, password=PASSWORD, person=person)
    if role:
        RoleAssignment.objects.create(person=person, role=role, territory=territory)
    return user


@pytest.fixture
def net(db) -> Net:  # type: ignore[no-untyped-def]
    return make_net()


@pytest.fixture
def actors(net: Net) -> Actors:
    resident_a = make_user("resident_a", "居民甲", Role.RESIDENT, net.a.household, household=net.a.household)
    return Actors(
        net=net,
        resident_a=resident_a,
        staff_a=make_user("staff_a", "社工甲", Role.COMMUNITY_STAFF, net.a.community),
        secretary_a=make_user("secretary_a", "书记甲", Role.COMMUNITY_SECRETARY, net.a.community),
        staff_b=make_user("staff_b", "社工乙", Role.COMMUNITY_STAFF, net.b.community),
        street_officer=make_user("street_officer", "街道干部", Role.STREET_OFFICER, net.street),
        department_handler=make_user("dept_handler", "城管办理人", Role.DEPARTMENT_HANDLER, net.district),
        platform_admin=make_user("platform_admin", "平台管理员", Role.PLATFORM_ADMIN, None),
        person_a=make_person(name="王秀英", household=net.a.household, id_number="440306195003070020"),
        person_b=make_person(name="李建国", household=net.b.household),
    )


@pytest.fixture(autouse=True)
def _fresh_geo_index():
    """The cached STRtree is keyed by GeoIndexVersion, which test rollbacks rewind: start clean."""
    from gongzhi.territory import geo_index

    geo_index._cached = None
    yield
    geo_index._cached = None
