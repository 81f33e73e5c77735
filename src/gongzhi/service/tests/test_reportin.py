"""Report-in (双报到), posts, the generated service record and the quarterly ranking."""

import io
from datetime import timedelta

import pytest
from conftest import make_user
from django.utils import timezone

from gongzhi.service import actions, actions_pairing, actions_reportin, queries
from gongzhi.service.actions import ServiceError
from gongzhi.service.models import ReportIn
from gongzhi.service.tests.conftest import PNG, order_for
from gongzhi.service.tests.test_orders import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_user(world):  # type: ignore[no-untyped-def]
    user = make_user("member_u", "占位", None)
    user.person = world.member_a.person
    user.save()
    return user


def test_a_member_reports_in_and_claims_a_post_once(actors, world, member_user):
    client = client_for(member_user)
    assert client.post("/service/reportin/", {"hours_target": "30"}).status_code == 302
    report = ReportIn.objects.get()
    assert report.community == actors.net.a.community
    assert client.post("/service/reportin/", {"hours_target": "30"}).status_code == 400  # already this year
    post = actions_reportin.post_create(
        actor=actors.staff_a,
        community=actors.net.a.community,
        kind="post",
        name="周末垃圾分类督导",
        capacity=1,
    )
    assert client.post(f"/service/reportin/posts/{post.pk}/claim/").status_code == 302
    assert client.post(f"/service/reportin/posts/{post.pk}/claim/").status_code == 400
    assert report.claims.count() == 1


def test_a_full_post_refuses_the_next_member(actors, world, member_user):
    post = actions_reportin.post_create(
        actor=actors.staff_a, community=actors.net.a.community, kind="list_item", name="义务理发", capacity=1
    )
    report = actions_reportin.report_in(actor=member_user, member=world.member_a)
    actions_reportin.post_claim(actor=member_user, report=report, post=post)
    from gongzhi.people.models import PartyMember
    from gongzhi.people.tests.factories import make_person

    other_user = make_user("member_2", "党员二", None, household=actors.net.a.household)
    other = PartyMember.objects.create(
        person=other_user.person,
        kind="in_service",
        branch=world.branch_a,
        home_community=actors.net.a.community,
        workplace="某单位",
    )
    other_report = actions_reportin.report_in(actor=other_user, member=other)
    with pytest.raises(ServiceError, match="已满"):
        actions_reportin.post_claim(actor=other_user, report=other_report, post=post)
    assert make_person(name="x").pk


def test_nobody_reports_in_for_someone_else(actors, world):
    with pytest.raises(PermissionError):
        actions_reportin.report_in(actor=actors.staff_a, member=world.member_a)


def test_the_record_is_generated_from_orders_wishes_and_visits_and_exports_xlsx(actors, world, member_user):
    from gongzhi.service import actions_teams

    helper = actions_teams.helper_add(
        actor=actors.secretary_a,
        team=world.team_a,
        person=world.member_a.person,
        kind="party_member",
        skills=["repair"],
    )
    assert helper.party_member == world.member_a
    order = order_for(actors, world, "修灯")
    actions.order_assign(order=order, actor=actors.staff_a, helper=helper)
    actions.order_accept(order=order, actor=member_user)
    actions.order_fulfil(
        order=order, actor=member_user, note="好", photos=[actions.Upload("a.png", PNG)], hours="1.5"
    )
    pairing = actions_pairing.pairing_create(actor=actors.staff_a, member=world.member_a, elder=world.elder_a)
    actions_pairing.visit_log(
        actor=member_user, pairing=pairing, visited_on=timezone.localdate(), note="看望", hours="1"
    )
    rows = queries.service_record(world.member_a.person_id)
    assert sorted((r.kind, r.hours) for r in rows) == [("服务单", 1.5), ("结对探访", 1)]
    client = client_for(member_user)
    page = client.get("/service/record/")
    assert page.context["total"] == 2.5
    response = client.get("/service/record/?format=xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B2"].value == 2.5
    assert {sheet.cell(row=r, column=2).value for r in range(4, 6)} == {"服务单", "结对探访"}


def test_quarterly_ranking_orders_reported_in_members_by_hours(actors, world, member_user):
    report = actions_reportin.report_in(actor=member_user, member=world.member_a)
    pairing = actions_pairing.pairing_create(actor=actors.staff_a, member=world.member_a, elder=world.elder_a)
    actions_pairing.visit_log(
        actor=member_user, pairing=pairing, visited_on=timezone.localdate(), note="看望", hours="3"
    )
    year, quarter = queries.current_quarter()
    rows = queries.quarterly_ranking(actors.net.a.community, year, quarter)
    assert [(r.rank, r.name, r.hours) for r in rows] == [(1, world.member_a.person.name, 3)]
    start, _end = queries.quarter_bounds(year, quarter)
    earlier = start - timedelta(days=1)
    assert (
        queries.quarterly_ranking(actors.net.a.community, earlier.year, (earlier.month - 1) // 3 + 1)[0].hours
        == 0
    )
    page = client_for(actors.staff_a).get(f"/service/ranking/?community={actors.net.a.community.pk}")
    assert world.member_a.person.name in page.content.decode()
    assert client_for(actors.resident_a).get("/service/ranking/").status_code == 404
    assert report.pk
