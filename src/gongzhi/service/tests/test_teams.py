"""Helper teams, members, suggestions and the per-building poster."""

from datetime import datetime

import pytest
from django.utils import timezone

from gongzhi.service import actions_teams, poster
from gongzhi.service.actions import ServiceError
from gongzhi.service.geo import point_of
from gongzhi.service.models import Helper
from gongzhi.service.suggest import availability, score, suggest_helpers
from gongzhi.service.tests.conftest import order_for
from gongzhi.service.tests.test_orders import client_for

pytestmark = pytest.mark.django_db


def brute_force_ranking(order, skill: str, when) -> list[tuple[float, int]]:  # type: ignore[no-untyped-def]
    """Every helper scored without the index or the shortcut: (score rounded to 4 places, helper id),
    best first."""
    target = point_of(order.building)
    ranked = [
        (
            round(
                score(
                    skills=h.skills,
                    skill=skill,
                    area_paths=h.area_paths,
                    order_path=order.path,
                    home=(h.home_lon, h.home_lat) if h.home_lon is not None else None,
                    target=target,
                    open_orders=h.open_orders,
                    slots=h.slots,
                    when=when,
                )[0],
                4,
            ),
            h.pk,
        )
        for h in Helper.objects.all()
    ]
    return sorted(ranked, key=lambda t: (-t[0], t[1]))


def test_teams_and_professional_subteams_belong_to_one_community(actors, world):
    sub = actions_teams.team_create(
        actor=actors.secretary_a,
        community=actors.net.a.community,
        name="电工分队",
        parent=world.team_a,
        specialty="electrician",
    )
    assert sub.parent == world.team_a
    with pytest.raises(ServiceError):
        actions_teams.team_create(
            actor=actors.staff_b, community=actors.net.b.community, name="错队", parent=world.team_a
        )
    with pytest.raises(PermissionError):
        actions_teams.team_create(actor=actors.staff_b, community=actors.net.a.community, name="越权队")
    with pytest.raises(ServiceError):
        actions_teams.team_create(
            actor=actors.secretary_a, community=actors.net.a.community, name="甲社区红小二服务队"
        )


def test_slots_are_parsed_and_bad_ones_refused():
    assert actions_teams.parse_slots("1 19:00-21:00\n7 9:00-11:30") == [
        {"day": 0, "start": "19:00", "end": "21:00"},
        {"day": 6, "start": "09:00", "end": "11:30"},
    ]
    for bad in ("8 19:00-21:00", "1 21:00-19:00", "周一晚上"):
        with pytest.raises(ServiceError):
            actions_teams.parse_slots(bad)


def test_partner_staff_need_their_unit_and_a_member_is_added_once(actors, world):
    with pytest.raises(ServiceError):
        actions_teams.helper_add(
            actor=actors.secretary_a, team=world.team_a, person=actors.person_a, kind="partner_staff"
        )
    with pytest.raises(ServiceError):
        actions_teams.helper_add(
            actor=actors.secretary_a, team=world.team_a, person=world.electrician.person, kind="volunteer"
        )


def test_the_suggestion_puts_the_skilled_near_free_available_helper_first(actors, world):
    order = order_for(actors, world, "修灯")
    ranked = suggest_helpers(order)
    assert [s.helper_id for s in ranked][0] == world.electrician.pk
    top = ranked[0]
    assert (top.skill, top.near, top.free) == (1.0, 1.0, 1.0)
    assert len(ranked) == 3  # helpers of the whole street, community B's too
    # load counts: with three open orders the electrician drops below the free repair helper of B
    world.electrician.open_orders = 3
    world.electrician.area_paths = []
    world.electrician.home_lon = None
    actions_teams.index_fields(world.electrician)
    world.electrician.save()
    ranked = suggest_helpers(order)
    assert ranked[0].helper_id == world.helper_b.pk


def test_availability_scores():
    slots = [{"day": 0, "start": "19:00", "end": "21:00"}]
    monday_8pm = datetime(2026, 11, 23, 20, 0, tzinfo=timezone.get_current_timezone())
    monday_noon = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.get_current_timezone())
    tuesday = datetime(2026, 11, 24, 20, 0, tzinfo=timezone.get_current_timezone())
    assert (
        availability(slots, monday_8pm),
        availability(slots, monday_noon),
        availability(slots, tuesday),
    ) == (1.0, 0.5, 0.0)
    assert availability([], None) == 0.0


