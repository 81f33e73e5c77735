"""Pages and JSON API: resident redeem with QR, counter verify (409 twice, 404 elsewhere), staff pages
scoped to their community, statements with CSV/XLSX export."""

import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.points import actions_redemption
from gongzhi.points.actions_accounts import account_for
from gongzhi.points.models import CatalogueItem, EarningRule, Redemption, RedemptionStatus
from gongzhi.points.queries import balance
from gongzhi.points.tests.helpers import award_volunteer, fund

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_resident_sees_balance_catalogue_and_redeems_once_on_double_submit(bank):
    resident = bank.actors.resident_a
    fund(resident.person, bank.actors.net.a.community, 400)
    c = client_for(resident)
    page = c.get(reverse("points:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="points-balance" data-balance="400"' in html
    assert f'id="redeem-{bank.rice.pk}"' in html
    assert "乙社区理发店" not in html  # another community's merchant is not on offer
    form = {"quantity": "1", "idempotency_key": "render-1"}
    first = c.post(reverse("points:redeem", args=[bank.rice.pk]), form)
    second = c.post(reverse("points:redeem", args=[bank.rice.pk]), form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Redemption.objects.count() == 1
    detail = c.get(first["Location"]).content.decode()
    r = Redemption.objects.get()
    assert f'id="pickup-code" class="points-code">{r.code}<' in detail
    assert "<svg" in detail


def test_redeeming_beyond_the_balance_shows_the_reason_with_409(bank):
    resident = bank.actors.resident_a
    fund(resident.person, bank.actors.net.a.community, 50)
    response = client_for(resident).post(reverse("points:redeem", args=[bank.rice.pk]), {"quantity": "1"})
    assert response.status_code == 409
    assert "积分不足" in response.content.decode()
    assert balance(resident.person) == 50


def test_a_resident_cannot_redeem_another_communitys_item_or_see_anothers_code(bank):
    other = CatalogueItem.objects.create(
        community=bank.actors.net.b.community, merchant=bank.merchant_b, name="剪发", points=1, stock=9
    )
    fund(bank.volunteer, bank.actors.net.a.community, 300)
    r = actions_redemption.redeem(person=bank.volunteer, item=bank.rice).redemption
    c = client_for(bank.actors.resident_a)
    assert c.post(reverse("points:redeem", args=[other.pk]), {"quantity": "1"}).status_code == 404
    assert c.get(reverse("points:redemption", args=[r.pk])).status_code == 404
    assert c.post(reverse("points:redemption_cancel", args=[r.pk])).status_code == 404
    assert Redemption.objects.get(pk=r.pk).status == RedemptionStatus.ISSUED


def test_counter_page_verifies_once_then_409_and_other_merchant_404(bank):
    fund(bank.volunteer, bank.actors.net.a.community, 300)
    r = actions_redemption.redeem(person=bank.volunteer, item=bank.rice).redemption
    other = client_for(bank.merchant_staff_b).post(reverse("points:verify"), {"code": r.code})
    assert other.status_code == 404
    assert Redemption.objects.get(pk=r.pk).status == RedemptionStatus.ISSUED
    counter = client_for(bank.merchant_staff)
    assert counter.get(reverse("points:verify")).status_code == 200
    ok = counter.post(reverse("points:verify"), {"code": r.code})
    assert ok.status_code == 200
    assert 'data-result="ok"' in ok.content.decode()
    again = counter.post(reverse("points:verify"), {"code": r.code})
    assert again.status_code == 409
    assert "不能重复使用" in again.content.decode()


def test_residents_have_no_counter_page(bank):
    assert client_for(bank.actors.resident_a).get(reverse("points:verify")).status_code == 404


def test_api_redeem_with_idempotency_key_and_verify(bank):
    resident = bank.actors.resident_a
    fund(resident.person, bank.actors.net.a.community, 400)
    c = client_for(resident)
    assert c.get("/api/v1/points/balance").json()["balance"] == 400
    items = c.get("/api/v1/points/catalogue").json()
    assert {i["name"] for i in items} == {"大米5kg", "理发券", "洗衣液"}
    body = json.dumps({"item_id": bank.rice.pk, "quantity": 1})
    first = c.post(
        "/api/v1/points/redeem", body, content_type="application/json", headers={"Idempotency-Key": "k-1"}
    )
    again = c.post(
        "/api/v1/points/redeem", body, content_type="application/json", headers={"Idempotency-Key": "k-1"}
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    short = c.post("/api/v1/points/redeem", body, content_type="application/json")
    assert short.status_code == 409
    assert "积分不足" in short.json()["detail"]
    bad_qty = c.post(
        "/api/v1/points/redeem",
        json.dumps({"item_id": bank.rice.pk, "quantity": 50}),
        content_type="application/json",
    )
    assert bad_qty.status_code == 400
    code = first.json()["code"]
    counter = client_for(bank.merchant_staff)
    assert (
        client_for(bank.merchant_staff_b)
        .post("/api/v1/points/verify", json.dumps({"code": code}), content_type="application/json")
        .status_code
        == 404
    )
    done = counter.post("/api/v1/points/verify", json.dumps({"code": code}), content_type="application/json")
    assert done.status_code == 200
    assert done.json()["status"] == "verified"
    twice = counter.post("/api/v1/points/verify", json.dumps({"code": code}), content_type="application/json")
    assert twice.status_code == 409
    assert "核销" in twice.json()["detail"]


def test_statement_api_and_exports_are_scoped(bank):
    c_a = bank.actors.net.a.community
    fund(bank.volunteer, c_a, 120)
    account = account_for(bank.volunteer)
    staff = client_for(bank.actors.staff_a)
    data = staff.get(f"/api/v1/points/accounts/{account.pk}/statement").json()
    assert (data["opening"], data["closing"]) == (0, 120)
    assert (
        client_for(bank.actors.staff_b).get(f"/api/v1/points/accounts/{account.pk}/statement").status_code
        == 404
    )
    assert (
        client_for(bank.actors.resident_a).get(reverse("points:statement", args=[account.pk])).status_code
        == 404
    )
    assert staff.get(f"/api/v1/points/accounts/{account.pk}/statement?month=2026-13").status_code == 400
    csv_text = staff.get(reverse("points:statement", args=[account.pk]) + "?format=csv").content.decode(
        "utf-8-sig"
    )
    assert "期初" in csv_text
    assert "120" in csv_text
    xlsx = staff.get(reverse("points:statement", args=[account.pk]) + "?format=xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws.cell(row=1, column=1).value == bank.volunteer.name
    assert ws.cell(row=ws.max_row, column=7).value == 120


def test_staff_set_rules_in_their_community_only(bank):
    staff = client_for(bank.actors.staff_a)
    assert staff.get(reverse("points:rules")).status_code == 200
    ok = staff.post(
        reverse("points:rules"),
        {
            "territory": bank.actors.net.a.community.pk,
            "code": "service_hour",
            "points_per_unit": "12",
            "daily_cap": "48",
            "active": "on",
        },
    )
    assert ok.status_code == 302
    assert EarningRule.objects.get(code="service_hour").points_per_unit == 12
    foreign = staff.post(
        reverse("points:rules"),
        {"territory": bank.actors.net.b.community.pk, "code": "service_hour", "points_per_unit": "99"},
    )
    assert foreign.status_code == 404
    up = staff.post(
        reverse("points:rules"),
        {"territory": bank.actors.net.district.pk, "code": "service_hour", "points_per_unit": "99"},
    )
    assert up.status_code == 404
    assert EarningRule.objects.count() == 1
    bad = staff.post(
        reverse("points:rules"),
        {"territory": bank.actors.net.a.community.pk, "code": "service_hour", "points_per_unit": "-3"},
    )
    assert bad.status_code == 400
    assert client_for(bank.actors.resident_a).get(reverse("points:rules")).status_code == 404


def test_staff_restock_and_catalogue_scope(bank):
    staff = client_for(bank.actors.staff_a)
    page = staff.get(reverse("points:catalogue")).content.decode()
    assert "大米5kg" in page
    staff.post(reverse("points:item_restock", args=[bank.rice.pk]), {"delta": "-3"})
    assert CatalogueItem.objects.get(pk=bank.rice.pk).stock == 2
    staff.post(reverse("points:item_restock", args=[bank.rice.pk]), {"delta": "-3"})
    assert CatalogueItem.objects.get(pk=bank.rice.pk).stock == 2  # never below zero
    assert (
        client_for(bank.actors.staff_b)
        .post(reverse("points:item_restock", args=[bank.rice.pk]), {"delta": "5"})
        .status_code
        == 404
    )
    created = staff.post(
        reverse("points:catalogue"),
        {
            "community": bank.actors.net.a.community.pk,
            "merchant": bank.merchant.pk,
            "name": "洗衣液",
            "points": "150",
            "stock": "10",
        },
    )
    assert created.status_code == 302
    assert CatalogueItem.objects.filter(name="洗衣液", merchant=bank.merchant).exists()
    foreign = staff.post(
        reverse("points:catalogue"),
        {
            "community": bank.actors.net.a.community.pk,
            "merchant": bank.merchant_b.pk,
            "name": "别家的",
            "points": "10",
            "stock": "1",
        },
    )
    assert foreign.status_code == 400
    assert not CatalogueItem.objects.filter(name="别家的").exists()


def test_flags_page_is_scoped(bank):
    from gongzhi.points.models import Flag, PointsPolicy

    c = bank.actors.net.a.community
    PointsPolicy.objects.create(territory=c, pair_threshold=1)
    for i in range(3):
        award_volunteer(bank, f"m{i}", rule="manual", points=5, awarded_by=bank.actors.staff_a)
    flag = Flag.objects.get()
    assert "志愿者小张" in client_for(bank.actors.secretary_a).get(reverse("points:flags")).content.decode()
    assert "志愿者小张" not in client_for(bank.actors.staff_b).get(reverse("points:flags")).content.decode()
    assert (
        client_for(bank.actors.staff_b)
        .post(reverse("points:flag_decide", args=[flag.pk, "clear"]))
        .status_code
        == 404
    )
    client_for(bank.actors.secretary_a).post(
        reverse("points:flag_decide", args=[flag.pk, "clear"]), {"note": "核实无误"}
    )
    assert Flag.objects.get().status == "cleared"


def test_outsiders_are_asked_to_sign_in(bank):
    assert Client().get(reverse("points:index")).status_code == 302
    assert Client().get("/api/v1/points/balance").status_code == 401
