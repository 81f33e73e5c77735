"""Manual awards by staff (人工奖励): the page and the API, their scope, idempotency and refusals
(decision 0033)."""

import json
import re

import pytest
from conftest import make_user
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.roles import Role
from gongzhi.core.models import AuditEntry
from gongzhi.points.accounts import find_account
from gongzhi.points.models import Transaction
from gongzhi.points.queries import balance

pytestmark = pytest.mark.django_db

URL = "/points/manage/award/"
API = "/api/v1/points/awards"


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def form_key(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert found, "the form carries an idempotency key"
    return found.group(1)


def award_form(actors, person, *, points="50", memo="帮助邻居搬家", key=None, client=None):  # type: ignore[no-untyped-def]
    """What the staff page posts, with the key of a freshly rendered form."""
    community = actors.net.a.community
    c = client or client_for(actors.staff_a)
    if key is None:
        page = c.get(URL, {"community": community.pk, "q": person.name[:2]})
        key = form_key(page.content.decode())
    return {
        "community": community.pk,
        "person": person.pk,
        "points": points,
        "memo": memo,
        "idempotency_key": key,
        "q": person.name[:2],
    }


@pytest.fixture
def neighbour(actors):  # type: ignore[no-untyped-def]
    """Community staff who live in the community they serve (the self-award case)."""
    return make_user(
        "staff_lives_a",
        "住在甲社区的社工",
        Role.COMMUNITY_STAFF,
        actors.net.a.community,
        household=actors.net.a.household,
    )


def test_staff_find_a_resident_by_name_and_see_masked_data_only(actors):
    c = client_for(actors.staff_a)
    page = c.get(URL, {"community": actors.net.a.community.pk, "q": "王秀"})
    assert page.status_code == 200
    html = page.content.decode()
    person = actors.person_a
    assert f'id="award-person-{person.pk}"' in html
    assert person.phone_masked in html
    assert "*" in person.phone_masked
    assert person.decrypt_phone() not in html
    assert "440306195003070020" not in html
    assert person.id_number_masked not in html
    assert actors.person_b.name not in html  # community B's resident is not offered
    assert "人工奖励" in c.get(reverse("points:rules")).content.decode()  # linked from the staff pages


def test_each_rendered_form_has_a_fresh_key(actors):
    c = client_for(actors.staff_a)
    first = form_key(c.get(URL).content.decode())
    second = form_key(c.get(URL).content.decode())
    assert first != second


def test_staff_award_points_with_a_reason_and_get_a_link_to_the_statement(actors):
    person = actors.person_a
    c = client_for(actors.staff_a)
    response = c.post(URL, award_form(actors, person, client=c))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-created="1"' in html
    assert 'data-points="50"' in html
    account = find_account(person)
    assert f'href="{reverse("points:statement", args=[account.pk])}"' in html
    assert balance(person) == 50
    txn = Transaction.objects.get()
    assert (txn.rule, txn.points, txn.memo, txn.awarded_by_id) == (
        "manual",
        50,
        "帮助邻居搬家",
        actors.staff_a.pk,
    )
    assert txn.source.startswith(f"manual:{actors.staff_a.pk}:")
    assert AuditEntry.objects.filter(action="points.award", actor=actors.staff_a).count() == 1
    statement = c.get(reverse("points:statement", args=[account.pk]))
    assert statement.status_code == 200
    assert "帮助邻居搬家" in statement.content.decode()


def test_a_double_submit_awards_once(actors):
    person = actors.person_a
    c = client_for(actors.staff_a)
    form = award_form(actors, person, client=c)
    first = c.post(URL, form)
    second = c.post(URL, form)
    assert first.status_code == second.status_code == 200
    assert 'data-created="0"' in second.content.decode()
    assert Transaction.objects.count() == 1
    assert balance(person) == 50
    # a new form is a new award
    assert c.post(URL, award_form(actors, person, client=c)).status_code == 200
    assert balance(person) == 100


def test_staff_cannot_award_themselves_409_and_nothing_written(actors, neighbour):
    c = client_for(neighbour)
    response = c.post(URL, award_form(actors, neighbour.person, client=c))
    assert response.status_code == 409
    assert "不能给自己发放积分" in response.content.decode()
    assert not Transaction.objects.exists()
    assert balance(neighbour.person) == 0


def test_the_manual_rules_monthly_cap_clips_the_award_and_the_page_says_so(actors):
    person = actors.person_a
    response = client_for(actors.staff_a).post(URL, award_form(actors, person, points="600"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-points="500"' in html
    assert 'id="award-clipped"' in html
    assert balance(person) == 500


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"points": "0"}, "积分须为1到1000之间的整数"),
        ({"points": "1001"}, "积分须为1到1000之间的整数"),
        ({"points": "abc"}, "积分须为1到1000之间的整数"),
        ({"points": "2.5"}, "积分须为1到1000之间的整数"),
        ({"points": "-5"}, "积分须为1到1000之间的整数"),
        ({"memo": "   "}, "请填写奖励理由"),
        ({"memo": "长" * 201}, "奖励理由不超过200个字"),
        ({"person": ""}, "请先选择受奖人"),
        ({"idempotency_key": ""}, "幂等键"),
    ],
)
def test_bad_input_is_400_with_the_reason_and_nothing_written(actors, change, message):
    form = {**award_form(actors, actors.person_a, key="k" * 16), **change}
    response = client_for(actors.staff_a).post(URL, form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Transaction.objects.exists()
    assert not AuditEntry.objects.filter(action="points.award").exists()


def test_staff_of_another_community_get_404_and_nothing_is_written(actors):
    c = client_for(actors.staff_b)
    into_a = award_form(actors, actors.person_a, key="k" * 16)
    assert c.post(URL, into_a).status_code == 404
    # their own community with a resident of community A: still 404
    own = {**into_a, "community": actors.net.b.community.pk}
    assert c.post(URL, own).status_code == 404
    assert c.get(URL, {"community": actors.net.a.community.pk, "q": "王"}).status_code == 404
    body = json.dumps(
        {"community_id": actors.net.a.community.pk, "person_id": actors.person_a.pk, "points": 5, "memo": "x"}
    )
    api = c.post(API, body, content_type="application/json", headers={"Idempotency-Key": "k" * 16})
    assert api.status_code == 404
    assert not Transaction.objects.exists()
    assert balance(actors.person_a) == 0


def test_residents_have_no_award_page_or_api(actors):
    c = client_for(actors.resident_a)
    assert c.get(URL).status_code == 404
    assert c.post(URL, award_form(actors, actors.person_a, key="k" * 16)).status_code == 404
    body = json.dumps(
        {"community_id": actors.net.a.community.pk, "person_id": actors.person_a.pk, "points": 5, "memo": "x"}
    )
    api = c.post(API, body, content_type="application/json", headers={"Idempotency-Key": "k" * 16})
    assert api.status_code == 404
    assert not Transaction.objects.exists()


def test_api_awards_once_per_idempotency_key(actors):
    c = client_for(actors.staff_a)
    person = actors.person_a
    body = json.dumps(
        {"community_id": actors.net.a.community.pk, "person_id": person.pk, "points": 30, "memo": "清理楼道"}
    )
    first = c.post(API, body, content_type="application/json", headers={"Idempotency-Key": "award-0001"})
    again = c.post(API, body, content_type="application/json", headers={"Idempotency-Key": "award-0001"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["transaction_id"] == again.json()["transaction_id"]
    assert first.json()["points"] == 30
    assert again.json()["created"] is False
    assert first.json()["account_id"] == find_account(person).pk
    assert balance(person) == 30
    # the same key for another person names a different award: refused, not a second award
    other = json.dumps(
        {
            "community_id": actors.net.a.community.pk,
            "person_id": actors.resident_a.person.pk,
            "points": 30,
            "memo": "x",
        }
    )
    reused = c.post(API, other, content_type="application/json", headers={"Idempotency-Key": "award-0001"})
    assert reused.status_code == 409
    assert Transaction.objects.count() == 1


def test_api_bad_input_is_400_and_self_award_409(actors, neighbour):
    c = client_for(actors.staff_a)
    base = {
        "community_id": actors.net.a.community.pk,
        "person_id": actors.person_a.pk,
        "points": 30,
        "memo": "x",
    }
    no_key = c.post(API, json.dumps(base), content_type="application/json")
    assert no_key.status_code == 400
    for bad in ({"points": 0}, {"points": 1001}, {"points": "many"}, {"points": 2.5}, {"memo": ""}):
        response = c.post(
            API,
            json.dumps({**base, **bad}),
            content_type="application/json",
            headers={"Idempotency-Key": "k" * 16},
        )
        assert response.status_code == 400, bad
    own = c = client_for(neighbour)
    response = own.post(
        API,
        json.dumps({**base, "person_id": neighbour.person.pk}),
        content_type="application/json",
        headers={"Idempotency-Key": "k" * 16},
    )
    assert response.status_code == 409
    assert "不能给自己发放积分" in response.json()["detail"]
    assert not Transaction.objects.exists()


def test_refusals_are_shown_in_english_to_an_english_reader(actors, neighbour):
    c = client_for(neighbour)
    c.post("/i18n/setlang/", {"language": "en", "next": URL})  # the language switch (a cookie)
    form = award_form(actors, neighbour.person, client=c)
    refused = c.post(URL, form)
    assert refused.status_code == 409
    assert "yourself" in refused.content.decode()
    bad = c.post(URL, {**form, "points": "0"})
    assert bad.status_code == 400
    assert "from 1 to 1000" in bad.content.decode()
