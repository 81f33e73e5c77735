"""Every page renders for the people it is for, and outsiders get 404; the staff forms work."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.service.models import Helper, HelperTeam, Pairing, ServicePost, Wish
from gongzhi.service.tests.test_orders import client_for

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/service/orders/",
    "/service/teams/",
    "/service/wishes/",
    "/service/pairings/",
    "/service/posts/",
    "/service/ranking/",
    "/service/from-appeal/",
]


def test_staff_pages_render_for_staff_and_are_404_for_residents(actors, world):
    staff, resident = client_for(actors.staff_a), client_for(actors.resident_a)
    for url in STAFF_PAGES:
        assert staff.get(url).status_code == 200, url
        assert resident.get(url).status_code == 404, url
    assert staff.get(f"/service/teams/{world.team_a.pk}/").status_code == 200
    assert client_for(actors.staff_b).get(f"/service/teams/{world.team_a.pk}/").status_code == 404
    assert staff.get(f"/service/helpers/{world.electrician.pk}/").status_code == 200


def test_everyone_pages_render(actors, world):
    resident = client_for(actors.resident_a)
    for url in [
        "/service/",
        "/service/order/",
        "/service/orders/mine/",
        "/service/notices/",
        "/service/record/",
        "/service/wishes/mine/",
        "/service/pairings/mine/",
    ]:
        assert resident.get(url).status_code == 200, url
    assert Client().get("/service/").status_code == 200
    assert Client().get("/service/order/").status_code == 302  # sign in first
    assert resident.get("/service/reportin/").status_code == 404  # not a party member
    assert client_for(world.electrician_user).get("/service/tasks/").status_code == 200


def test_staff_create_a_subteam_and_add_a_member_through_the_forms(actors, world):
    staff = client_for(actors.secretary_a)
    response = staff.post(
        "/service/teams/",
        {
            "community": actors.net.a.community.pk,
            "name": "电工分队",
            "parent": world.team_a.pk,
            "specialty": "electrician",
        },
    )
    assert response.status_code == 302
    sub = HelperTeam.objects.get(name="电工分队")
    assert sub.parent == world.team_a
    phone = "13700000009"
    from gongzhi.people.tests.factories import make_person

    make_person(name="新队员", household=actors.net.a.household, phone=phone)
    response = staff.post(
        f"/service/teams/{sub.pk}/",
        {
            "person": phone,
            "kind": "volunteer",
            "skills": ["electrician"],
            "slots": "2 19:00-21:00",
            "areas": [actors.net.a.building.pk],
        },
    )
    assert response.status_code == 302
    helper = Helper.objects.get(person__name="新队员")
    assert helper.area_paths == [actors.net.a.building.path]
    assert helper.week_hours[1 * 24 + 19] == "1"
    bad = staff.post(f"/service/teams/{sub.pk}/", {"person": phone, "kind": "volunteer", "slots": "周二晚上"})
    assert bad.status_code == 400
    # staff of another community cannot add to this team
    assert (
        client_for(actors.staff_b)
        .post(f"/service/teams/{sub.pk}/", {"person": phone, "kind": "volunteer"})
        .status_code
        == 404
    )


def test_wish_pairing_and_post_forms(actors, world):
    staff = client_for(actors.staff_a)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = staff.post(
        "/service/wishes/",
        {
            "beneficiary": "独居陈婆婆",
            "group": "elderly",
            "title": "想要一副老花镜",
            "story": "",
            "urgency": "normal",
            "due_on": due,
            "budget": "80",
        },
    )
    assert response.status_code == 302
    assert Wish.objects.get().title == "想要一副老花镜"
    assert (
        staff.post(
            "/service/wishes/",
            {
                "beneficiary": "独居陈婆婆",
                "group": "elderly",
                "title": "x",
                "urgency": "normal",
                "due_on": "昨天",
                "budget": "1",
            },
        ).status_code
        == 400
    )
    response = staff.post(
        "/service/pairings/", {"member": "党员王", "elder": "独居陈婆婆", "interval_days": "7"}
    )
    assert response.status_code == 302
    assert Pairing.objects.get().member == world.member_a
    response = staff.post(
        "/service/posts/",
        {"community": actors.net.a.community.pk, "kind": "post", "name": "楼道巡查", "capacity": "5"},
    )
    assert response.status_code == 302
    assert ServicePost.objects.get().capacity == 5
