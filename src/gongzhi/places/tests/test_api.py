"""The JSON API: statuses and messages of each refusal, and nothing changes on a refusal."""

import pytest
import time_machine
from conftest import PASSWORD

from gongzhi.accounts.models import RoleAssignment
from gongzhi.places import actions
from gongzhi.places.models import Booking, BookingSeries
from gongzhi.places.tests.conftest import at, request_booking

pytestmark = pytest.mark.django_db
API = "/api/v1/places"


@pytest.fixture
def resident(client, actors):  # type: ignore[no-untyped-def]
    assert client.login(username="resident_a", password=PASSWORD)
    return client


def test_nearest_answers_with_walking_figures(resident, places):
    got = resident.get(
        f"{API}/centres/nearest", {"lon": 113.9051, "lat": 22.7051, "need": "legal aid"}
    ).json()
    assert got[0]["id"] == places.centre.pk
    assert got[0]["walk_min"] >= 1
    assert (
        resident.get(f"{API}/centres/nearest", {"lon": 113.9, "lat": 22.7, "need": "日间照料"}).json() == []
    )


def test_book_then_clash_then_bad_input(resident, places):
    url = f"{API}/venues/{places.venue.pk}/bookings"
    body = {"starts_at": at(1, 10).isoformat(), "ends_at": at(1, 11).isoformat(), "purpose": "读书会"}
    assert resident.post(url, body, content_type="application/json").status_code == 201
    clash = resident.post(url, body, content_type="application/json")
    assert clash.status_code == 409
    assert "已被预约" in clash.json()["detail"]
    backwards = body | {"ends_at": at(1, 9).isoformat()}
    bad = resident.post(url, backwards, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["detail"] == "结束时间必须晚于开始时间"
    assert Booking.objects.count() == 1


def test_series_needs_a_role_in_the_organisation_and_lists_clashes(resident, actors, places):
    url = f"{API}/venues/{places.venue.pk}/series"
    body = {
        "organisation_id": places.org.pk,
        "first_start": at(1, 19).isoformat(),
        "minutes": 60,
        "count": 3,
        "purpose": "周练",
    }
    assert resident.post(url, body, content_type="application/json").status_code == 404
    RoleAssignment.objects.create(person=actors.resident_a.person, role="volunteer", organisation=places.org)
    request_booking(places, actors.person_b.pk, at(8, 19), at(8, 20), purpose="x")
    clash = resident.post(url, body, content_type="application/json")
    assert clash.status_code == 409
    assert clash.json()["details"] == [f"{at(8, 19):%Y-%m-%d %H:%M}"]
    assert not BookingSeries.objects.exists()
    ok = resident.post(url, body | {"first_start": at(2, 19).isoformat()}, content_type="application/json")
    assert ok.status_code == 201
    assert len(ok.json()["bookings"]) == 3


def test_signup_twice_is_409_and_checkin_reuse_is_409(resident, client, actors, places):
    url = f"{API}/activities/{places.activity.pk}/signups"
    first = resident.post(url)
    assert first.status_code == 201
    again = resident.post(url)
    assert again.status_code == 409
    assert "请勿重复报名" in again.json()["detail"]
    from gongzhi.places.models import SignUp

    token = actions.ticket_for(SignUp.objects.get(pk=first.json()["id"]))
    client.logout()
    with time_machine.travel(at(3, 16)):  # sessions are short-lived: sign in inside the travel
        assert client.login(username="staff_b", password=PASSWORD)
        assert (
            client.post(f"{API}/checkin", {"token": token}, content_type="application/json").status_code
            == 409
        )
        client.logout()
        assert client.login(username="staff_a", password=PASSWORD)
        done = client.post(f"{API}/checkin", {"token": token}, content_type="application/json")
        assert done.status_code == 200
        assert done.json()["status"] == "attended"
        assert (
            client.post(f"{API}/checkin", {"token": token}, content_type="application/json").status_code
            == 409
        )
