"""Sign-up, waitlist, promotion, check-in, feedback."""

import pytest
from django.utils import timezone

from gongzhi.places import actions
from gongzhi.places.errors import AlreadySignedUp, BookingRefused, CheckinRefused, PlacesError
from gongzhi.places.models import SignUp, SignUpEvent
from gongzhi.places.tests.conftest import at, request_booking

pytestmark = pytest.mark.django_db


def test_seats_then_waitlist_then_promotion_when_someone_cancels(places, residents):
    a, b, c = (actions.signup_create(activity=places.activity, person_id=p.pk) for p in residents[:3])
    assert [a.status, b.status, c.status] == ["confirmed", "confirmed", "waitlisted"]
    promoted = actions.signup_cancel(signup=a, actor_person_id=residents[0].pk)
    assert promoted is not None
    assert promoted.pk == c.pk
    c.refresh_from_db()
    places.activity.refresh_from_db()
    assert c.status == "confirmed"
    assert places.activity.seats_taken == 2
    assert SignUpEvent.objects.filter(signup=c, note="waitlist promotion").count() == 1


def test_signing_up_twice_is_refused_clearly(places, residents):
    actions.signup_create(activity=places.activity, person_id=residents[0].pk)
    with pytest.raises(AlreadySignedUp, match="您已报名该活动"):
        actions.signup_create(activity=places.activity, person_id=residents[0].pk)
    assert SignUp.objects.filter(person=residents[0]).count() == 1


def test_a_waitlisted_person_signing_up_again_is_told_they_wait(places, residents):
    for p in residents[:3]:
        actions.signup_create(activity=places.activity, person_id=p.pk)
    with pytest.raises(AlreadySignedUp, match="候补名单"):
        actions.signup_create(activity=places.activity, person_id=residents[2].pk)


def test_after_cancelling_one_may_sign_up_again(places, residents):
    first = actions.signup_create(activity=places.activity, person_id=residents[0].pk)
    actions.signup_cancel(signup=first, actor_person_id=residents[0].pk)
    again = actions.signup_create(activity=places.activity, person_id=residents[0].pk)
    assert again.status == "confirmed"


def test_a_started_activity_takes_no_sign_ups(places, residents):
    with pytest.raises(BookingRefused, match="已开始或已结束"):
        actions.signup_create(activity=places.activity, person_id=residents[0].pk, now=at(3, 16, 30))


def test_checkin_with_the_ticket_marks_attendance_once(places, residents, actors):
    signup = actions.signup_create(activity=places.activity, person_id=residents[0].pk)
    token = actions.ticket_for(signup)
    result = actions.check_in(token=token, staff_person_id=actors.staff_a.person_id, now=at(3, 16, 5))
    signup.refresh_from_db()
    assert signup.status == "attended"
    assert signup.checked_in_at is not None
    assert result.kind == "signup"
    with pytest.raises(CheckinRefused, match="已使用"):
        actions.check_in(token=token, staff_person_id=actors.staff_a.person_id, now=at(3, 16, 6))


def test_a_forged_ticket_is_refused(places, residents, actors):
    signup = actions.signup_create(activity=places.activity, person_id=residents[0].pk)
    token = actions.ticket_for(signup)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    with pytest.raises(CheckinRefused, match="签到码无效"):
        actions.check_in(token=forged, staff_person_id=None, now=at(3, 16, 5))
    from gongzhi.places.tickets import make_token

    guessed = make_token("s", signup.pk, "0" * 32).replace(":", ":x", 1)
    with pytest.raises(CheckinRefused, match="签到码无效"):
        actions.check_in(token=guessed, staff_person_id=None, now=at(3, 16, 5))
    signup.refresh_from_db()
    assert signup.status == "confirmed"


def test_a_waitlisted_ticket_cannot_check_in(places, residents):
    for p in residents[:3]:
        actions.signup_create(activity=places.activity, person_id=p.pk)
    waiting = SignUp.objects.get(person=residents[2])
    with pytest.raises(CheckinRefused, match="候补"):
        actions.check_in(token=actions.ticket_for(waiting), staff_person_id=None, now=at(3, 16, 5))


def test_checkin_outside_the_window_is_refused(places, residents):
    signup = actions.signup_create(activity=places.activity, person_id=residents[0].pk)
    with pytest.raises(CheckinRefused, match="不在签到时间内"):
        actions.check_in(token=actions.ticket_for(signup), staff_person_id=None, now=timezone.now())


def test_booking_checkin_marks_it_used(places, residents):
    booking = request_booking(places, residents[0].pk)
    actions.check_in(token=actions.ticket_for(booking), staff_person_id=None, now=at(1, 10))
    booking.refresh_from_db()
    assert booking.status == "used"
    assert list(booking.events.values_list("to_status", flat=True)) == ["confirmed", "used"]


def test_only_attendees_rate_once(places, residents):
    signup = actions.signup_create(activity=places.activity, person_id=residents[0].pk)
    with pytest.raises(PlacesError, match="签到参加活动后"):
        actions.feedback_give(activity=places.activity, person_id=residents[0].pk, rating=5)
    actions.check_in(token=actions.ticket_for(signup), staff_person_id=None, now=at(3, 16))
    actions.feedback_give(activity=places.activity, person_id=residents[0].pk, rating=5)
    with pytest.raises(AlreadySignedUp):
        actions.feedback_give(activity=places.activity, person_id=residents[0].pk, rating=4)
    with pytest.raises(PlacesError, match="1到5"):
        actions.feedback_give(activity=places.activity, person_id=residents[1].pk, rating=9)
