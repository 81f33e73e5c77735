import json

import pytest

from gongzhi.accounts.actions import token_create
from gongzhi.core.models import AuditEntry
from gongzhi.people.models import PersonTag
from gongzhi.people.tests.factories import make_person

FULL_ID = "440306195003070020"
MASKED_ID = "4403**********0020"
SECRET_KEYS = {
    "id_number_cipher",
    "id_number_index",
    "phone_cipher",
    "phone_index",
    "household_id",
    "household",
}


def as_user(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def post_reveal(client, person, body, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/people/persons/{person.pk}/reveal",
        json.dumps(body),
        content_type="application/json",
        **extra,
    )


def test_person_list_is_scoped_masked_and_paginated(client, actors):
    body = as_user(client, actors.staff_a).get("/api/v1/people/persons").json()
    by_name = {p["name"]: p for p in body["items"]}
    assert set(by_name) == {"王秀英", "居民甲", "社工甲"}  # community A and staff_a's own record
    assert body["count"] == 3
    person = by_name["王秀英"]
    assert person["id_number_masked"] == MASKED_ID
    assert person["phone_masked"] == actors.person_a.phone_masked
    assert person["address_masked"] == "甲社区 · 甲社区花园 · 1栋 · ****"
    assert not SECRET_KEYS & set(person)
    text = json.dumps(body, ensure_ascii=False)
    assert FULL_ID not in text
    assert actors.person_a.decrypt_phone() not in text


def test_person_list_queries_do_not_grow_with_the_page(client, actors, django_assert_max_num_queries):
    for i in range(30):
        make_person(name=f"居民{i:02d}", household=actors.net.a.household)
    as_user(client, actors.staff_a)
    with django_assert_max_num_queries(7):
        body = client.get("/api/v1/people/persons", {"page_size": 20}).json()
    assert len(body["items"]) == 20
    assert body["count"] == 33


def test_person_list_search_by_name_address_and_node(client, actors):
    as_user(client, actors.street_officer)
    assert [p["name"] for p in client.get("/api/v1/people/persons", {"q": "秀英"}).json()["items"]] == [
        "王秀英"
    ]
    by_building = client.get("/api/v1/people/persons", {"q": actors.net.b.building.name}).json()["items"]
    assert "李建国" in [p["name"] for p in by_building]
    in_b = client.get("/api/v1/people/persons", {"node": actors.net.b.community.pk}).json()["items"]
    assert [p["name"] for p in in_b] == ["李建国"]


@pytest.mark.parametrize("q", [FULL_ID, FULL_ID[:10], "13800138000", "138 0013 8000"])
def test_person_list_refuses_a_number_in_q_and_points_to_exact_search(client, actors, q):
    as_user(client, actors.street_officer)
    response = client.get("/api/v1/people/persons", {"q": q})
    assert response.status_code == 400
    assert "精确查找" in response.json()["detail"]
    assert "王秀英" not in response.content.decode()


def test_person_list_with_an_outsiders_node_is_404(client, actors):
    as_user(client, actors.staff_b)
    assert client.get("/api/v1/people/persons", {"node": actors.net.a.grid.pk}).status_code == 404


def test_person_detail_is_masked_with_tag_count(client, actors):
    PersonTag.objects.create(person=actors.person_a, tag="disability")
    body = as_user(client, actors.staff_a).get(f"/api/v1/people/persons/{actors.person_a.pk}").json()
    assert body["id_number_masked"] == MASKED_ID
    assert body["tag_count"] == 1
    assert body["can_reveal"] is False
    assert body["party_membership"] is None
    assert body["posts"] == []
    assert not SECRET_KEYS & set(body)
    assert "残疾人" not in json.dumps(body, ensure_ascii=False)


def test_person_detail_of_an_outsider_is_404(client, actors):
    as_user(client, actors.staff_b)
    assert client.get(f"/api/v1/people/persons/{actors.person_a.pk}").status_code == 404
    assert client.get("/api/v1/people/persons/999999").status_code == 404


def test_secretary_reveals_with_a_reason_and_the_audit_row_is_written(client, actors):
    as_user(client, actors.secretary_a)
    response = post_reveal(
        client,
        actors.person_a,
        {"fields": ["id_number", "phone"], "reason_code": "other", "reason": "核实低保申请"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id_number"] == FULL_ID
    assert body["phone"] == actors.person_a.decrypt_phone()
    assert body["address"] is None
    entry = AuditEntry.objects.get(kind="reveal")
    assert entry.fields == ["id_number", "phone"]
    assert entry.reason == "其他:核实低保申请"
    assert entry.detail == {"reason_code": "other"}
    assert entry.actor_id == actors.secretary_a.pk


def test_reveal_without_the_capability_is_403_nothing_revealed_and_the_refusal_audited(client, actors):
    as_user(client, actors.staff_a)
    response = post_reveal(client, actors.person_a, {"fields": ["id_number"], "reason_code": "visit"})
    assert response.status_code == 403
    assert response.json()["detail"] == "无权查看此人的完整个人信息"
    assert not AuditEntry.objects.filter(kind="reveal").exists()
    refusal = AuditEntry.objects.get(kind="refusal")
    assert (refusal.action, refusal.actor_id, refusal.object_id, refusal.fields) == (
        "person.reveal_refused",
        actors.staff_a.pk,
        str(actors.person_a.pk),
        ["id_number"],
    )


def test_reveal_by_an_outsider_is_404_and_only_the_denial_is_written(client, actors):
    as_user(client, actors.staff_b)
    response = post_reveal(client, actors.person_a, {"fields": ["id_number"], "reason_code": "visit"})
    assert response.status_code == 404
    assert FULL_ID not in response.content.decode()
    assert not AuditEntry.objects.filter(kind="reveal").exists()
    assert list(AuditEntry.objects.values_list("kind", "action", "object_id")) == [
        ("refusal", "scope.denied", str(actors.person_a.pk))
    ]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (
            {"fields": ["id_number"], "reason_code": "other", "reason": " "},
            400,
            "选择“其他”时请写明具体事由(至少4个字)",
        ),
        (
            {"fields": ["id_number"], "reason_code": "other", "reason": "看看"},
            400,
            "选择“其他”时请写明具体事由(至少4个字)",
        ),
        ({"fields": [], "reason_code": "visit"}, 422, "请求数据有误"),
        ({"fields": ["password"], "reason_code": "visit"}, 422, "请求数据有误"),
        ({"fields": ["id_number"], "reason": "核实身份"}, 422, "请求数据有误"),
        ({"fields": ["id_number"], "reason_code": "curious"}, 422, "请求数据有误"),
    ],
)
def test_bad_reveal_input_is_rejected_in_chinese_and_nothing_is_written(
    client, actors, body, status, message
):
    as_user(client, actors.secretary_a)
    response = post_reveal(client, actors.person_a, body)
    assert response.status_code == status
    assert response.json()["detail"] == message
    assert not AuditEntry.objects.filter(kind="reveal").exists()


def test_bearer_token_reads_people_but_reveal_still_needs_the_capability(client, actors):
    _token, raw = token_create(actor=actors.staff_a, name="对接")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    body = client.get("/api/v1/people/persons", **auth).json()
    assert "王秀英" in {p["name"] for p in body["items"]}
    assert client.get(f"/api/v1/people/persons/{actors.person_a.pk}", **auth).status_code == 200
    assert client.get(f"/api/v1/people/persons/{actors.person_b.pk}", **auth).status_code == 404
    assert (
        post_reveal(
            client, actors.person_a, {"fields": ["id_number"], "reason_code": "visit"}, **auth
        ).status_code
        == 403
    )


def test_session_post_without_csrf_token_is_refused(actors):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(actors.secretary_a)
    response = post_reveal(client, actors.person_a, {"fields": ["id_number"], "reason_code": "visit"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(kind="reveal").exists()
