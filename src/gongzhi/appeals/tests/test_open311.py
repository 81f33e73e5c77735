import json
import os
from pathlib import Path

import pytest

from gongzhi.accounts.actions import token_create
from gongzhi.appeals.intake import appeal_submit
from gongzhi.appeals.models import Appeal

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

BASE = "/open311/v2/"
IN_A = {"lat": "22.7012", "long": "113.9012"}


def _schema_dir() -> Path | None:
    candidates = [Path(__file__).resolve().parents[4].parent / "shared/data/open311/schema-georeport-v2"]
    if os.environ.get("GONGZHI_SHARED_DATA"):
        candidates.insert(0, Path(os.environ["GONGZHI_SHARED_DATA"]) / "open311/schema-georeport-v2")
    return next((p for p in candidates if (p / "request.json").exists()), None)


SCHEMAS = _schema_dir()


def validate(data, name: str) -> None:
    if SCHEMAS is None:
        pytest.skip(
            "Open311 schemas not found: put shared/data/open311/ next to the repository or set GONGZHI_SHARED_DATA"
        )
    resources = [
        (
            f.name,
            referencing.Resource.from_contents(
                json.loads(f.read_text()), default_specification=referencing.jsonschema.DRAFT7
            ),
        )
        for f in SCHEMAS.glob("*.json")
        if f.name != "swagger.json"
    ]
    registry = referencing.Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / name).read_text())
    validator = jsonschema.Draft7Validator(
        schema, registry=registry, format_checker=jsonschema.FormatChecker()
    )
    validator.validate(data)


@pytest.fixture
def api_key(actors):
    _token, raw = token_create(actor=actors.staff_a, name="open311")
    return raw


def test_discovery_lists_the_v2_endpoint(client, world):
    data = client.get(BASE + "discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["formats"] == ["application/json"]


def test_services_are_level_three_categories_and_validate(client, world):
    data = client.get(BASE + "services.json").json()
    validate(data, "services.json")
    by_code = {s["service_code"]: s for s in data}
    assert set(by_code) == {str(world.cat_urban.pk), str(world.cat_other.pk)}
    service = by_code[str(world.cat_urban.pk)]
    assert (service["service_name"], service["group"], service["metadata"], service["type"]) == (
        "占道经营",
        "城乡建设",
        False,
        "realtime",
    )


def test_a_service_definition_has_no_attributes_and_an_unknown_code_is_404_in_open311_format(client, world):
    data = client.get(f"{BASE}services/{world.cat_urban.pk}.json").json()
    validate(data, "service-definition.json")
    assert data == {"service_code": str(world.cat_urban.pk), "attributes": []}
    missing = client.get(f"{BASE}services/{world.cat_urban.parent.pk}.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404


def test_post_without_api_key_is_403_in_open311_format_and_nothing_is_stored(client, actors, world):
    body = {"service_code": world.cat_urban.pk, "description": "路面坑洼", **IN_A}
    response = client.post(BASE + "requests.json", body)
    assert response.status_code == 403
    assert response.json() == [{"code": 403, "description": "需要有效的api_key"}]
    client.force_login(actors.staff_a)  # a session cookie never authorises a CSRF-exempt write
    assert client.post(BASE + "requests.json", body).status_code == 403
    assert client.post(BASE + "requests.json", {**body, "api_key": "gz_wrong"}).status_code == 403
    assert Appeal.objects.count() == 0


def test_post_creates_a_routed_appeal_on_the_open311_channel(client, actors, world, api_key):
    body = {
        "api_key": api_key,
        "service_code": world.cat_urban.pk,
        "description": "路口有人占道摆摊",
        "first_name": "先生",
        "last_name": "王",
        "phone": "13800138000",
        "email": "a@b.c",
        "media_url": "http://example.com/x.jpg",
        **IN_A,
    }
    response = client.post(BASE + "requests.json", body)
    assert response.status_code == 201, response.content
    [created] = response.json()
    appeal = Appeal.objects.get(number=created["service_request_id"])
    assert (appeal.channel, appeal.category, appeal.department) == ("open311", world.cat_urban, world.urban)
    assert appeal.contact_name == "王先生"
    assert appeal.contact_phone_masked == "138****8000"
    assert "城市管理" in created["service_notice"]


def test_post_with_bad_input_is_400_in_open311_format(client, world, api_key):
    bad = [
        {"service_code": "999999", "description": "x", **IN_A},
        {"service_code": world.cat_urban.pk, "description": "没有位置"},
        {"service_code": world.cat_urban.pk, "description": "x", "lat": "北纬", "long": "1"},
        {"service_code": world.cat_urban.pk, "description": "界外", "lat": "10", "long": "100"},
    ]
    for body in bad:
        response = client.post(BASE + "requests.json", {"api_key": api_key, **body})
        assert response.status_code == 400, body
        [err] = response.json()
        assert err["code"] == 400
    assert Appeal.objects.count() == 0


def test_get_requests_validates_filters_and_is_scoped(client, actors, world, api_key):
    mine = appeal_submit(
        actor=None, channel="api", text="甲社区的事", category=world.cat_urban, lon=113.9012, lat=22.7012
    )
    appeal_submit(
        actor=None, channel="api", text="乙社区的事", category=world.cat_urban, lon=113.9212, lat=22.7012
    )
    rows = client.get(BASE + "requests.json", {"api_key": api_key}).json()
    validate(rows, "requests.json")
    assert [r["service_request_id"] for r in rows] == [mine.appeal.number]
    assert rows[0]["status"] == "open"
    assert rows[0]["agency_responsible"] == world.urban.name
    assert client.get(BASE + "requests.json", {"api_key": api_key, "status": "closed"}).json() == []
    assert len(client.get(BASE + "requests.json", {"api_key": api_key, "status": "open"}).json()) == 1
    other_code = {"api_key": api_key, "service_code": str(world.cat_other.pk)}
    assert client.get(BASE + "requests.json", other_code).json() == []
    old = {"api_key": api_key, "start_date": "2020-01-01T00:00:00Z", "end_date": "2020-02-01T00:00:00Z"}
    assert client.get(BASE + "requests.json", old).json() == []
    assert client.get(BASE + "requests.json", {"api_key": api_key, "start_date": "昨天"}).status_code == 400
    assert client.get(BASE + "requests.json").status_code == 403


def test_get_one_request_validates_and_outsiders_get_404(client, actors, world, api_key):
    appeal = appeal_submit(
        actor=None, channel="api", text="甲社区的事", category=world.cat_urban, lon=113.9012, lat=22.7012
    ).appeal
    data = client.get(f"{BASE}requests/{appeal.number}.json", {"api_key": api_key}).json()
    validate(data, "requests.json")
    assert data[0]["service_code"] == str(world.cat_urban.pk)
    _token, other = token_create(actor=actors.staff_b, name="b")
    response = client.get(f"{BASE}requests/{appeal.number}.json", {"api_key": other})
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404
