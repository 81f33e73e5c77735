"""Real concurrency on PostgreSQL: many simultaneous bookings of one slot and sign-ups for the last
seat; exactly one wins, the rest are told why, and no row is left half-written."""

import pytest
from django.db import IntegrityError, connection, transaction

from gongzhi.core.testing import run_together
from gongzhi.people.tests.factories import make_person
from gongzhi.places import actions
from gongzhi.places.errors import PlacesError, SlotTaken
from gongzhi.places.models import Activity, Booking, BookingEvent, SignUp
from gongzhi.places.tests.conftest import at, request_booking

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_twenty_simultaneous_bookings_of_one_slot_confirm_exactly_one(places, actors):
    people = [make_person(name=f"抢场{i}", household=actors.net.a.household) for i in range(20)]

    def attempt(i: int):  # type: ignore[no-untyped-def]
        return request_booking(places, people[i].pk, purpose="抢场")

    results = run_together(20, attempt, join_s=60)
    winners = [r for r in results if isinstance(r, Booking)]
    losers = [r for r in results if isinstance(r, SlotTaken)]
    assert (len(winners), len(losers)) == (1, 19), results
    assert Booking.objects.count() == 1
    assert BookingEvent.objects.count() == 1


def test_the_exclusion_constraint_refuses_an_overlap_written_around_the_actions(places, actors):
    booking = request_booking(places, actors.person_a.pk)
    with pytest.raises(IntegrityError, match="places_booking_no_overlap"), transaction.atomic():
        Booking.objects.create(
            venue=places.venue,
            person=actors.person_b,
            starts_at=at(1, 10, 30),
            ends_at=at(1, 11, 30),
            purpose="绕过检查",
            status="confirmed",
        )
    # a cancelled row does not hold the slot, so the constraint lets it be
    Booking.objects.create(
        venue=places.venue,
        person=actors.person_b,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        purpose="已取消",
        status="cancelled",
    )


def test_the_last_seat_goes_to_exactly_one_of_twenty(places, actors):
    Activity.objects.filter(pk=places.activity.pk).update(capacity=1)
    people = [make_person(name=f"抢座{i}", household=actors.net.a.household) for i in range(20)]
    results = run_together(
        20, lambda i: actions.signup_create(activity=places.activity, person_id=people[i].pk), join_s=60
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(r.status for r in results)
    assert statuses.count("confirmed") == 1
    assert statuses.count("waitlisted") == 19
    places.activity.refresh_from_db()
    assert places.activity.seats_taken == 1


def test_the_same_person_signing_up_twice_at_once_gets_one_row(places, actors):
    results = run_together(
        5, lambda _i: actions.signup_create(activity=places.activity, person_id=actors.person_a.pk), join_s=60
    )
    assert sum(isinstance(r, SignUp) for r in results) == 1
    assert all(isinstance(r, SignUp | PlacesError) for r in results), results
    assert SignUp.objects.filter(person=actors.person_a).count() == 1


def test_simultaneous_cancel_promotes_each_waiting_person_once(places, actors):
    people = [make_person(name=f"候补{i}", household=actors.net.a.household) for i in range(4)]
    signups = [actions.signup_create(activity=places.activity, person_id=p.pk) for p in people]
    assert [s.status for s in signups] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    run_together(
        2, lambda i: actions.signup_cancel(signup=signups[i], actor_person_id=people[i].pk), join_s=60
    )
    assert sorted(SignUp.objects.values_list("status", flat=True)) == [
        "cancelled",
        "cancelled",
        "confirmed",
        "confirmed",
    ]
    places.activity.refresh_from_db()
    assert places.activity.seats_taken == 2
