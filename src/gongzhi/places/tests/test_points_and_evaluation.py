"""Check-in awards points once (points app), the evaluation figures, the nearest-centre index."""

import pytest
from django.utils import timezone

from gongzhi.places import actions, geo, queries
from gongzhi.places.evaluation import figures
from gongzhi.places.models import Activity, Booking, Centre
from gongzhi.places.tests.conftest import at, make_centre, request_booking

pytestmark = pytest.mark.django_db


def test_activity_checkin_awards_the_activitys_points_once(places, actors):
    points = pytest.importorskip("gongzhi.points.queries")
    signup = actions.signup_create(activity=places.activity, person_id=actors.person_a.pk)
    result = actions.check_in(
        token=actions.ticket_for(signup), staff_person_id=actors.staff_a.person_id, now=at(3, 16)
    )
    assert result.points == 10
    assert points.balance(actors.person_a) == 10
    # the award is keyed on the sign-up: replaying it (e.g. a retried request) adds nothing
    actions._award(signup, places.activity)
    assert points.balance(actors.person_a) == 10


def test_month_figures_count_visits_residents_ratings_and_use(places, actors, residents):
    act = Activity.objects.create(
        centre=places.centre,
        title="义诊",
        organiser="社康",
        starts_at=at(1, 9),
        ends_at=at(1, 11),
        capacity=10,
    )
    signups = [actions.signup_create(activity=act, person_id=p.pk) for p in residents[:3]]
    for s in signups[:2]:
        actions.check_in(token=actions.ticket_for(s), staff_person_id=None, now=at(1, 9))
    actions.feedback_give(activity=act, person_id=residents[0].pk, rating=5)
    actions.feedback_give(activity=act, person_id=residents[1].pk, rating=3)
    used = request_booking(places, residents[0].pk, at(1, 12), at(1, 13), purpose="会")
    actions.check_in(token=actions.ticket_for(used), staff_person_id=None, now=at(1, 12))
    missed = request_booking(places, residents[1].pk, at(1, 14), at(1, 15), purpose="会")
    actions.booking_transition(booking=missed, to="no_show", actor_person_id=None)
    month = timezone.localtime(at(1, 9)).date().replace(day=1)
    [fig] = figures(places.centre, [month], now=at(2, 0))
    assert fig.visits == 3  # two check-ins + one used booking
    assert fig.unique_residents == 2
    assert fig.repeat_visitors == 1  # residents[0] came twice
    assert fig.rating == 4.0
    assert fig.satisfied_share == 0.5
    assert fig.booking_use_rate == 0.5
    assert Booking.objects.count() == 2


def test_nearest_is_sorted_and_sees_a_new_centre_after_the_version_bump(places, actors):
    far = make_centre(actors.net.b.community, "乙社区中心", 113.95, 22.70)
    found = queries.nearest_centres(113.9051, 22.7051, limit=5)
    assert [c.pk for c, _m in found] == [places.centre.pk, far.pk]
    assert found[0][1] < 50
    near = make_centre(actors.net.a.community, "甲社区微站点", 113.9052, 22.7052, level="micro_station")
    assert queries.nearest_centres(113.9052, 22.7052, limit=1)[0][0].pk == near.pk
    Centre.objects.filter(pk=near.pk).update(active=False)
    geo.CENTRE_INDEX.bump()  # update() sends no signal
    assert near.pk not in [c.pk for c, _m in queries.nearest_centres(113.9052, 22.7052, limit=5)]


def test_a_centre_found_in_one_test(actors):
    """With the next test: the index built here, with this test's centre, is not what the next
    test sees once this test's transaction rolls back (core.cache; no fixture resets the index)."""
    lone = make_centre(actors.net.b.community, "只在本测试中的中心", 113.99, 22.79)
    assert [c.pk for c, _m in queries.nearest_centres(113.99, 22.79, limit=1)] == [lone.pk]


def test_is_gone_in_the_next(actors):
    assert "只在本测试中的中心" not in [c.name for c, _m in queries.nearest_centres(113.99, 22.79, limit=5)]


def test_walking_model_is_great_circle_times_detour_at_4_5_kmh():
    assert geo.walking_metres(1000) == 1300
    assert geo.walking_minutes(1000) == 18  # 1300 m / 75 m per minute = 17.3 → 18
    got = geo.haversine_m(
        113.9, 22.7, __import__("numpy").array([113.9]), __import__("numpy").array([22.709])
    )[0]
    assert 995 < got < 1005  # 0.009° of latitude ≈ 1 km
