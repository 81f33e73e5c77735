"""Places fixtures on top of the shared actors: a community centre of A with one venue and one
activity, opening 08:00-22:00 every day; `at(days, hh)` gives an aware local time."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.people.tests.factories import make_person
from gongzhi.places import actions
from gongzhi.places.models import Activity, Booking, Centre, Venue

ALL_DAY = {str(d): [["08:00", "22:00"]] for d in range(7)}


def at(days: int, hour: int, minute: int = 0) -> datetime:
    base = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days)
    return timezone.make_aware(base.replace(tzinfo=None, hour=hour, minute=minute))


@dataclass
class Places:
    centre: Centre
    venue: Venue
    activity: Activity
    org: Organisation
    now: datetime


def make_centre(net_node, name: str, lon: float, lat: float, services=(), level="community") -> Centre:  # type: ignore[no-untyped-def]
    return actions.centre_save(
        centre=Centre(
            name=name,
            level=level,
            territory=net_node,
            lon=lon,
            lat=lat,
            address=f"{name}地址",
            opening_hours=ALL_DAY,
            services=list(services),
            phone="0755-12345678",
        )
    )


def request_booking(  # type: ignore[no-untyped-def]
    places: Places, person_id: int, start=None, end=None, *, purpose: str = "会议", **kw
) -> Booking:
    """A booking of the fixture venue through the action, tomorrow 10:00-11:00 unless told."""
    return actions.booking_request(
        venue=places.venue,
        person_id=person_id,
        starts_at=start or at(1, 10),
        ends_at=end or at(1, 11),
        purpose=purpose,
        **kw,
    )


@pytest.fixture
def places(actors) -> Places:
    centre = make_centre(
        actors.net.a.community, "甲社区党群服务中心", 113.905, 22.705, ["课后托管", "法律援助"]
    )
    venue = Venue.objects.create(
        centre=centre,
        name="多功能活动室",
        capacity=30,
        slot_minutes=30,
        min_minutes=30,
        max_minutes=180,
        max_days_ahead=14,
        per_person_cap=2,
        per_org_cap=5,
    )
    activity = Activity.objects.create(
        centre=centre,
        venue=venue,
        title="四点半课堂",
        organiser="甲社区党委",
        starts_at=at(3, 16),
        ends_at=at(3, 18),
        capacity=2,
        points=10,
    )
    org = Organisation.objects.create(
        name="甲社区书法协会", kind=OrgKind.SOCIAL_ORG, territory=actors.net.a.community
    )
    return Places(centre=centre, venue=venue, activity=activity, org=org, now=timezone.now())


@pytest.fixture
def requested_booking(places, actors) -> Booking:
    """Resident A's booking of a venue that needs approval: it waits for the centre's staff."""
    places.venue.needs_approval = True
    places.venue.save()
    return request_booking(places, actors.person_a.pk)


@pytest.fixture
def residents(actors):  # type: ignore[no-untyped-def]
    return [make_person(name=f"居民{i}", household=actors.net.a.household) for i in range(4)]
