"""PostgreSQL: simultaneous draws on one offer never hand out a space twice."""

import pytest
from django.db import connection

from gongzhi.accounts.models import User
from gongzhi.core.testing import run_together
from gongzhi.parking import actions
from gongzhi.parking.models import ParkingDraw, ParkingOffer, ParkingPermit
from gongzhi.parking.tests.conftest import apply, make_offer

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_simultaneous_draws_allocate_each_space_once(actors, unit_a, residents):
    offer = make_offer(actors.staff_a, unit_a, spaces=2)
    for i, u in enumerate(residents):
        apply(u, offer, f"粤B3000{i}")

    def draw(i):
        staff = User.objects.get(pk=actors.staff_a.pk)
        return actions.draw_run(actor=staff, offer=ParkingOffer(pk=offer.pk))

    results = run_together(4, draw)
    draws = [r for r in results if isinstance(r, ParkingDraw)]
    refused = [r for r in results if isinstance(r, actions.ParkingError)]
    assert (len(draws), len(refused)) == (1, 3), results
    spaces = list(
        ParkingPermit.objects.filter(offer=offer, status="active").values_list("space_no", flat=True)
    )
    assert sorted(spaces) == [1, 2]


def test_simultaneous_draws_on_a_fresh_round_never_double_allocate(actors, unit_a, residents):
    """Two rounds racing after a revocation: one gets the freed space, the other finds none free."""
    offer = make_offer(actors.staff_a, unit_a, spaces=1)
    apply(residents[0], offer, "粤B30000")
    actions.draw_run(actor=actors.staff_a, offer=offer)
    actions.permit_revoke(actor=actors.staff_a, permit=ParkingPermit.objects.get(), reason="搬离")
    apply(residents[1], offer, "粤B30001")
    apply(residents[2], offer, "粤B30002")

    def draw(i):
        staff = User.objects.get(pk=actors.staff_a.pk)
        return actions.draw_run(actor=staff, offer=ParkingOffer(pk=offer.pk))

    run_together(2, draw)
    assert ParkingPermit.objects.filter(offer=offer, status="active").count() == 1
