"""The order flow (点单 → 派单 → 接单 → 办单 → 评单) and its refusals, through the pages."""

import pytest
from conftest import PASSWORD
from django.test import Client

from gongzhi.points.queries import balance
from gongzhi.service import actions
from gongzhi.service.models import OrderEvent, ServiceNotice, ServiceOrder
from gongzhi.service.tests.conftest import PNG, order_for
from gongzhi.service.workflow import InvalidTransition, OrderStatus

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def place(actors, world, **kw) -> ServiceOrder:  # type: ignore[no-untyped-def]
    return order_for(actors, world, kw.get("description", "厨房插座没电了"))


def photo(name: str = "done.png", content: bytes = PNG):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


def test_the_whole_flow_through_the_pages_awards_points_to_the_helper(actors, world):
    resident = client_for(actors.resident_a)
    response = resident.post("/service/order/", {"item": world.repair.pk, "description": "厨房插座没电了"})
    assert response.status_code == 302
    order = ServiceOrder.objects.get()
    assert order.status == OrderStatus.SUBMITTED
    assert order.building == actors.net.a.building  # from the resident's household
    assert order.number.startswith("FW")

    staff = client_for(actors.staff_a)
    page = staff.get(f"/service/orders/{order.pk}/")
    assert "电工张" in page.content.decode()  # suggested
    assert (
        staff.post(f"/service/orders/{order.pk}/assign/", {"helper": world.electrician.pk}).status_code == 302
    )
    order.refresh_from_db()
    assert (order.status, order.helper_id) == (OrderStatus.ASSIGNED, world.electrician.pk)
    world.electrician.refresh_from_db()
    assert world.electrician.open_orders == 1

    helper = client_for(world.electrician_user)
    assert helper.post(f"/service/orders/{order.pk}/accept/").status_code == 302
    response = helper.post(
        f"/service/orders/{order.pk}/fulfil/", {"note": "换了插座", "hours": "2", "photos": [photo()]}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    assert order.evidence.count() == 1
    assert helper.get(f"/service/orders/{order.pk}/photos/{order.evidence.get().pk}/").status_code == 200
    world.electrician.refresh_from_db()
    assert world.electrician.open_orders == 0

    assert (
        resident.post(f"/service/orders/{order.pk}/rate/", {"stars": "5", "comment": "很及时"}).status_code
        == 302
    )
    order.refresh_from_db()
    assert (order.status, order.rating) == (OrderStatus.RATED, 5)
    # 2 hours × 10 + 5 for the rated order (built-in defaults of the points app)
    assert balance(world.electrician_user.person) == 25
    actions_seen = list(order.events.values_list("action", flat=True))
    assert actions_seen == ["order", "assign", "accept", "fulfil", "rate"]
    assert ServiceNotice.objects.filter(recipient=world.electrician_user.person, kind="assigned").exists()


def test_a_resident_rating_someone_elses_order_gets_404_and_nothing_changes(actors, world):
    order = place(actors, world)
    other = __import__("conftest").make_user(
        "resident_x", "居民乙", "resident", actors.net.a.household, household=actors.net.a.household
    )
    response = client_for(other).post(f"/service/orders/{order.pk}/rate/", {"stars": "1"})
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.rating is None
    assert client_for(other).get(f"/service/orders/{order.pk}/").status_code == 404


def test_a_helper_fulfilling_an_order_not_assigned_to_them_gets_404_and_nothing_changes(actors, world):
    order = place(actors, world)
    actions.order_assign(order=order, actor=actors.staff_a, helper=world.electrician)
    actions.order_accept(order=order, actor=world.electrician_user)
    response = client_for(world.lawyer_user).post(
        f"/service/orders/{order.pk}/fulfil/", {"note": "我来", "photos": [photo()]}
    )
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert order.evidence.count() == 0


def test_a_helper_who_can_see_the_order_but_is_not_assigned_is_refused(actors, world):
    order = place(actors, world)
    actions.order_assign(order=order, actor=actors.staff_a, helper=world.electrician)
    with pytest.raises(PermissionError):
        actions.order_accept(order=order, actor=world.lawyer_user)


def test_staff_of_another_community_get_404_on_the_order_and_cannot_assign(actors, world):
    order = place(actors, world)
    staff_b = client_for(actors.staff_b)
    assert staff_b.get(f"/service/orders/{order.pk}/").status_code == 404
    assert (
        staff_b.post(f"/service/orders/{order.pk}/assign/", {"helper": world.helper_b.pk}).status_code == 404
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    assert order.pk not in [o.pk for o in ServiceOrder.objects.visible_to(actors.staff_b)]


def test_a_second_assignment_of_the_same_order_gets_409(actors, world):
    order = place(actors, world)
    staff = client_for(actors.staff_a)
    assert (
        staff.post(f"/service/orders/{order.pk}/assign/", {"helper": world.electrician.pk}).status_code == 302
    )
    response = staff.post(f"/service/orders/{order.pk}/assign/", {"helper": world.lawyer.pk})
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.helper_id == world.electrician.pk
    assert OrderEvent.objects.filter(order=order, action="assign").count() == 1


def test_fulfilling_without_a_photo_or_with_a_fake_image_is_refused_with_400(actors, world):
    order = place(actors, world)
    actions.order_assign(order=order, actor=actors.staff_a, helper=world.electrician)
    actions.order_accept(order=order, actor=world.electrician_user)
    helper = client_for(world.electrician_user)
    response = helper.post(f"/service/orders/{order.pk}/fulfil/", {"note": "好了"})
    assert response.status_code == 400
    assert "照片" in response.content.decode()
    response = helper.post(
        f"/service/orders/{order.pk}/fulfil/", {"note": "好了", "photos": [photo("x.png", b"not an image")]}
    )
    assert response.status_code == 400
    assert "不是图片" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED


def test_decline_returns_the_order_to_the_queue_with_the_reason(actors, world):
    order = place(actors, world)
    actions.order_assign(order=order, actor=actors.staff_a, helper=world.electrician)
    helper = client_for(world.electrician_user)
    assert helper.post(f"/service/orders/{order.pk}/decline/", {"reason": ""}).status_code == 400
    assert helper.post(f"/service/orders/{order.pk}/decline/", {"reason": "这周出差"}).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.helper_id) == (OrderStatus.SUBMITTED, None)
    assert order.events.get(action="decline").note == "这周出差"
    # the community's staff are told to reassign; staff of another community are not
    assert ServiceNotice.objects.filter(
        recipient=actors.staff_a.person, kind="declined", order=order
    ).exists()
    assert not ServiceNotice.objects.filter(recipient=actors.staff_b.person).exists()
    world.electrician.refresh_from_db()
    assert world.electrician.open_orders == 0


def test_rating_twice_gets_409_and_points_are_awarded_once(actors, world):
    order = place(actors, world)
    actions.order_assign(order=order, actor=actors.staff_a, helper=world.electrician)
    actions.order_accept(order=order, actor=world.electrician_user)
    actions.order_fulfil(
        order=order,
        actor=world.electrician_user,
        note="好了",
        photos=[actions.Upload("a.png", PNG)],
        hours="1",
    )
    actions.order_rate(order=order, actor=actors.resident_a, stars=4)
    before = balance(world.electrician_user.person)
    with pytest.raises(InvalidTransition):
        actions.order_rate(order=order, actor=actors.resident_a, stars=5)
    assert balance(world.electrician_user.person) == before == 15


def test_staff_close_a_fulfilled_order_the_resident_did_not_rate_hours_only(actors, world):
    order = place(actors, world)
    actions.order_assign(order=order, actor=actors.staff_a, helper=world.electrician)
    actions.order_accept(order=order, actor=world.electrician_user)
    actions.order_fulfil(
        order=order, actor=world.electrician_user, note="好了", photos=[actions.Upload("a.png", PNG)]
    )
    actions.order_close(order=order, actor=actors.staff_a, note="电话回访满意")
    assert balance(world.electrician_user.person) == 20  # 2 standard hours × 10


def test_bad_rating_values_are_refused(actors, world):
    order = place(actors, world)
    with pytest.raises(actions.ServiceError):
        actions.order_rate(order=order, actor=actors.resident_a, stars=6)


def test_an_order_needs_a_description_and_an_item_of_the_buildings_community(actors, world):
    resident = client_for(actors.resident_a)
    assert resident.post("/service/order/", {"item": world.repair.pk, "description": " "}).status_code == 400
    assert resident.post("/service/order/", {"item": world.item_b.pk, "description": "修"}).status_code == 400
    assert ServiceOrder.objects.count() == 0


def test_assigning_to_a_helper_of_another_street_is_refused(actors, world):
    order = place(actors, world)
    world.helper_b.path = "999/"
    world.helper_b.save()
    with pytest.raises(actions.ServiceError):
        actions.order_assign(order=order, actor=actors.staff_a, helper=world.helper_b)


def test_the_resident_can_cancel_before_service_starts(actors, world):
    order = place(actors, world)
    actions.order_assign(order=order, actor=actors.staff_a, helper=world.electrician)
    assert (
        client_for(actors.resident_a)
        .post(f"/service/orders/{order.pk}/cancel/", {"reason": "已修好"})
        .status_code
        == 302
    )
    order.refresh_from_db()
    world.electrician.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert world.electrician.open_orders == 0


def test_lists_are_scoped(actors, world):
    order = place(actors, world)
    assert order.number in client_for(actors.staff_a).get("/service/orders/").content.decode()
    assert order.number not in client_for(actors.staff_b).get("/service/orders/").content.decode()
    assert order.number in client_for(actors.resident_a).get("/service/orders/mine/").content.decode()
    assert client_for(actors.resident_a).get("/service/orders/").status_code == 404
