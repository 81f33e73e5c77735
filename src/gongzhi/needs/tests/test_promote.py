"""Promoting an appeal or a small wish into a need: idempotent, scoped."""

import datetime
from decimal import Decimal

from django.urls import reverse

from gongzhi.appeals.intake import appeal_submit
from gongzhi.needs.models import Need


def test_staff_promote_an_appeal_once_and_outsiders_get_404(client, actors, world):
    appeal = appeal_submit(
        actor=None,
        channel="api",
        text="小区门口缺少无障碍坡道",
        category=world.cat_urban,
        lon=113.9012,
        lat=22.7012,
    ).appeal
    client.force_login(actors.staff_a)
    data = {"source": "appeal", "number": appeal.pk, "category": "facilities"}
    first = client.post(reverse("needs:promote"), data)
    second = client.post(reverse("needs:promote"), data)
    need = Need.objects.get()
    assert first["Location"] == second["Location"] == reverse("needs:need", args=[need.pk])
    assert (need.source, need.source_id, need.community) == ("appeal", appeal.pk, actors.net.a.community)
    client.force_login(actors.staff_b)
    assert client.post(reverse("needs:promote"), data).status_code == 404
    assert Need.objects.count() == 1


def test_a_wish_becomes_a_need_without_its_beneficiary(client, actors):
    from gongzhi.service.models import Wish

    wish = Wish.objects.create(
        community=actors.net.a.community,
        path=actors.net.a.community.path,
        beneficiary=actors.person_a,
        group="elderly",
        title="想要一台助听器",
        story="听力下降",
        due_on=datetime.date(2026, 12, 31),
        budget=Decimal("800"),
    )
    client.force_login(actors.staff_a)
    response = client.post(reverse("needs:promote"), {"source": "wish", "number": wish.pk, "category": ""})
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.category, need.quantity, need.measure, need.source) == ("elderly", 800, "yuan", "wish")
    assert need.submitted_by is None
    assert actors.person_a.name not in client.get(reverse("needs:need", args=[need.pk])).content.decode()
