"""The resource library: public search, nearest, editing within one's territory, CSV import."""

import pytest
from conftest import PASSWORD

from gongzhi.circles import actions, queries
from gongzhi.circles.models import Resource

pytestmark = pytest.mark.django_db


def resource_form(node, name: str, kind: str, lon: str, lat: str, **more: str) -> dict:  # type: ignore[no-untyped-def]
    """The fields the resource form posts."""
    return {"name": name, "kind": kind, "territory": node.pk, "lon": lon, "lat": lat, **more}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_public_list_searches_by_need_and_kind(client, library, clinic_b):
    page = client.get("/circles/?need=借书").content.decode()
    assert "甲社区图书室" in page
    assert "乙社康中心" not in page
    page = client.get("/circles/?kind=clinic").content.decode()
    assert "乙社康中心" in page
    assert "甲社区图书室" not in page
    assert client.get("/circles/?kind=bogus").status_code == 200


def test_nearest_resources_are_ordered_by_distance_and_filtered_by_need(library, clinic_b):
    found = queries.nearest_resources(113.9212, 22.7012, limit=5)
    assert [r.name for r, _m in found] == ["乙社康中心", "甲社区图书室"]
    assert found[0][1] < 50
    assert 1900 < found[1][1] < 2200
    assert [r.name for r, _m in queries.nearest_resources(113.92, 22.70, need="家庭医生")] == ["乙社康中心"]
    assert queries.nearest_resources(113.92, 22.70, limit=0) == []


def test_staff_edits_a_resource_in_their_community(client, actors, library):
    login(client, actors.staff_a)
    assert client.get(f"/circles/manage/{library.pk}/").status_code == 200
    response = client.post(
        f"/circles/manage/{library.pk}/",
        resource_form(
            actors.net.a.community,
            "甲社区图书室",
            "library",
            "113.9013",
            "22.7013",
            uses="借书、自习、四点半课堂",
            active="on",
        ),
    )
    assert response.status_code == 302
    library.refresh_from_db()
    assert library.use_list == ["借书", "自习", "四点半课堂"]
    assert library.lon == pytest.approx(113.9013)


def test_staff_of_another_community_gets_404_and_nothing_changes(client, actors, library):
    login(client, actors.staff_b)
    assert client.get(f"/circles/manage/{library.pk}/").status_code == 404
    response = client.post(
        f"/circles/manage/{library.pk}/",
        resource_form(actors.net.b.community, "改名", "park", "113.92", "22.70"),
    )
    assert response.status_code == 404
    library.refresh_from_db()
    assert library.name == "甲社区图书室"
    with pytest.raises(actions.ResourceError) as info:
        actions.resource_save(actor=actors.staff_b, resource=library, name="改名")
    assert info.value.status == 404


def test_staff_cannot_create_a_resource_in_another_community(client, actors):
    login(client, actors.staff_b)
    response = client.post(
        "/circles/manage/new/",
        resource_form(actors.net.a.community, "越权公园", "park", "113.90", "22.70"),
    )
    assert response.status_code == 400
    assert not Resource.objects.exists()


def test_resident_has_no_manage_page(client, actors):
    login(client, actors.resident_a)
    assert client.get("/circles/manage/").status_code == 404
    assert client.get("/circles/coverage/").status_code == 404


def test_csv_import_creates_updates_and_rolls_back_on_a_bad_line(client, actors, library):
    from django.core.files.uploadedfile import SimpleUploadedFile

    code = actors.net.a.community.code
    good = f"名称,类别,区划编码,经度,纬度,地址,开放时间,服务,产权单位\n甲社区图书室,图书馆,{code},113.9,22.7,,,借书,\n甲公园,公园,{code},113.902,22.702,光明大道,全天,晨练、散步,\n"
    login(client, actors.staff_a)
    page = client.post("/circles/manage/import/", {"file": SimpleUploadedFile("r.csv", good.encode())})
    assert page.status_code == 200
    assert Resource.objects.count() == 2
    assert Resource.objects.get(name="甲公园").use_list == ["晨练", "散步"]
    bad = f"乙公园,公园,{code},113.9,22.7\n丙公园,公园,{actors.net.b.community.code},113.9,22.7\n"
    page = client.post("/circles/manage/import/", {"file": SimpleUploadedFile("r.csv", bad.encode())})
    assert page.status_code == 422
    assert "第2行" in page.content.decode()
    assert not Resource.objects.filter(name="乙公园").exists()


def test_coverage_page_for_staff_and_404_for_outsiders(client, actors, library):
    from gongzhi.places.models import Centre

    Centre.objects.create(
        name="中心", level="community", territory=actors.net.a.community, lon=113.9012, lat=22.7012
    )
    login(client, actors.street_officer)
    page = client.get(f"/circles/coverage/?node={actors.net.street.pk}&minutes=15")
    assert page.status_code == 200
    assert page.context["result"].residents_covered == 2
    assert client.get(f"/circles/coverage/?node={actors.net.street.pk}&minutes=7").status_code == 400
    client.logout()
    login(client, actors.staff_b)
    assert client.get(f"/circles/coverage/?node={actors.net.a.community.pk}").status_code == 404
    assert client.get(f"/circles/coverage/?node={actors.net.street.pk}").status_code == 404
    assert client.get(f"/circles/coverage/?node={actors.net.b.community.pk}").status_code == 200


def test_coverage_without_a_node_starts_at_the_staff_members_own_community(client, actors):
    login(client, actors.staff_a)
    page = client.get("/circles/coverage/")
    assert page.status_code == 200
    assert page.context["node"] == actors.net.a.community