def test_the_poster_shows_opted_in_members_only_and_a_qr_to_the_contact_page(actors, world):
    client = client_for(actors.staff_a)
    page = client.get(f"/service/poster/{actors.net.a.building.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "电工张" in html
    assert "13900000001" in html
    assert "律师李" not in html  # did not opt in
    assert "<svg" in html
    svg = client.get(f"/service/poster/{actors.net.a.building.pk}.svg")
    assert svg["Content-Type"].startswith("image/svg+xml")
    data = poster.build(actors.net.a.building, "http://testserver/service/contact/1/")
    assert data.private_count == 0
    assert [m.name for m in data.public] == ["电工张"]
    assert client_for(actors.staff_b).get(f"/service/poster/{actors.net.a.building.pk}/").status_code == 404


def test_the_pdf_explains_itself_without_a_cjk_font(actors, world, monkeypatch):
    monkeypatch.setattr(poster, "cjk_font", lambda: None)
    response = client_for(actors.staff_a).get(f"/service/poster/{actors.net.a.building.pk}.pdf")
    assert response.status_code == 503
    assert "GONGZHI_CJK_FONT" in response.content.decode()


def test_the_qr_target_leads_to_an_order_for_that_building(actors, world):
    client = client_for(actors.resident_a)
    response = client.get(f"/service/contact/{actors.net.a.building.pk}/")
    assert response.status_code == 302
    assert f"building={actors.net.a.building.pk}" in response["Location"]
    page = client.get(response["Location"])
    assert "家电维修" in page.content.decode()


def test_a_member_edits_their_own_slots_and_consent_but_not_others(actors, world):
    client = client_for(world.lawyer_user)
    response = client.post(
        "/service/helpers/me/",
        {
            "skills": ["legal"],
            "slots": "3 19:00-21:00",
            "public_on_poster": "on",
            "poster_phone": "13900000002",
        },
    )
    assert response.status_code == 302
    world.lawyer.refresh_from_db()
    assert world.lawyer.slots == [{"day": 2, "start": "19:00", "end": "21:00"}]
    assert world.lawyer.public_on_poster
    assert client.get(f"/service/helpers/{world.electrician.pk}/").status_code == 404


@pytest.mark.parametrize("wanted", [None, "monday_evening", "monday_noon"])
def test_the_sql_score_is_the_documented_formula(actors, world, wanted):

    when = {
        None: None,
        "monday_evening": datetime(2026, 11, 23, 19, 0, tzinfo=timezone.get_current_timezone()),
        "monday_noon": datetime(2026, 11, 23, 12, 0, tzinfo=timezone.get_current_timezone()),
    }[wanted]
    world.lawyer.slots = [{"day": 0, "start": "09:00", "end": "10:00"}]
    world.lawyer.home_lon, world.lawyer.home_lat = 113.915, 22.705
    actions_teams.index_fields(world.lawyer)
    world.lawyer.save()
    order = order_for(actors, world, "咨询", item=world.legal)
    order.wanted_at = when
    expected = brute_force_ranking(order, "legal", when)
    got = [(s.score, s.helper_id) for s in suggest_helpers(order)]
    assert [pk for _s, pk in got] == [pk for _s, pk in expected[:3]]
    for (a, _), (b, _) in zip(got, expected, strict=False):
        assert a == pytest.approx(b, abs=2e-3)


DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.mark.skipif(
    not __import__("pathlib").Path(DEJAVU).exists(), reason="needs a TrueType font on the machine"
)
def test_with_a_configured_font_the_poster_is_a_pdf(actors, world, settings):
    """The PDF path, with any TTF standing in for a CJK font (this machine has none)."""
    settings.GONGZHI_CJK_FONT = DEJAVU  # a new key of poster.font_for: nothing cached to clear
    response = client_for(actors.staff_a).get(f"/service/poster/{actors.net.a.building.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_configured_font_that_does_not_exist_means_no_pdf(settings):
    settings.GONGZHI_CJK_FONT = "/nonexistent/font.ttf"
    assert poster.cjk_font() is None


def test_the_skilled_first_shortcut_gives_the_same_top_three_as_scoring_everyone(actors, world):
    from conftest import make_user

    for i in range(4):  # four more repair helpers covering the building: the shortcut applies
        user = make_user(f"rep{i}", f"维修{i}", None, household=actors.net.a.household)
        actions_teams.helper_add(
            actor=actors.secretary_a,
            team=world.team_a,
            person=user.person,
            kind="volunteer",
            skills=["repair"],
            areas=[actors.net.a.building] if i % 2 else [],
            slots=[{"day": d, "start": "18:00", "end": "22:00"} for d in range(7)],
        )
    Helper.objects.filter(person__name="维修0").update(open_orders=2)
    order = order_for(actors, world, "修洗衣机")
    expected = brute_force_ranking(order, "repair", None)
    got = suggest_helpers(order)
    assert got[-1].score > 0.6  # the shortcut's condition held
    assert [s.helper_id for s in got] == [pk for _s, pk in expected[:3]]
