"""Points fixtures: a merchant with counter staff in community A, a volunteer, a catalogue."""

from dataclasses import dataclass

import pytest
from conftest import make_user

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.roles import Role
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.models import Person
from gongzhi.people.tests.factories import make_person
from gongzhi.points.models import CatalogueItem, Locker


@dataclass
class Bank:
    actors: object
    volunteer: Person
    merchant: Organisation
    merchant_b: Organisation
    merchant_staff: User
    merchant_staff_b: User
    rice: CatalogueItem
    haircut: CatalogueItem
    locker: Locker
    locker_item: CatalogueItem


def make_merchant_staff(username: str, merchant: Organisation) -> User:
    person = make_person(name=f"店员{username[-1]}")
    user = User.objects.create_user(username=username, password="x-pass-123456", person=person)
    RoleAssignment.objects.create(person=person, role=Role.MERCHANT_STAFF, organisation=merchant)
    return user


@pytest.fixture
def bank(actors) -> Bank:  # type: ignore[no-untyped-def]
    net = actors.net
    merchant = Organisation.objects.create(name="惠民超市", kind=OrgKind.MERCHANT, territory=net.a.community)
    merchant_b = Organisation.objects.create(
        name="乙社区理发店", kind=OrgKind.MERCHANT, territory=net.b.community
    )
    locker = Locker.objects.create(community=net.a.community, name="甲社区暖心柜", address="党群服务中心门口")
    return Bank(
        actors=actors,
        volunteer=make_person(name="志愿者小张", household=net.a.household),
        merchant=merchant,
        merchant_b=merchant_b,
        merchant_staff=make_merchant_staff("shop_a", merchant),
        merchant_staff_b=make_merchant_staff("shop_b", merchant_b),
        rice=CatalogueItem.objects.create(
            community=net.a.community, merchant=merchant, name="大米5kg", points=300, stock=5
        ),
        haircut=CatalogueItem.objects.create(
            community=net.a.community, merchant=merchant, name="理发券", points=100, stock=1
        ),
        locker=locker,
        locker_item=CatalogueItem.objects.create(
            community=net.a.community, locker=locker, name="洗衣液", points=150, stock=3
        ),
    )


__all__ = ["Bank", "make_user"]
