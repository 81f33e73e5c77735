"""Small wishes: recorded by staff, a public wall without identity, claims, fulfilment, stats."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.points.queries import balance
from gongzhi.service import actions_wishes
from gongzhi.service.actions import ServiceError, Upload
from gongzhi.service.models import Wish
from gongzhi.service.tests.conftest import PNG
from gongzhi.service.tests.test_orders import client_for
from gongzhi.service.workflow import InvalidTransition, WishStatus

pytestmark = pytest.mark.django_db


def make_wish(actors, world, **kw) -> Wish:  # type: ignore[no-untyped-def]
    return actions_wishes.wish_create(
        actor=actors.staff_a,
        beneficiary=world.elder_a,
        group="elderly",
        title=kw.get("title", "想要一台收音机"),
        story=kw.get("story", "老人视力不好,喜欢听戏"),
        urgency="high",
        due_on=timezone.localdate() + timedelta(days=10),
        budget="120",
    )


def test_the_public_wall_shows_the_wish_and_never_the_person(actors, world):
    wish = make_wish(actors, world)
    page = Client().get("/service/wishes/wall/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "想要一台收音机" in html
    assert actors.net.a.community.name in html
    assert world.elder_a.name not in html
    assert world.elder_a.phone_masked not in html
    for finer in (actors.net.a.building.name, actors.net.a.compound.name, actors.net.a.household.name):
        assert f">{finer}<" not in html
        assert f" {finer} " not in html
    assert wish.pk


def test_staff_cannot_put_the_persons_name_on_the_wall(actors, world):
    with pytest.raises(ServiceError):
        make_wish(actors, world, title=f"{world.elder_a.name}想要收音机")


def test_staff_of_another_community_cannot_record_or_see_it(actors, world):
    with pytest.raises(PermissionError):
        actions_wishes.wish_create(
            actor=actors.staff_b,
            beneficiary=world.elder_a,
            group="elderly",
            title="收音机",
            story="",
            urgency="low",
            due_on=timezone.localdate(),
            budget="10",
        )
    wish = make_wish(actors, world)
    assert client_for(actors.staff_b).get(f"/service/wishes/{wish.pk}/").status_code == 404


def test_a_member_claims_from_the_wall_fulfils_with_a_photo_and_earns_points(actors, world):
    wish = make_wish(actors, world)
    helper = client_for(world.electrician_user)
    assert helper.post(f"/service/wishes/wall/{wish.pk}/claim/").status_code == 302
    wish.refresh_from_db()
    assert (wish.status, wish.claimant_person_id) == (WishStatus.CLAIMED, world.electrician_user.person.pk)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = helper.post(
        f"/service/wishes/{wish.pk}/fulfil/",
        {
            "note": "送去了收音机",
            "hours": "1",
            "photo": SimpleUploadedFile("a.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    wish.refresh_from_db()
    assert wish.status == WishStatus.FULFILLED
    assert balance(world.electrician_user.person) == 20
    # the wall names no claiming person either
    assert world.electrician_user.person.name not in Client().get("/service/wishes/wall/").content.decode()


def test_a_resident_who_is_not_a_member_cannot_claim(actors, world):
    wish = make_wish(actors, world)
    assert client_for(actors.resident_a).post(f"/service/wishes/wall/{wish.pk}/claim/").status_code == 403
    wish.refresh_from_db()
    assert wish.status == WishStatus.OPEN


def test_a_second_claim_gets_409(actors, world):
    wish = make_wish(actors, world)
    actions_wishes.wish_claim(
        wish=wish, actor=world.electrician_user, kind="member", person=world.electrician_user.person
    )
    response = client_for(world.lawyer_user).post(f"/service/wishes/wall/{wish.pk}/claim/")
    assert response.status_code == 409
    wish.refresh_from_db()
    assert wish.claimant_person_id == world.electrician_user.person.pk


def test_staff_claim_for_a_team_and_the_wall_shows_the_team(actors, world):
    wish = make_wish(actors, world)
    response = client_for(actors.staff_a).post(
        f"/service/wishes/{wish.pk}/claim/", {"kind": "team", "team": world.team_a.pk}
    )
    assert response.status_code == 302
    assert world.team_a.name in Client().get("/service/wishes/wall/").content.decode()
    with pytest.raises(InvalidTransition):
        actions_wishes.wish_claim(wish=wish, actor=actors.staff_a, kind="team", team=world.team_a)


def test_a_fulfilment_needs_a_real_image(actors, world):
    wish = make_wish(actors, world)
    actions_wishes.wish_claim(
        wish=wish, actor=world.electrician_user, kind="member", person=world.electrician_user.person
    )
    with pytest.raises(ServiceError):
        actions_wishes.wish_fulfil(
            wish=wish, actor=world.electrician_user, note="好", photo=Upload("a.png", b"GIF00")
        )
    with pytest.raises(PermissionError):
        actions_wishes.wish_fulfil(wish=wish, actor=world.lawyer_user, note="好", photo=Upload("a.png", PNG))


def test_statistics_per_community_and_expiry(actors, world):
    wish = make_wish(actors, world)
    make_wish(actors, world, title="想要轮椅")
    Wish.objects.filter(pk=wish.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert actions_wishes.expire_wishes() == 1
    assert actions_wishes.expire_wishes() == 0
    stats = client_for(actors.staff_a).get("/service/wishes/").context["stats"]
    assert [(s["community__name"], s["total"], s["open"], s["expired"]) for s in stats] == [
        (actors.net.a.community.name, 2, 1, 1)
    ]
    assert client_for(actors.staff_b).get("/service/wishes/").context["stats"] == []
    assert Wish.objects.get(pk=wish.pk).budget == Decimal("120.00")
