import pytest
from conftest import PASSWORD

from gongzhi.parking.models import ParkingApplication

pytestmark = pytest.mark.django_db


def test_resident_lists_offers_and_applies_through_the_api(client, actors, offer):
    assert client.login(username="resident_a", password=PASSWORD)
    listed = client.get("/api/v1/parking/offers").json()
    assert [o["id"] for o in listed] == [offer.pk]
    url = f"/api/v1/parking/offers/{offer.pk}/applications"
    body = {"plate": "粤B12345", "weekdays": "6", "starts_at": "09:00", "ends_at": "12:00"}
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 422
    assert "不在开放时段内" in refused.json()["detail"]
    body = {"plate": "粤B1234", "weekdays": "1", "starts_at": "20:00", "ends_at": "07:00"}
    assert client.post(url, body, content_type="application/json").status_code == 422
    body["plate"] = "粤BD12345"
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["plate"] == "粤BD12345"
    assert ParkingApplication.objects.count() == 1


def test_resident_of_another_community_gets_404(client, actors, offer):
    from conftest import make_user

    from gongzhi.accounts.roles import Role

    make_user("resident_b", "居民乙", Role.RESIDENT, actors.net.b.household, household=actors.net.b.household)
    assert client.login(username="resident_b", password=PASSWORD)
    assert client.get("/api/v1/parking/offers").json() == []
    body = {"plate": "粤B12345", "weekdays": "1", "starts_at": "20:00", "ends_at": "07:00"}
    response = client.post(
        f"/api/v1/parking/offers/{offer.pk}/applications", body, content_type="application/json"
    )
    assert response.status_code == 404
    assert not ParkingApplication.objects.exists()
