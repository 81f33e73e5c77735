import pytest

from gongzhi.accounts.actions import token_create
from gongzhi.core.models import AuditEntry


def as_user(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def test_node_list_is_scoped_and_paginated(client, actors):
    body = as_user(client, actors.staff_a).get("/api/v1/territory/nodes").json()
    names = {n["name"] for n in body["items"]}
    # district, street, and community A down to its building (units/households need view_addresses)
    assert body["count"] == len(body["items"]) == 6
    assert {"光明区", "光明街道", "甲社区", "甲社区第一网格"} <= names
    assert "乙社区" not in names
    assert "乙社区第一网格" not in names


def test_node_list_filters_by_parent_level_and_q(client, actors):
    as_user(client, actors.street_officer)
    by_parent = client.get("/api/v1/territory/nodes", {"parent": actors.net.street.pk}).json()["items"]
    assert [n["name"] for n in by_parent] == ["甲社区", "乙社区"]
    grids = client.get("/api/v1/territory/nodes", {"level": "grid"}).json()["items"]
    assert {n["level"] for n in grids} == {"grid"}
    assert len(grids) == 2
    found = client.get("/api/v1/territory/nodes", {"q": "乙社区花"}).json()["items"]
    assert [n["name"] for n in found] == ["乙社区花园"]
    assert client.get("/api/v1/territory/nodes", {"level": "planet"}).status_code == 422


def test_node_list_pages(client, actors):
    as_user(client, actors.platform_admin)
    page = client.get("/api/v1/territory/nodes", {"page_size": 5, "page": 3}).json()
    assert page["count"] == 14
    assert len(page["items"]) == 4


def test_node_detail_has_ancestors_and_facts(client, actors):
    body = as_user(client, actors.staff_a).get(f"/api/v1/territory/nodes/{actors.net.a.grid.pk}").json()
    assert body["code"] == actors.net.a.grid.code
    assert body["level_label"] == "网格"
    assert [a["name"] for a in body["ancestors"]] == ["光明区", "光明街道", "甲社区"]
    assert body["bbox"] == pytest.approx([113.90, 22.7, 113.905, 22.705])


def test_node_detail_of_another_community_is_404_and_nothing_changes(client, actors):
    before = AuditEntry.objects.exclude(action="scope.denied").count()
    as_user(client, actors.staff_b)
    for pk in (actors.net.a.community.pk, actors.net.a.grid.pk, 999999):
        response = client.get(f"/api/v1/territory/nodes/{pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到"}
    # nothing written but the denials of the two existing rows, which are audited (issue 13);
    # the missing id leaves no trace, so the two answers cannot be told apart
    assert AuditEntry.objects.exclude(action="scope.denied").count() == before
    assert AuditEntry.objects.filter(action="scope.denied", kind=AuditEntry.Kind.REFUSAL).count() == 2


def test_children_geojson_holds_only_visible_children_with_counts(client, actors):
    as_user(client, actors.staff_a)
    body = client.get(f"/api/v1/territory/nodes/{actors.net.street.pk}/children.geojson").json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in body["features"]] == ["甲社区"]
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["resident_count"] == 2
    assert feature["properties"]["child_count"] == 1
    assert feature["properties"]["map_url"].endswith(f"?node={actors.net.a.community.pk}")
    assert body["node"]["name"] == "光明街道"
    assert body["parent"]["name"] == "光明区"
    assert [b["name"] for b in body["breadcrumb"]] == ["光明区"]


def test_children_geojson_of_an_outsiders_node_is_404(client, actors):
    as_user(client, actors.staff_b)
    assert (
        client.get(f"/api/v1/territory/nodes/{actors.net.a.community.pk}/children.geojson").status_code == 404
    )


def test_children_geojson_of_a_building_shows_points_and_units_without_geometry(client, actors):
    as_user(client, actors.secretary_a)
    body = client.get(f"/api/v1/territory/nodes/{actors.net.a.compound.pk}/children.geojson").json()
    assert body["features"][0]["geometry"]["type"] == "Point"
    body = client.get(f"/api/v1/territory/nodes/{actors.net.a.building.pk}/children.geojson").json()
    assert body["features"][0]["geometry"] is None


def test_lookup_names_grid_community_and_street(client, actors):
    body = (
        as_user(client, actors.staff_a)
        .get("/api/v1/territory/lookup", {"lon": 113.901, "lat": 22.701})
        .json()
    )
    assert body["grid"]["id"] == actors.net.a.grid.pk
    assert body["community"]["code"] == actors.net.a.community.code
    assert body["street"]["name"] == "光明街道"


def test_lookup_hides_what_the_caller_may_not_see(client, actors):
    body = (
        as_user(client, actors.staff_b)
        .get("/api/v1/territory/lookup", {"lon": 113.901, "lat": 22.701})
        .json()
    )
    assert body["grid"] is None
    assert body["community"] is None
    assert body["street"]["name"] == "光明街道"  # an ancestor of B's community: visible for navigation


def test_lookup_outside_every_area_and_bad_coordinates(client, actors):
    as_user(client, actors.staff_a)
    assert client.get("/api/v1/territory/lookup", {"lon": 100.0, "lat": 30.0}).json() == {
        "grid": None,
        "community": None,
        "street": None,
    }
    assert client.get("/api/v1/territory/lookup", {"lon": 500, "lat": 22.7}).status_code == 422
    assert client.get("/api/v1/territory/lookup", {"lon": "east"}).status_code == 422


def test_resident_sees_no_territory(client, actors):
    as_user(client, actors.resident_a)
    assert client.get("/api/v1/territory/nodes").json()["count"] == 0
    assert client.get(f"/api/v1/territory/nodes/{actors.net.a.household.pk}").status_code == 404


def test_anonymous_gets_401(client, actors):
    response = client.get("/api/v1/territory/nodes")
    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录"}


def test_bearer_token_works_for_get_endpoints(client, actors):
    _token, raw = token_create(actor=actors.staff_a, name="测试")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    body = client.get("/api/v1/territory/nodes", **auth).json()
    assert "乙社区" not in {n["name"] for n in body["items"]}
    assert body["count"] == 6
    assert client.get(f"/api/v1/territory/nodes/{actors.net.a.grid.pk}", **auth).status_code == 200
    assert client.get(f"/api/v1/territory/nodes/{actors.net.b.grid.pk}", **auth).status_code == 404
    assert client.get("/api/v1/territory/nodes", HTTP_AUTHORIZATION="Bearer gz_wrong").status_code == 401
