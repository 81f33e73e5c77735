"""Issue 6 acceptance on a phone: a resident finds the nearest centre from the phone's location,
books a venue, signs up for a full activity and is waitlisted, is promoted when another resident
cancels, is checked in by the centre's staff scanning the QR ticket, and sees the points."""

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from conftest import PASSWORD, make_user
from django.urls import reverse
from django.utils import timezone

import gongzhi
from gongzhi.accounts.roles import Role
from gongzhi.places import actions
from gongzhi.places.models import Activity, Booking, SignUp, Venue
from gongzhi.places.tests.conftest import make_centre

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# Leaflet and htmx are built into static_build/vendor by `make install` (npm); a checkout without
# them still runs the journey (find.js works without the map), and only their 404s are forgiven.
VENDOR_BUILT = (Path(gongzhi.__file__).parent / "static_build" / "vendor").exists()
HERE = {"geolocation": {"latitude": 22.7051, "longitude": 113.9061}, "permissions": ["geolocation"]}


def fits_phone(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"], (
        f"{page.url} overflows"
    )


def real_problems(messages: list[str]) -> list[str]:
    return [m for m in messages if VENDOR_BUILT or "/static/vendor/" not in m]


def world(actors):  # type: ignore[no-untyped-def]
    near = make_centre(
        actors.net.a.community, "甲社区党群服务中心", 113.905, 22.705, ["课后托管", "法律援助"]
    )
    make_centre(actors.net.b.community, "乙社区党群服务中心", 113.925, 22.705, ["日间照料"])
    venue = Venue.objects.create(centre=near, name="多功能活动室", capacity=30, max_days_ahead=14)
    # starts in 30 minutes: sign-up is still open and check-in (from 1 h before) already is
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=30)
    activity = Activity.objects.create(
        centre=near,
        title="亲子绘本共读",
        organiser="甲社区党委",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=1,
        points=10,
    )
    other = make_user(
        "resident_c", "居民丙", Role.RESIDENT, actors.net.a.household, household=actors.net.a.household
    )
    actions.signup_create(activity=activity, person_id=other.person_id)
    return near, venue, activity


def test_resident_finds_books_waits_is_promoted_checks_in_and_sees_points(
    browser, live_server, actors, results_dir
):
    centre, venue, activity = world(actors)
    page, problems = sign_in(browser, live_server.url, "resident_a", PASSWORD, **PHONE, **HERE)

    # find the nearest centre from the phone's location
    page.goto(reverse("places:index"))
    page.wait_for_selector("#use-my-location")
    with page.expect_navigation():
        page.click("#use-my-location")
    first = page.locator("#centre-results li").first
    assert "甲社区党群服务中心" in first.inner_text()
    assert "步行约" in first.inner_text()
    fits_phone(page)
    page.screenshot(path=str(results_dir / "places-find.png"), full_page=True)

    # book its room for tomorrow 10:00, one hour
    with page.expect_navigation():
        first.locator("a").first.click()
    with page.expect_navigation():
        page.click("a.venue-link")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page.fill("#id_day", tomorrow)
    page.fill("#id_start", "10:00")
    page.select_option("#id_minutes", "60")
    page.fill("#id_purpose", "楼栋议事会")
    page.fill("#id_attendees", "8")
    with page.expect_navigation():
        page.click("#book-submit")
    assert "预约成功" in page.inner_text(".messages")
    assert "已确认" in page.inner_text("#my-bookings")
    assert Booking.objects.get(venue=venue, person=actors.resident_a.person).status == "confirmed"
    fits_phone(page)

    # the activity is full: sign up → waitlisted
    page.goto(reverse("places:activity", args=[activity.pk]))
    with page.expect_navigation():
        page.click("#signup-button")
    assert page.get_attribute("#signup-status", "data-status") == "waitlisted"
    assert "候补" in page.inner_text(".messages")
    fits_phone(page)

    # the other resident cancels on their phone → the first on the waitlist gets the seat
    other_page, other_problems = sign_in(browser, live_server.url, "resident_c", PASSWORD, **PHONE)
    other_page.goto(reverse("places:activity", args=[activity.pk]))
    with other_page.expect_navigation():
        other_page.click("#cancel-signup")
    assert "已取消报名" in other_page.inner_text(".messages")
    other_page.context.close()

    page.reload()
    assert page.get_attribute("#signup-status", "data-status") == "confirmed"
    checkin_url = page.get_attribute("#ticket-qr", "data-checkin-url")
    assert page.locator("#ticket-qr svg").count() == 1
    page.screenshot(path=str(results_dir / "places-ticket.png"), full_page=True)

    # the centre's staff scan the ticket and confirm
    staff, staff_problems = sign_in(browser, live_server.url, "staff_a", PASSWORD, **PHONE)
    staff.goto(checkin_url)
    with staff.expect_navigation():
        staff.click("#checkin-confirm")
    assert "签到成功" in staff.inner_text("#checkin-done")
    assert "10" in staff.inner_text("#checkin-points")
    assert not real_problems(staff_problems.messages), staff_problems.messages
    # the same code again is refused (the 409 the browser logs for it is the expected answer)
    staff.goto(checkin_url)
    assert staff.locator("#checkin-confirm").count() == 1
    with staff.expect_navigation():
        staff.click("#checkin-confirm")
    assert "已使用" in staff.inner_text("#checkin-error")
    staff.context.close()

    signup = SignUp.objects.get(activity=activity, person=actors.resident_a.person)
    assert signup.status == "attended"

    # the resident sees the points on the points page
    page.goto(reverse("points:index"))
    assert page.get_attribute("#points-balance", "data-balance") == "10"
    fits_phone(page)
    for found in (problems, other_problems):
        assert not real_problems(found.messages), found.messages


def test_a_clashing_booking_shows_the_reason_on_the_phone_screen(browser, live_server, actors):
    """Issue 14: the venue page comes back with 409 and the reason in Chinese, scrolled into view."""
    centre, venue, activity = world(actors)
    day = timezone.localdate() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, time(10, 0)))
    resident_c = activity.signups.get().person_id
    actions.booking_request(
        venue=venue, person_id=resident_c, starts_at=start, ends_at=start + timedelta(hours=1), purpose="已订"
    )
    page, problems = sign_in(browser, live_server.url, "resident_a", PASSWORD, **PHONE)
    page.goto(reverse("places:venue", args=[venue.pk]))
    page.fill("#id_day", day.isoformat())
    page.fill("#id_start", "10:00")
    page.select_option("#id_minutes", "60")
    page.fill("#id_purpose", "楼栋议事会")
    page.fill("#id_attendees", "8")
    with page.expect_navigation() as answer:
        page.click("#book-submit")
    assert answer.value.status == 409
    assert "已被预约" in page.inner_text("#booking-error")
    box = page.locator("#booking-error").bounding_box()
    assert box["y"] >= 0, box
    assert box["y"] + box["height"] <= PHONE["viewport"]["height"], box
    assert page.input_value("#id_purpose") == "楼栋议事会"
    fits_phone(page)
    assert not Booking.objects.filter(venue=venue, person=actors.resident_a.person).exists()
    assert [m for m in real_problems(problems.messages) if "409" not in m] == []
    page.context.close()
