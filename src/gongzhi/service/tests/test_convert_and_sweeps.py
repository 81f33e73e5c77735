"""Conversion between orders and appeals (history on both sides), and the overdue sweep."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.appeals.intake import appeal_submit
from gongzhi.appeals.models import AppealEvent
from gongzhi.service import actions, actions_convert, actions_sweeps
from gongzhi.service.actions import ServiceError
from gongzhi.service.models import OrderEvent, ServiceNotice, ServiceOrder
from gongzhi.service.tests.conftest import order_for
from gongzhi.service.tests.test_orders import client_for
from gongzhi.service.workflow import InvalidTransition, OrderStatus

pytestmark = pytest.mark.django_db


def test_an_order_that_is_a_government_matter_becomes_an_appeal_with_history_on_both_sides(actors, world):
    order = order_for(actors, world, "小区路灯坏了一排")
    response = client_for(actors.staff_a).post(
        f"/service/orders/{order.pk}/convert/", {"reason": "路灯属于城管职责"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CONVERTED
    assert order.appeal is not None
    appeal = order.appeal
    assert appeal.submitter == actors.resident_a.person
    assert order.number in appeal.text
    assert AppealEvent.objects.filter(appeal=appeal, action="note", data__service_order=order.pk).exists()
    assert OrderEvent.objects.get(order=order, action="convert").data["appeal"] == appeal.number
    with pytest.raises(InvalidTransition):
        actions_convert.order_to_appeal(order=order, actor=actors.staff_a, reason="再转一次")


def test_converting_needs_a_reason_and_staff(actors, world):
    order = order_for(actors, world, "x")
    with pytest.raises(ServiceError):
        actions_convert.order_to_appeal(order=order, actor=actors.staff_a, reason="")
    with pytest.raises(PermissionError):
        actions_convert.order_to_appeal(order=order, actor=actors.resident_a, reason="想转")


def test_an_appeal_that_is_neighbourly_help_becomes_an_order_once(actors, world):
    appeal = appeal_submit(
        actor=actors.resident_a,
        channel="resident_app",
        submitter=actors.resident_a.person,
        text="家里水龙头漏水,老人不会修",
        lon=113.9012,
        lat=22.7012,
    ).appeal
    client = client_for(actors.staff_a)
    page = client.get(f"/service/from-appeal/?appeal={appeal.number}")
    assert appeal.title in page.content.decode()
    response = client.post("/service/from-appeal/", {"appeal": appeal.number, "item": world.repair.pk})
    assert response.status_code == 302
    order = ServiceOrder.objects.get(from_appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.status == "rejected"
    assert AppealEvent.objects.filter(appeal=appeal, action="reject", note__contains=order.number).exists()
    assert order.events.get(action="order").data["from_appeal"] == appeal.number
    again = client.post("/service/from-appeal/", {"appeal": appeal.number, "item": world.repair.pk})
    assert again.status_code == 400
    assert ServiceOrder.objects.filter(from_appeal=appeal).count() == 1
    # staff of another community do not find it
    assert (
        client_for(actors.staff_b)
        .post("/service/from-appeal/", {"appeal": appeal.number, "item": world.item_b.pk})
        .status_code
        == 404
    )


def test_the_sweep_marks_overdue_orders_once_and_reminds_the_helper(actors, world):
    order = order_for(actors, world, "修灯")
    actions.order_assign(order=order, actor=actors.staff_a, helper=world.electrician)
    ServiceOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - timedelta(hours=1))
    call_command("service_sweep")
    assert actions_sweeps.mark_overdue_orders() == 0
    assert OrderEvent.objects.filter(order=order, action="overdue").count() == 1
    notice = ServiceNotice.objects.get(recipient=world.electrician_user.person, kind="overdue")
    assert ServiceNotice.objects.filter(recipient=actors.secretary_a.person, kind="overdue").count() == 1
    assert order.number in client_for(world.electrician_user).get("/service/notices/").content.decode()
    assert notice.read_at is None
    assert (
        "overdue" in [o.number for o in []]
        or order.number in client_for(actors.staff_a).get("/service/orders/?status=overdue").content.decode()
    )
