"""The JSON API: scoped reads, assignment with 409 on a second try, 404 for outsiders, public wall."""

import pytest
from django.test import Client

from gongzhi.service.models import ServiceOrder
from gongzhi.service.tests.conftest import order_for
from gongzhi.service.tests.test_orders import client_for
from gongzhi.service.tests.test_wishes import make_wish

pytestmark = pytest.mark.django_db


def test_staff_read_suggestions_and_assign_a_second_assignment_is_409(actors, world):
    order = order_for(actors, world, "修灯")
    staff = client_for(actors.staff_a)
    top = staff.get(f"/api/v1/service/orders/{order.pk}/suggestions").json()
    assert top[0]["helper_id"] == world.electrician.pk
    assert top[0]["name"] == "电工张"
    url = f"/api/v1/service/orders/{order.pk}/assign"
    first = staff.post(url, {"helper_id": world.electrician.pk}, content_type="application/json")
    assert first.status_code == 200
    assert first.json()["status"] == "assigned"
    second = staff.post(url, {"helper_id": world.lawyer.pk}, content_type="application/json")
    assert second.status_code == 409
    assert ServiceOrder.objects.get(pk=order.pk).helper_id == world.electrician.pk


def test_outsiders_get_404_and_nothing_changes(actors, world):
    order = order_for(actors, world, "修灯")
    staff_b = client_for(actors.staff_b)
    assert staff_b.get(f"/api/v1/service/orders/{order.pk}").status_code == 404
    response = staff_b.post(
        f"/api/v1/service/orders/{order.pk}/assign",
        {"helper_id": world.helper_b.pk},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert ServiceOrder.objects.get(pk=order.pk).status == "submitted"
    assert staff_b.get("/api/v1/service/orders").json() == []
    # the resident sees their own order but not the suggestions
    resident = client_for(actors.resident_a)
    assert [o["id"] for o in resident.get("/api/v1/service/orders").json()] == [order.pk]
    assert resident.get(f"/api/v1/service/orders/{order.pk}/suggestions").status_code == 403


def test_the_public_wall_needs_no_sign_in_and_names_nobody(actors, world):
    make_wish(actors, world)
    rows = Client().get("/api/v1/service/wishes/wall").json()
    assert [r["title"] for r in rows] == ["想要一台收音机"]
    assert world.elder_a.name not in str(rows)
