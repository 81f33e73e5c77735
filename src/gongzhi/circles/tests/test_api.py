import pytest
from conftest import PASSWORD

from gongzhi.places.models import Centre

pytestmark = pytest.mark.django_db


def test_nearest_resources_with_walking_time(client, actors, library, clinic_b):
    assert client.login(username="resident_a", password=PASSWORD)
    rows = client.get(
        "/api/v1/circles/resources/nearest", {"lon": 113.9012, "lat": 22.7012, "need": "借书"}
    ).json()
    assert [r["name"] for r in rows] == ["甲社区图书室"]
    assert rows[0]["distance_m"] == 0
    assert rows[0]["walking_min"] == 1
    bad = client.get("/api/v1/circles/resources/nearest", {"lon": 500, "lat": 22.7})
    assert bad.status_code == 422


def test_coverage_api_is_scoped(client, actors):
    Centre.objects.create(
        name="中心", level="community", territory=actors.net.a.community, lon=113.9012, lat=22.7012
    )
    assert client.login(username="street_officer", password=PASSWORD)
    data = client.get("/api/v1/circles/coverage", {"node": actors.net.street.pk}).json()
    assert (data["residents_covered"], data["residents_total"], data["buildings_covered"]) == (2, 3, 1)
    assert (
        client.get("/api/v1/circles/coverage", {"node": actors.net.street.pk, "minutes": 20}).status_code
        == 422
    )
    client.logout()
    assert client.login(username="staff_b", password=PASSWORD)
    assert client.get("/api/v1/circles/coverage", {"node": actors.net.a.community.pk}).status_code == 404
