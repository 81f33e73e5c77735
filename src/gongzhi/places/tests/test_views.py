"""Pages end to end through the test client: find, book, sign up, check in, calendar, ICS; the
outsider cases get 404 and change nothing."""

import pytest
import time_machine
from conftest import PASSWORD
from django.urls import reverse

from gongzhi.places import actions
from gongzhi.places.models import Booking, SignUp
from gongzhi.places.tests.conftest import at, make_centre, request_booking

pytestmark = pytest.mark.django_db


def login(client, user):  # type: ignore[no-untyped-def]
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_find_by_pin_lists_nearest_with_walking_time(client, actors, places):
    make_centre(actors.net.b.community, "乙社区党群服务中心", 113.925, 22.705, ["日间照料"])
    login(client, actors.resident_a)
    page = client.get(reverse("places:index"), {"lon": 113.906, "lat": 22.705})
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("甲社区党群服务中心") < text.index("乙社区党群服务中心")
    assert "步行约" in text


def test_find_by_need_in_english_or_chinese(client, actors, places):
    make_centre(actors.net.b.community, "乙社区党群服务中心", 113.925, 22.705, ["日间照料"])
    login(client, actors.resident_a)
    for need in ("day care", "日间照料"):
        text = client.get(
            reverse("places:index"), {"lon": 113.906, "lat": 22.705, "q": need}
        ).content.decode()
        assert "乙社区党群服务中心" in text
        assert "甲社区党群服务中心" not in text


def test_find_by_address_uses_the_building_coordinates(client, actors, places):
    login(client, actors.resident_a)
    page = client.get(reverse("places:index"), {"address": "甲社区花园1栋"})
    assert page.status_code == 200
    assert "甲社区党群服务中心" in page.content.decode()


def test_an_unknown_address_gets_a_clear_400(client, actors, places):
    login(client, actors.resident_a)
    page = client.get(reverse("places:index"), {"address": "不存在的地方"})
    assert page.status_code == 400
    assert "没有找到这个地址" in page.content.decode()


def test_booking_through_the_page_and_a_bad_one_gets_the_reason(client, actors, places):
    login(client, actors.resident_a)
    url = reverse("places:book", args=[places.venue.pk])
    day = at(1, 10).date().isoformat()
    ok = client.post(url, {"day": day, "start": "10:00", "minutes": 60, "purpose": "读书会", "attendees": 5})
    assert ok.status_code == 302
    assert Booking.objects.filter(person=actors.resident_a.person, status="confirmed").count() == 1
    clash = client.post(
        url, {"day": day, "start": "10:30", "minutes": 60, "purpose": "读书会", "attendees": 5}
    )
    assert clash.status_code == 409
    assert "该时段已被预约" in clash.content.decode()
    early = client.post(url, {"day": day, "start": "06:00", "minutes": 60, "purpose": "晨练", "attendees": 5})
    assert early.status_code == 422
    assert Booking.objects.count() == 1


def test_staff_see_the_evaluation_first_and_residents_do_not(client, actors, places):
    login(client, actors.staff_a)
    text = client.get(reverse("places:centre", args=[places.centre.pk])).content.decode()
    assert text.index("中心评价") < text.index("开放时间")
    client.logout()
    login(client, actors.resident_a)
    assert "中心评价" not in client.get(reverse("places:centre", args=[places.centre.pk])).content.decode()


def test_sign_up_twice_through_the_page_shows_the_message(client, actors, places):
    login(client, actors.resident_a)
    url = reverse("places:signup", args=[places.activity.pk])
    client.post(url)
    again = client.post(url, follow=True)
    assert "您已报名该活动" in again.content.decode()
    assert SignUp.objects.filter(person=actors.resident_a.person).count() == 1


def test_staff_check_in_through_the_ticket_url_and_outsiders_get_404(client, actors, places):
    signup = actions.signup_create(activity=places.activity, person_id=actors.resident_a.person_id)
    url = reverse("places:checkin", args=[actions.ticket_for(signup)])
    with time_machine.travel(at(3, 16, 1)):
        login(client, actors.staff_b)
        assert client.post(url).status_code == 404
        signup.refresh_from_db()
        assert signup.status == "confirmed"
        client.logout()
        login(client, actors.staff_a)
        assert "确认签到" in client.get(url).content.decode()
        done = client.post(url)
        assert done.status_code == 200
        assert "签到成功" in done.content.decode()
        assert client.post(url).status_code == 409  # reused
    signup.refresh_from_db()
    assert signup.status == "attended"
    from gongzhi.core.models import AuditEntry

    assert (
        AuditEntry.objects.filter(
            action="places.check_in", object_id=str(signup.pk), actor=actors.staff_a
        ).count()
        == 1
    )


