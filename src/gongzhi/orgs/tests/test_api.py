import pytest

from gongzhi.accounts.actions import token_create
from gongzhi.core.models import AuditEntry
from gongzhi.orgs.tests.test_views import make_party


@pytest.fixture
def party(actors):  # type: ignore[no-untyped-def]
    return make_party(actors)


def test_party_org_list_is_scoped_and_paginated(client, actors, party, django_assert_max_num_queries):
    client.force_login(actors.staff_a)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/orgs/party-orgs").json()
    names = [o["name"] for o in body["items"]]
    assert body["count"] == 5
    assert "乙社区党委" not in names
    branch = next(o for o in body["items"] if o["name"] == "甲社区第一党支部")
    assert branch["member_count"] == 2
    assert branch["level_label"] == "党支部"
    assert branch["territory"]["id"] == actors.net.a.grid.pk


def test_party_org_list_filters(client, actors, party):
    client.force_login(actors.street_officer)
    branches = client.get("/api/v1/orgs/party-orgs", {"level": "branch"}).json()["items"]
    assert [o["name"] for o in branches] == ["甲社区第一党支部", "乙社区第一党支部"]
    in_b = client.get("/api/v1/orgs/party-orgs", {"territory": actors.net.b.community.pk}).json()["items"]
    assert [o["name"] for o in in_b] == ["乙社区党委", "乙社区第一党支部"]
    client.force_login(actors.staff_b)
    assert client.get("/api/v1/orgs/party-orgs", {"territory": actors.net.a.grid.pk}).status_code == 404


def test_party_org_detail_has_posts_and_children(client, actors, party):
    client.force_login(actors.staff_a)
    body = client.get(f"/api/v1/orgs/party-orgs/{party.committee_a.pk}").json()
    assert body["children"] == [party.branch_a.pk]
    assert [(p["person_name"], p["ends_on"]) for p in body["posts"]] == [
        ("书记甲", None),
        ("前任书记", "2023-12-31"),
    ]
    assert body["posts"][0]["title_label"] == "书记"


def test_party_org_detail_of_another_community_is_404_and_nothing_changes(client, actors, party):
    before = AuditEntry.objects.exclude(action="scope.denied").count()
    client.force_login(actors.staff_b)
    response = client.get(f"/api/v1/orgs/party-orgs/{party.committee_a.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}
    # nothing written but the scope denial, which is audited (issue 13)
    assert AuditEntry.objects.exclude(action="scope.denied").count() == before
    assert AuditEntry.objects.filter(action="scope.denied", kind=AuditEntry.Kind.REFUSAL).count() == 1


def test_organisations_filter_by_kind_within_scope(client, actors, party):
    client.force_login(actors.staff_a)
    body = client.get("/api/v1/orgs/organisations").json()
    assert {o["name"] for o in body["items"]} == {"甲社区居委会", "碧水物业"}
    only = client.get("/api/v1/orgs/organisations", {"kind": "property_company"}).json()["items"]
    assert [o["kind_label"] for o in only] == ["物业公司"]
    assert client.get("/api/v1/orgs/organisations", {"kind": "spaceship"}).status_code == 422


def test_bearer_token_reads_orgs(client, actors, party):
    _token, raw = token_create(actor=actors.street_officer, name="数据交换")
    body = client.get("/api/v1/orgs/organisations", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert body["count"] == 3
