"""Library pages: staff of the community work it; others get 404; residents submit needs."""

from django.urls import reverse

from gongzhi.needs import actions
from gongzhi.needs.models import Need, Pairing, Resource


def test_staff_add_a_need_and_a_resource_and_pair_them(client, actors, units):
    client.force_login(actors.staff_a)
    response = client.post(
        reverse("needs:index"),
        {
            "need-title": "儿童课后托管",
            "need-category": "children",
            "need-community": actors.net.a.community.pk,
            "need-tags": "托管 课后",
        },
    )
    n = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("needs:need", args=[n.pk])
    response = client.post(
        reverse("needs:index"),
        {
            "res-organisation": units.school.pk,
            "res-title": "放学后开放教室",
            "res-kind": "space",
            "res-category": "children",
            "res-tags": "课后",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("needs:need", args=[n.pk])).content.decode()
    assert "放学后开放教室" in page
    resource = Resource.objects.get()
    assert client.post(reverse("needs:pair", args=[n.pk]), {"resource": resource.pk}).status_code == 302
    assert Pairing.objects.get().score == 40 + 15 + 20  # category, 1 of 2 tags, same community


def test_staff_of_another_community_gets_404_and_nothing_changes(client, actors, units):
    n = actions.need_create(actor=None, community=actors.net.a.community, title="x", category="other")
    r = actions.resource_add(actor=None, organisation=units.school, title="y", kind="space", category="other")
    client.force_login(actors.staff_b)
    assert client.get(reverse("needs:need", args=[n.pk])).status_code == 404
    assert client.post(reverse("needs:pair", args=[n.pk]), {"resource": r.pk}).status_code == 404
    assert not Pairing.objects.exists()
    assert "x" not in [row.title for row in client.get(reverse("needs:index")).context["needs"]]


def test_a_resident_submits_a_need_from_the_phone_page(client, actors):
    client.force_login(actors.resident_a)
    response = client.post(
        reverse("needs:index"),
        {"title": "楼下缺少休息座椅", "category": "facilities", "quantity": 4, "measure": "times"},
    )
    assert response.status_code == 302
    n = Need.objects.get()
    assert (n.community, n.submitted_by, n.source) == (
        actors.net.a.community,
        actors.resident_a.person,
        "resident",
    )
    assert client.get(reverse("needs:need", args=[n.pk])).status_code == 404  # staff pages stay staff-only


def test_a_quantity_without_a_measure_gets_a_clear_message(client, actors):
    client.force_login(actors.resident_a)
    response = client.post(reverse("needs:index"), {"title": "x", "category": "other", "quantity": 3})
    assert response.status_code == 422
    assert "请选择单位" in response.content.decode()
    assert not Need.objects.exists()


def test_the_suggestions_api_shows_the_score_parts(client, actors, units):
    n = actions.need_create(
        actor=None, community=actors.net.a.community, title="x", category="elderly", tags="助餐"
    )
    r = actions.resource_add(
        actor=None, organisation=units.firm, title="y", kind="volunteers", category="elderly", tags="助餐"
    )
    client.force_login(actors.staff_a)
    (row,) = client.get(f"/api/v1/needs/{n.pk}/suggestions").json()
    assert (row["resource"], row["score"]) == (r.pk, 90)
    assert row["parts"] == {"category": 40.0, "tags": 30.0, "community": 20.0, "quantity": 0.0}
    client.force_login(actors.staff_b)
    assert client.get(f"/api/v1/needs/{n.pk}/suggestions").status_code == 404