def test_another_residents_booking_cannot_be_cancelled(client, actors, places):
    booking = request_booking(places, actors.person_b.pk)
    login(client, actors.resident_a)
    assert client.post(reverse("places:booking_cancel", args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_staff_of_another_community_cannot_decide_bookings(client, actors, places, requested_booking):
    booking = requested_booking
    login(client, actors.staff_b)
    assert (
        client.post(reverse("places:booking_decide", args=[booking.pk]), {"to": "confirmed"}).status_code
        == 404
    )
    booking.refresh_from_db()
    assert booking.status == "requested"


def test_calendar_ics_and_my_activities(client, actors, places):
    actions.signup_create(activity=places.activity, person_id=actors.resident_a.person_id)
    login(client, actors.resident_a)
    month = at(3, 16).strftime("%Y-%m")
    assert "四点半课堂" in client.get(reverse("places:calendar"), {"month": month}).content.decode()
    ics = client.get(reverse("places:activity_ics", args=[places.activity.pk]))
    assert b"BEGIN:VEVENT" in ics.content
    assert "四点半课堂".encode() in ics.content
    mine = client.get(reverse("places:mine"))
    assert "<svg" in mine.content.decode()
    feed_url = mine.context["feed_url"]
    client.logout()
    feed = client.get(feed_url.replace("http://testserver", ""))
    assert "四点半课堂".encode() in feed.content
    assert client.get(reverse("places:feed", args=["forged"])).status_code == 404


def test_staff_publish_an_activity_that_books_its_venue_and_outsiders_get_404(client, actors, places):
    url = reverse("places:activity_new", args=[places.centre.pk])
    day = at(2, 10).date().isoformat()
    data = {
        "title": "插花课",
        "kind": "culture",
        "audience": "all",
        "organiser": "甲社区党委",
        "venue": places.venue.pk,
        "day": day,
        "start": "10:00",
        "end": "11:30",
        "capacity": 12,
        "points": 5,
        "description": "",
    }
    login(client, actors.staff_b)
    assert client.post(url, data).status_code == 404
    client.logout()
    login(client, actors.staff_a)
    assert client.post(url, data).status_code == 302
    assert Booking.objects.filter(venue=places.venue, purpose="插花课", status="confirmed").count() == 1
    clash = client.post(url, data | {"title": "又一课"})
    assert clash.status_code == 409
    assert "已被预约" in clash.content.decode()
    with pytest.raises(Exception, match="该时段已被预约"):
        request_booking(places, actors.person_a.pk, at(2, 11), at(2, 12), purpose="撞车")


def test_an_organisation_member_books_a_series_and_a_clash_lists_the_dates(client, actors, places):
    from gongzhi.accounts.models import RoleAssignment

    RoleAssignment.objects.create(person=actors.resident_a.person, role="volunteer", organisation=places.org)
    request_booking(places, actors.person_b.pk, at(8, 19), at(8, 20), purpose="x")
    login(client, actors.resident_a)
    assert "单位周期预约" in client.get(reverse("places:venue", args=[places.venue.pk])).content.decode()
    data = {
        "series-organisation": places.org.pk,
        "series-first_day": at(1, 19).date().isoformat(),
        "series-start": "19:00",
        "series-minutes": 60,
        "series-every_days": 7,
        "series-count": 3,
        "series-purpose": "书法周练",
    }
    clash = client.post(reverse("places:book_series", args=[places.venue.pk]), data)
    assert clash.status_code == 409
    assert f"{at(8, 19):%Y-%m-%d %H:%M}" in clash.content.decode()
    assert Booking.objects.count() == 1
    data["series-first_day"] = at(2, 19).date().isoformat()
    assert client.post(reverse("places:book_series", args=[places.venue.pk]), data).status_code == 302
    assert Booking.objects.filter(series__isnull=False).count() == 3


def test_a_resident_without_an_organisation_sees_no_series_form(client, actors, places):
    login(client, actors.resident_a)
    assert "单位周期预约" not in client.get(reverse("places:venue", args=[places.venue.pk])).content.decode()
    assert client.post(reverse("places:book_series", args=[places.venue.pk]), {}).status_code == 404


def test_staff_see_the_centres_they_manage_on_the_find_page_and_others_do_not(client, actors, places):
    make_centre(actors.net.b.community, "乙社区党群服务中心", 113.925, 22.705)
    login(client, actors.staff_a)
    text = client.get(reverse("places:index")).content.decode()
    assert "我管理的中心" in text
    assert "甲社区党群服务中心" in text
    assert "乙社区党群服务中心" not in text
    client.logout()
    login(client, actors.resident_a)
    assert "我管理的中心" not in client.get(reverse("places:index")).content.decode()


def test_the_staff_centre_page_costs_a_fixed_number_of_queries(
    client, actors, places, residents, django_assert_max_num_queries
):
    for p in residents:
        actions.signup_create(activity=places.activity, person_id=p.pk)
    login(client, actors.staff_a)
    url = reverse("places:centre", args=[places.centre.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_find_lists_resources_of_the_circles_library_too(client, actors, places):
    circles = pytest.importorskip("gongzhi.circles.models")
    circles.Resource.objects.create(
        name="甲社区社康中心",
        kind="clinic",
        territory=actors.net.a.community,
        lon=113.9062,
        lat=22.7052,
        uses="健康义诊、慢病随访",
    )
    login(client, actors.resident_a)
    text = client.get(reverse("places:index"), {"lon": 113.906, "lat": 22.705}).content.decode()
    assert "附近的服务资源" in text
    assert "甲社区社康中心" in text


def test_staff_confirm_a_requested_booking_on_the_centre_page(client, actors, places, requested_booking):
    from gongzhi.core.models import AuditEntry

    booking = requested_booking
    login(client, actors.staff_a)
    assert "待审核预约" in client.get(reverse("places:centre", args=[places.centre.pk])).content.decode()
    assert (
        client.post(reverse("places:booking_decide", args=[booking.pk]), {"to": "confirmed"}).status_code
        == 302
    )
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert (
        AuditEntry.objects.filter(action="places.booking_transition", object_id=str(booking.pk)).count() == 1
    )
    assert client.post(reverse("places:booking_decide", args=[booking.pk]), {"to": "used"}).status_code == 400


def test_an_attendee_rates_through_the_page(client, actors, places):
    signup = actions.signup_create(activity=places.activity, person_id=actors.resident_a.person_id)
    actions.check_in(token=actions.ticket_for(signup), staff_person_id=None, now=at(3, 16))
    login(client, actors.resident_a)
    page = client.post(
        reverse("places:feedback", args=[places.activity.pk]), {"rating": 4, "comment": "不错"}, follow=True
    )
    assert "感谢您的评价" in page.content.decode()
    assert places.activity.feedback.get().rating == 4
