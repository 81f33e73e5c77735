"""Real concurrency on PostgreSQL: the order row lock decides which of two simultaneous
assignments wins (the other gets 409), and the conditional UPDATE decides which of two
simultaneous wish claims wins."""

import pytest
from conftest import PASSWORD
from django.db import connection
from django.test import Client

from gongzhi.accounts.models import User
from gongzhi.core.testing import run_together
from gongzhi.service import actions, actions_wishes
from gongzhi.service.models import Helper, OrderEvent, ServiceOrder, Wish, WishEvent
from gongzhi.service.tests.conftest import order_for
from gongzhi.service.tests.test_wishes import make_wish
from gongzhi.service.workflow import InvalidTransition, OrderStatus, WishStatus

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_staff_assigning_at_once_one_wins_the_other_gets_409(actors, world):
    order = order_for(actors, world, "并发派单")
    helpers = [world.electrician.pk, world.lawyer.pk]

    def assign(i: int) -> int:
        client = Client()
        assert client.login(username="staff_a" if i == 0 else "secretary_a", password=PASSWORD)
        return client.post(f"/service/orders/{order.pk}/assign/", {"helper": helpers[i]}).status_code

    results = run_together(2, assign)
    assert sorted(results) == [302, 409], results
    assert OrderEvent.objects.filter(order_id=order.pk, action="assign").count() == 1
    winner = ServiceOrder.objects.get(pk=order.pk).helper_id
    assert Helper.objects.get(pk=winner).open_orders == 1
    loser = next(h for h in helpers if h != winner)
    assert Helper.objects.get(pk=loser).open_orders == 0


def test_a_helper_accepting_while_staff_cancel_exactly_one_happens(actors, world):
    order = order_for(actors, world, "接单与取消同时发生")
    actions.order_assign(order=order, actor=actors.staff_a, helper=world.electrician)

    def act(i: int):  # type: ignore[no-untyped-def]
        if i == 0:
            return actions.order_accept(
                order=ServiceOrder(pk=order.pk), actor=User.objects.get(username="helper_e")
            )
        return actions.order_cancel(
            order=ServiceOrder(pk=order.pk), actor=User.objects.get(username="staff_a")
        )

    results = run_together(2, act)
    assert sum(isinstance(r, ServiceOrder) for r in results) == 1, results
    assert sum(isinstance(r, InvalidTransition) for r in results) == 1, results
    final = ServiceOrder.objects.get(pk=order.pk)
    assert final.status in {OrderStatus.ACCEPTED, OrderStatus.CANCELLED}
    assert Helper.objects.get(pk=world.electrician.pk).open_orders == (
        1 if final.status == OrderStatus.ACCEPTED else 0
    )


def test_a_wish_claimed_twice_at_once_exactly_one_wins(actors, world):
    wish = make_wish(actors, world)
    users = ["helper_e", "helper_l", "helper_b"]

    def claim(i: int):  # type: ignore[no-untyped-def]
        user = User.objects.select_related("person").get(username=users[i])
        return actions_wishes.wish_claim(wish=Wish(pk=wish.pk), actor=user, kind="member", person=user.person)

    results = run_together(3, claim)
    assert sum(isinstance(r, Wish) for r in results) == 1, results
    assert sum(isinstance(r, InvalidTransition) for r in results) == 2, results
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED
    assert WishEvent.objects.filter(wish=wish, to_status=WishStatus.CLAIMED).count() == 1
