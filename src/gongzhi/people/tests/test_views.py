import re

import pytest
from conftest import PASSWORD
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.people.actions import masked_address
from gongzhi.people.models import PartyMember, PersonTag
from gongzhi.people.queries import masked_addresses
from gongzhi.people.tests.factories import make_person

HTMX = {"HTTP_HX_REQUEST": "true"}
FULL_ID = "440306195003070020"
MASKED_ID = "4403**********0020"


def signed_in(client, user):  # type: ignore[no-untyped-def]
    assert client.login(username=user.username, password=PASSWORD)
    return client


def detail_url(person) -> str:  # type: ignore[no-untyped-def]
    return reverse("people:detail", args=[person.pk])


def reveal_url(person) -> str:  # type: ignore[no-untyped-def]
    return reverse("people:reveal", args=[person.pk])


def reveals() -> int:
    return AuditEntry.objects.filter(kind="reveal").count()


# --- list --------------------------------------------------------------------------------------


def test_list_shows_visible_people_masked(client, actors):
    response = signed_in(client, actors.staff_a).get(reverse("people:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "王秀英" in html
    assert MASKED_ID in html
    assert FULL_ID not in html
    assert actors.person_a.decrypt_phone() not in html
    assert actors.person_a.phone_masked in html
    assert "李建国" not in html  # community B


def test_list_is_paginated_and_its_queries_do_not_grow(client, actors, django_assert_max_num_queries):
    for i in range(60):
        make_person(name=f"居民{i:02d}", household=actors.net.a.household)
    signed_in(client, actors.staff_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("people:list"))
    assert len(response.context["page"].object_list) == 50
    # 60 + person_a + resident_a + staff_a's own record (everyone sees their own row)
    assert response.context["page"].paginator.count == 63
    assert len(client.get(reverse("people:list") + "?page=2").context["page"].object_list) == 13


def test_search_by_name_fragment(client, actors):
    signed_in(client, actors.staff_a)
    names = [p.name for p in client.get(reverse("people:list"), {"q": "秀英"}).context["page"]]
    assert names == ["王秀英"]


def test_search_by_compound_or_building_name(client, actors):
    signed_in(client, actors.staff_a)
    page = client.get(reverse("people:list"), {"q": actors.net.a.building.name}).context["page"]
    assert actors.person_a.pk in [p.pk for p in page]
    assert actors.person_b.pk not in [p.pk for p in page]  # community B stays out of sight


def test_search_does_not_match_unit_or_room_names(client, actors):
    """The masked address hides the unit and room, so a search must not find people by them."""
    signed_in(client, actors.staff_a)
    assert actors.net.a.household.level == "household"
    page = client.get(reverse("people:list"), {"q": actors.net.a.household.name}).context["page"]
    assert actors.person_a.pk not in [p.pk for p in page]


@pytest.mark.parametrize("q", [FULL_ID, FULL_ID[:10], "13800138000"])
def test_a_number_in_the_list_search_is_400_and_never_filters(client, actors, q):
    signed_in(client, actors.secretary_a)
    response = client.get(reverse("people:list"), {"q": q})
    assert response.status_code == 400
    html = response.content.decode()
    assert "精确查找" in html
    assert "王秀英" not in html


def test_filter_by_territory_node(client, actors):
    other = make_person(name="赵六", household=actors.net.a.compound)
    signed_in(client, actors.street_officer)
    page = client.get(reverse("people:list"), {"node": actors.net.a.household.pk}).context["page"]
    assert {p.name for p in page} == {"王秀英", "居民甲"}
    page = client.get(reverse("people:list"), {"node": actors.net.a.grid.pk}).context["page"]
    assert other.pk in {p.pk for p in page}


def test_filter_by_a_node_outside_scope_is_404(client, actors):
    signed_in(client, actors.staff_b)
    assert client.get(reverse("people:list"), {"node": actors.net.a.grid.pk}).status_code == 404


def test_tags_are_shown_as_a_count_only(client, actors):
    PersonTag.objects.create(person=actors.person_a, tag="elderly_alone")
    PersonTag.objects.create(person=actors.person_a, tag="low_income")
    signed_in(client, actors.staff_a)
    for url in (reverse("people:list"), detail_url(actors.person_a)):
        html = client.get(url).content.decode()
        assert "已标记2项" in html
        assert "独居老人" not in html
        assert "低保" not in html


def test_batch_masked_addresses_match_the_single_person_function(actors):
    people = [actors.person_a, actors.person_b, make_person(name="无住址")]
    batch = masked_addresses(people)
    for person in people:
        assert batch.get(person.pk, "") == masked_address(person)


# --- detail ------------------------------------------------------------------------------------


def test_detail_shows_masked_values_and_membership(client, actors):
    from gongzhi.orgs.models import PartyOrg

    branch = PartyOrg.objects.create(name="甲社区第一党支部", level="branch", territory=actors.net.a.grid)
    PartyMember.objects.create(person=actors.person_a, kind="retired", branch=branch)
    response = signed_in(client, actors.staff_a).get(detail_url(actors.person_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert MASKED_ID in html
    assert FULL_ID not in html
    assert actors.person_a.phone_masked in html
    assert "甲社区 · 甲社区花园 · 1栋 · ****" in html
    assert "退休党员" in html
    assert "甲社区第一党支部" in html
    # community staff may not reveal: no form
    assert 'class="card reveal-form"' not in html


def test_secretary_gets_the_reveal_form_posting_with_htmx(client, actors):
    html = signed_in(client, actors.secretary_a).get(detail_url(actors.person_a)).content.decode()
    assert f'hx-post="{reveal_url(actors.person_a)}"' in html
    assert f'action="{reveal_url(actors.person_a)}"' in html
    assert 'name="reason"' in html
    assert 'name="reason_code"' in html
    assert 'value="other"' in html
    assert 'value="id_number"' in html


def test_staff_of_another_community_gets_404_on_the_person_page(client, actors):
    signed_in(client, actors.staff_b)
    assert client.get(detail_url(actors.person_a)).status_code == 404
    assert client.get(reverse("people:detail", args=[999999])).status_code == 404


def test_resident_sees_their_own_record_only(client, actors):
    signed_in(client, actors.resident_a)
    assert client.get(detail_url(actors.resident_a.person)).status_code == 200
    assert client.get(detail_url(actors.person_a)).status_code == 404


# --- reveal ------------------------------------------------------------------------------------


def test_secretary_reveals_the_id_number_with_htmx_and_an_audit_row_is_written(client, actors):
    signed_in(client, actors.secretary_a)
    response = client.post(
        reveal_url(actors.person_a),
        {"field": ["id_number"], "reason_code": "other", "reason": "核实低保申请"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment
    assert re.search(r'class="revealed" data-field="id_number">' + FULL_ID, html)
    entry = AuditEntry.objects.get(kind="reveal")
    assert (entry.actor_id, entry.object_id, entry.fields, entry.reason) == (
        actors.secretary_a.pk,
        str(actors.person_a.pk),
        ["id_number"],
        "其他:核实低保申请",
    )


def test_reveal_of_several_fields(client, actors):
    PersonTag.objects.create(person=actors.person_a, tag="elderly_alone")
    signed_in(client, actors.secretary_a)
    html = client.post(
        reveal_url(actors.person_a),
        {"field": ["phone", "address", "tags"], "reason_code": "visit"},
        **HTMX,
    ).content.decode()
    assert actors.person_a.decrypt_phone() in html
    assert "1单元" in html
    assert "101" in html
    assert "独居老人" in html
    assert FULL_ID not in html


def test_reveal_without_javascript_renders_the_whole_page(client, actors):
    signed_in(client, actors.secretary_a)
    response = client.post(reveal_url(actors.person_a), {"field": ["id_number"], "reason_code": "review"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert 'class="revealed"' in html
    assert FULL_ID in html
    assert reveals() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"field": ["id_number"], "reason_code": ""}, "请选择查看事由"),
        ({"field": ["id_number"], "reason_code": "curious"}, "请选择查看事由"),
        ({"field": ["id_number"], "reason_code": "other", "reason": " "}, "选择“其他”时请写明具体事由"),
        ({"field": ["id_number"], "reason_code": "other", "reason": "看看"}, "选择“其他”时请写明具体事由"),
        ({"reason_code": "visit"}, "请选择要查看的信息"),
        ({"field": ["password"], "reason_code": "visit"}, ""),
    ],
)
def test_bad_reveal_input_is_400_with_a_chinese_message_and_nothing_is_revealed(
    client, actors, data, message
):
    signed_in(client, actors.secretary_a)
    response = client.post(reveal_url(actors.person_a), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error reveal-error"' in html
    assert message in html
    assert FULL_ID not in html
    assert reveals() == 0


def test_community_staff_gets_403_and_nothing_is_revealed(client, actors):
    signed_in(client, actors.staff_a)
    response = client.post(
        reveal_url(actors.person_a), {"field": ["id_number"], "reason_code": "visit"}, **HTMX
    )
    assert response.status_code == 403
    assert "无权查看" in response.content.decode()
    assert FULL_ID not in response.content.decode()
    assert reveals() == 0
    assert AuditEntry.objects.filter(kind="refusal", action="person.reveal_refused").count() == 1


def test_staff_of_another_community_gets_404_on_reveal_and_nothing_changes(client, actors):
    signed_in(client, actors.staff_b)
    response = client.post(
        reveal_url(actors.person_a), {"field": ["id_number"], "reason_code": "visit"}, **HTMX
    )
    assert response.status_code == 404
    assert FULL_ID not in response.content.decode()
    assert reveals() == 0
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["scope.denied"]


def test_reveal_needs_post_and_sign_in(client, actors):
    assert (
        client.post(reveal_url(actors.person_a), {"field": ["id_number"], "reason_code": "visit"}).status_code
        == 302
    )
    signed_in(client, actors.secretary_a)
    assert client.get(reveal_url(actors.person_a)).status_code == 405
    assert reveals() == 0


def test_reveal_form_is_csrf_protected(actors):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    signed_in(client, actors.secretary_a)
    response = client.post(
        reveal_url(actors.person_a), {"field": ["id_number"], "reason_code": "visit"}, **HTMX
    )
    assert response.status_code == 403
    assert reveals() == 0
