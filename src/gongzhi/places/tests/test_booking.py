"""Booking rules, states and recurring series (both databases)."""

from datetime import timedelta

import pytest

from gongzhi.places import actions
from gongzhi.places.errors import BookingRefused, InvalidTransition, SeriesClash, SlotTaken
from gongzhi.places.models import Booking, BookingEvent, BookingSeries
from gongzhi.places.tests.conftest import at, request_booking
from gongzhi.places.workflow import BookingStatus

pytestmark = pytest.mark.django_db


def book(places, person, start, end, **kw):  # type: ignore[no-untyped-def]
    return request_booking(places, person.pk, start, end, purpose="读书会", **kw)


def test_a_free_slot_is_confirmed_at_once_with_an_event(places, residents):
    booking = book(places, residents[0], at(1, 10), at(1, 11))
    assert booking.status == BookingStatus.CONFIRMED
    assert list(BookingEvent.objects.filter(booking=booking).values_list("from_status", "to_status")) == [
        ("", "confirmed")
    ]


def test_a_venue_that_needs_approval_holds_the_slot_as_requested(places, residents, actors):
    places.venue.needs_approval = True
    places.venue.save()
    booking = book(places, residents[0], at(1, 10), at(1, 11))
    assert booking.status == BookingStatus.REQUESTED
    with pytest.raises(SlotTaken):
        book(places, residents[1], at(1, 10, 30), at(1, 11, 30))
    confirmed = actions.booking_transition(
        booking=booking, to="confirmed", actor_person_id=actors.staff_a.person_id
    )
    assert confirmed.status == "confirmed"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ((1, 11), (1, 10), "结束时间必须晚于开始时间"),
        ((-1, 10), (-1, 11), "不能预约已经过去的时间"),
        ((20, 10), (20, 11), "最多只能提前14天预约"),
        ((1, 7), (1, 8), "不在场地开放时间内"),
        ((1, 21), (1, 23), "不在场地开放时间内"),
        ((1, 10, 10), (1, 11, 10), "开始时间须按30分钟为单位"),
        ((1, 10), (1, 14), "时长须在30到180分钟之间"),
    ],
)
def test_bad_times_are_refused_with_a_chinese_reason_and_nothing_stored(
    places, residents, start, end, message
):
    with pytest.raises(BookingRefused) as info:
        book(places, residents[0], at(*start), at(*end))
    assert message in info.value.message
    assert not Booking.objects.exists()


def test_a_closed_date_refuses_bookings(places, residents):
    places.venue.closed_dates = [at(2, 10).date().isoformat()]
    places.venue.save()
    with pytest.raises(BookingRefused, match="闭馆"):
        book(places, residents[0], at(2, 10), at(2, 11))


def test_an_overlapping_booking_is_refused_but_a_touching_one_is_fine(places, residents):
    book(places, residents[0], at(1, 10), at(1, 11))
    with pytest.raises(SlotTaken, match="该时段已被预约"):
        book(places, residents[1], at(1, 10, 30), at(1, 11, 30))
    assert book(places, residents[1], at(1, 11), at(1, 12)).status == "confirmed"


def test_a_cancelled_booking_frees_its_slot(places, residents):
    first = book(places, residents[0], at(1, 10), at(1, 11))
    actions.booking_cancel(booking=first, actor_person_id=residents[0].pk)
    assert book(places, residents[1], at(1, 10), at(1, 11)).status == "confirmed"


def test_the_per_person_cap_counts_live_bookings(places, residents):
    book(places, residents[0], at(1, 10), at(1, 11))
    book(places, residents[0], at(2, 10), at(2, 11))
    with pytest.raises(BookingRefused, match="每人最多同时持有2个"):
        book(places, residents[0], at(3, 10), at(3, 11))


def test_the_transition_table_refuses_a_move_out_of_a_final_state(places, residents):
    booking = book(places, residents[0], at(1, 10), at(1, 11))
    actions.booking_cancel(booking=booking, actor_person_id=residents[0].pk)
    with pytest.raises(InvalidTransition):
        actions.booking_transition(booking=booking, to="confirmed", actor_person_id=None)
    assert list(booking.events.values_list("to_status", flat=True)) == ["confirmed", "cancelled"]


def series(places, person, first, count=4, **kw):  # type: ignore[no-untyped-def]
    return actions.booking_series_request(
        venue=places.venue,
        person_id=person.pk,
        organisation_id=places.org.pk,
        first_start=first,
        minutes=60,
        every_days=7,
        count=count,
        purpose="书法协会周练",
        **kw,
    )


def test_a_weekly_series_books_every_meeting_at_the_same_wall_time(places, residents):
    made = series(places, residents[0], at(1, 19))
    starts = list(Booking.objects.filter(series=made).values_list("starts_at", flat=True))
    assert starts == [at(1, 19) + timedelta(days=7 * i) for i in range(4)]


def test_an_overlapping_series_is_refused_listing_the_clashing_dates_and_nothing_is_stored(places, residents):
    book(places, residents[1], at(8, 19, 30), at(8, 20, 30))
    with pytest.raises(SeriesClash) as info:
        series(places, residents[0], at(1, 19))
    assert info.value.details == [f"{at(8, 19, 30):%Y-%m-%d %H:%M}"]
    assert f"{at(8, 19, 30):%Y-%m-%d}" in info.value.message
    assert not BookingSeries.objects.exists()
    assert Booking.objects.count() == 1


def test_the_organisation_cap_counts_the_whole_series(places, residents):
    with pytest.raises(BookingRefused, match="每个单位最多同时持有5个"):
        series(places, residents[0], at(1, 19), count=6)
