import pytest
import time_machine
from django.http import Http404

from gongzhi.appeals import actions_whistles, whistles
from gongzhi.appeals.actions_sweeps import sweep
from gongzhi.appeals.models import AppealEvent, Notification, ReportIn, Whistle
from gongzhi.appeals.tests.helpers import IN_B, at, backdate_roles, submit
from gongzhi.appeals.workflow import Action
from gongzhi.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _roles_from_last_year(world):
    backdate_roles()


def blow(actors, world, **kw) -> Whistle:  # type: ignore[no-untyped-def]
    fields = {
        "actor": actors.staff_a,
        "kind": "key",
        "territory": actors.net.a.community,
        "reason": "小区围墙倒塌,需城管、住建联合处置",
        "lead_department": world.urban,
        "co_departments": [world.housing],
        "report_in_minutes": 30,
    }
    fields.update(kw)
    return actions_whistles.whistle_blow(**fields)


def test_blowing_names_departments_with_a_report_in_deadline_and_notes_each_appeal(actors, world):
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        appeal = submit(actors, world)
        whistle = blow(actors, world, appeals=[appeal])
    rows = {r.department_id: r for r in whistle.report_ins.all()}
    assert set(rows) == {world.urban.pk, world.housing.pk}
    assert rows[world.urban.pk].is_lead
    assert not rows[world.housing.pk].is_lead
    assert rows[world.housing.pk].due_at == at(2026, 11, 2, 9, 30)
    assert AppealEvent.objects.filter(appeal=appeal, action=Action.WHISTLE).count() == 1
    assert list(whistle.appeals.all()) == [appeal]
    assert Notification.objects.filter(kind="whistle", recipient=world.housing_handler).count() == 1
    assert AuditEntry.objects.filter(action="appeals.whistle_blow", object_id=str(whistle.pk)).exists()


@pytest.mark.parametrize("who", ["resident_a", "department_handler", "staff_b"])
def test_only_blow_whistle_roles_over_the_territory_may_blow(actors, world, who):
    with pytest.raises(PermissionError):
        blow(actors, world, actor=getattr(actors, who))
    assert not Whistle.objects.exists()


def test_an_appeal_outside_the_whistle_territory_is_refused_and_nothing_is_kept(actors, world):
    from gongzhi.appeals.tests.helpers import IN_B

    other = submit(actors, world, where=IN_B)
    with pytest.raises(whistles.WhistleError):
        blow(actors, world, appeals=[other])
    assert not Whistle.objects.exists()
    assert not AppealEvent.objects.filter(action=Action.WHISTLE).exists()


def test_report_in_on_time_and_late(actors, world):
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        whistle = blow(actors, world)
    urban = whistle.report_ins.get(department=world.urban)
    housing = whistle.report_ins.get(department=world.housing)
    with time_machine.travel(at(2026, 11, 2, 9, 20), tick=False):
        urban = actions_whistles.report_in(actor=world.urban_handler, report_in_row=urban)
        assert whistles.report_in_status(housing) == "pending"
    with time_machine.travel(at(2026, 11, 2, 9, 45), tick=False):
        assert whistles.report_in_status(housing) == "overdue"
        housing = actions_whistles.report_in(actor=world.housing_handler, report_in_row=housing)
    assert whistles.report_in_status(urban) == "on_time"
    assert whistles.report_in_status(housing) == "late"
    with pytest.raises(whistles.WhistleError):
        actions_whistles.report_in(actor=world.urban_handler, report_in_row=urban)


def test_a_department_records_its_part_only_after_reporting_in(actors, world):
    whistle = blow(actors, world)
    row = whistle.report_ins.get(department=world.urban)
    with pytest.raises(whistles.WhistleError):
        actions_whistles.record_part(actor=world.urban_handler, report_in_row=row, text="负责拆除危墙")
    actions_whistles.report_in(actor=world.urban_handler, report_in_row=row)
    row = actions_whistles.record_part(actor=world.urban_handler, report_in_row=row, text="负责拆除危墙")
    assert ReportIn.objects.get(pk=row.pk).part == "负责拆除危墙"


def test_an_outsider_department_cannot_see_or_report_in(actors, world):
    from gongzhi.orgs.models import Organisation, OrgKind

    whistle = blow(actors, world, co_departments=[])
    other = Organisation.objects.create(
        name="光明区水务局", kind=OrgKind.DEPARTMENT, territory=actors.net.district
    )
    from gongzhi.appeals.tests.conftest import _handler

    outsider = _handler("water_h", other)
    row = whistle.report_ins.get()
    with pytest.raises(Http404):
        whistles.access_whistle(outsider, whistle.pk)
    with pytest.raises(Http404):
        whistles.access_report_in(outsider, row.pk)
    with pytest.raises(Http404):
        whistles.access_whistle(actors.staff_b, whistle.pk)
    with pytest.raises(PermissionError):
        actions_whistles.report_in(actor=world.housing_handler, report_in_row=row)
    assert ReportIn.objects.get(pk=row.pk).reported_at is None
    assert whistles.access_whistle(world.urban_handler, whistle.pk) == whistle
    assert whistles.access_whistle(actors.street_officer, whistle.pk) == whistle


def test_an_overdue_report_in_is_escalated_by_the_sweep_once(actors, world):
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        whistle = blow(actors, world)
        actions_whistles.report_in(
            actor=world.urban_handler, report_in_row=whistle.report_ins.get(department=world.urban)
        )
    assert sweep(now=at(2026, 11, 2, 9, 29)).report_ins_escalated == 0
    assert sweep(now=at(2026, 11, 2, 9, 31)).report_ins_escalated == 1
    housing = whistle.report_ins.get(department=world.housing)
    assert housing.escalated_at == at(2026, 11, 2, 9, 31)
    assert whistle.report_ins.get(department=world.urban).escalated_at is None
    assert Notification.objects.filter(kind="report_in_overdue", recipient=actors.street_officer).count() == 1
    assert sweep(now=at(2026, 11, 2, 10)).report_ins_escalated == 0


def test_closing_a_whistle_stops_report_ins_and_escalation(actors, world):
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        whistle = blow(actors, world)
    with pytest.raises(PermissionError):
        actions_whistles.whistle_close(actor=world.urban_handler, whistle=whistle)
    actions_whistles.whistle_close(actor=actors.street_officer, whistle=whistle)
    assert sweep(now=at(2026, 11, 2, 11)).report_ins_escalated == 0
    with pytest.raises(whistles.WhistleError):
        actions_whistles.report_in(
            actor=world.urban_handler, report_in_row=whistle.report_ins.get(department=world.urban)
        )
    assert Whistle.objects.get(pk=whistle.pk).closed_at is not None


def test_bad_input_is_refused(actors, world):
    for bad in ({"kind": "loud"}, {"reason": "  "}, {"report_in_minutes": 2}, {"lead_department": None}):
        with pytest.raises(whistles.WhistleError):
            blow(actors, world, **bad)
    assert not Whistle.objects.exists()


# --- the daily close-out ledger -------------------------------------------------------------------


@pytest.fixture
def busy_day(actors, world):
    """27 Nov 2026 in 光明街道: 3 appeals in (one closed the same day), one appeal from the 25th
    overdue by the evening, one whistle blown (one department late, one never reports), one
    whistle from the day before closed, two notes."""
    from gongzhi.appeals import actions

    with time_machine.travel(at(2026, 11, 18, 9), tick=False):
        old = submit(actors, world)  # due Wed 25 Nov 09:00
        actions.appeal_sign(appeal=old, actor=world.urban_handler)
    with time_machine.travel(at(2026, 11, 26, 16), tick=False):
        yesterday = blow(actors, world, co_departments=[])
        actions_whistles.report_in(actor=world.urban_handler, report_in_row=yesterday.report_ins.get())
    with time_machine.travel(at(2026, 11, 27, 8), tick=False):
        first = submit(actors, world)
        submit(actors, world)
        whistle = blow(actors, world)
    with time_machine.travel(at(2026, 11, 27, 8, 40), tick=False):
        actions_whistles.report_in(
            actor=world.urban_handler, report_in_row=whistle.report_ins.get(department=world.urban)
        )
    with time_machine.travel(at(2026, 11, 27, 11), tick=False):
        first = actions.appeal_sign(appeal=first, actor=world.urban_handler)
        first = actions.appeal_reply(appeal=first, actor=world.urban_handler, text="已劝离占道摊贩")
        actions.appeal_rate(appeal=first, actor=actors.resident_a, satisfaction="satisfied", solved=True)
        actions_whistles.whistle_close(actor=actors.street_officer, whistle=yesterday)
        for kind, text in (("consult", "城管、住建会商围墙处置方案"), ("feedback", "已向居民反馈")):
            actions_whistles.consult_note_add(
                actor=actors.street_officer,
                street=actors.net.street,
                day=at(2026, 11, 27).date(),
                kind=kind,
                text=text,
            )
    with time_machine.travel(at(2026, 11, 28, 9), tick=False):
        submit(actors, world, where=IN_B)  # the next day: not counted
    return actors.net.street


def test_the_ledger_counts_a_hand_built_day_exactly(busy_day):
    from gongzhi.appeals.rates import daily_ledger

    ledger = daily_ledger(busy_day, at(2026, 11, 27).date())
    assert (ledger.appeals_opened, ledger.appeals_closed, ledger.appeals_overdue) == (2, 1, 1)
    assert (ledger.whistles_opened, ledger.whistles_closed, ledger.report_ins_late) == (1, 1, 2)
    assert [n.kind for n in ledger.notes] == ["consult", "feedback"]


def test_the_ledger_page_and_its_xlsx_export_carry_the_same_numbers(busy_day, actors, client):
    from io import BytesIO
    from urllib.parse import quote

    from openpyxl import load_workbook

    client.force_login(actors.street_officer)
    url = f"/appeals/closeout/{busy_day.pk}/2026-11-27/"
    page = client.get(url)
    assert page.status_code == 200
    assert "城管、住建会商围墙处置方案" in page.content.decode()
    response = client.get(url + "xlsx/")
    assert response.status_code == 200
    assert f"filename*=utf-8''{quote('光明街道日销账-2026-11-27.xlsx')}" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    figures = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, max_row=9, values_only=True)}
    assert figures == {
        "新增诉求": 2,
        "办结诉求": 1,
        "超期未办结(日终)": 1,
        "新吹哨": 1,
        "销号哨": 1,
        "报到迟到/未报到": 2,
    }
    assert any(row[1] == "已向居民反馈" for row in sheet.iter_rows(values_only=True))


def test_community_staff_cannot_read_the_street_ledger(busy_day, actors, client):
    client.force_login(actors.staff_b)
    assert client.get(f"/appeals/closeout/{busy_day.pk}/2026-11-27/").status_code == 404
    assert client.get(f"/appeals/closeout/{busy_day.pk}/2026-11-27/xlsx/").status_code == 404


# --- pages ---------------------------------------------------------------------------------------


def _blow_form(actors, world, **changes):  # type: ignore[no-untyped-def]
    """The blow page's fields: a tough whistle in community A, led by the urban department."""
    return {
        "kind": "tough",
        "territory": actors.net.a.community.pk,
        "reason": "违建整治",
        "lead_department": world.urban.pk,
        "report_in_minutes": 30,
        **changes,
    }


def test_blow_page_creates_a_whistle_and_the_department_reports_in(actors, world, client):
    client.force_login(actors.staff_a)
    assert client.get("/appeals/whistles/new/").status_code == 200
    response = client.post(
        "/appeals/whistles/new/", _blow_form(actors, world, co_departments=[world.housing.pk])
    )
    whistle = Whistle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/appeals/whistles/{whistle.pk}/"
    client.force_login(world.urban_handler)
    listing = client.get("/appeals/whistles/").content.decode()
    assert "违建整治" in listing
    row = whistle.report_ins.get(department=world.urban)
    assert client.post(f"/appeals/whistles/report-in/{row.pk}/").status_code == 302
    assert ReportIn.objects.get(pk=row.pk).reported_at is not None
    detail = client.get(f"/appeals/whistles/{whistle.pk}/").content.decode()
    assert "按时报到" in detail


def test_a_role_without_blow_whistle_gets_403_and_nothing_is_created(actors, world, client):
    client.force_login(world.urban_handler)
    assert client.get("/appeals/whistles/new/").status_code == 403
    response = client.post("/appeals/whistles/new/", _blow_form(actors, world, kind="key", reason="x"))
    assert response.status_code == 403
    assert not Whistle.objects.exists()


def test_an_outsider_department_gets_404_on_the_whistle_and_its_report_in(actors, world, client):
    whistle = blow(actors, world, co_departments=[])
    row = whistle.report_ins.get()
    client.force_login(world.housing_handler)
    assert client.get(f"/appeals/whistles/{whistle.pk}/").status_code == 404
    assert client.post(f"/appeals/whistles/report-in/{row.pk}/").status_code == 404
    assert ReportIn.objects.get(pk=row.pk).reported_at is None


def test_the_calendar_page_is_for_policy_managers_and_edits_are_audited(actors, client):
    from gongzhi.accounts.models import RoleAssignment
    from gongzhi.accounts.roles import Role
    from gongzhi.appeals.models import CalendarDay

    client.force_login(actors.street_officer)
    assert client.get("/appeals/calendar/2026/").status_code == 403
    RoleAssignment.objects.create(
        person=actors.street_officer.person, role=Role.DISTRICT_ADMIN, territory=actors.net.district
    )
    client.force_login(actors.street_officer)
    assert client.get("/appeals/calendar/2026/").status_code == 200
    client.post("/appeals/calendar/2026/", {"date": "2026-12-31", "is_workday": "0", "name": "区级调整"})
    assert CalendarDay.objects.get(date="2026-12-31").is_workday is False
    client.post("/appeals/calendar/2026/", {"remove": "2026-12-31"})
    assert not CalendarDay.objects.filter(date="2026-12-31").exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="appeals.calendar_")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == [
        "appeals.calendar_add",
        "appeals.calendar_remove",
    ]


def test_a_report_in_not_yet_due_is_not_counted_late_in_todays_ledger(actors, world):
    from gongzhi.appeals.rates import daily_ledger

    with time_machine.travel(at(2026, 11, 27, 9), tick=False):
        blow(actors, world)
        assert daily_ledger(actors.net.street, at(2026, 11, 27).date()).report_ins_late == 0
    with time_machine.travel(at(2026, 11, 27, 9, 31), tick=False):
        assert daily_ledger(actors.net.street, at(2026, 11, 27).date()).report_ins_late == 2


def test_the_whistle_list_has_no_query_per_whistle(actors, world, client, django_assert_max_num_queries):
    for n in range(6):
        blow(actors, world, reason=f"联合处置第{n}号")
    client.force_login(world.urban_handler)
    with django_assert_max_num_queries(14):
        body = client.get("/appeals/whistles/").content.decode()
    assert body.count("联合处置第") == 12  # each whistle in the list and in the department's duties


def test_blowing_from_an_appeal_links_it_and_an_outsiders_appeal_is_404(actors, world, client):
    appeal = submit(actors, world)
    client.force_login(actors.staff_b)
    assert client.get(f"/appeals/whistles/new/?appeal={appeal.pk}").status_code == 404
    client.force_login(actors.staff_a)
    form = client.get(f"/appeals/whistles/new/?appeal={appeal.pk}").content.decode()
    assert appeal.number in form
    client.post(
        f"/appeals/whistles/new/?appeal={appeal.pk}",
        {
            "kind": "key",
            "territory": actors.net.a.community.pk,
            "reason": "占道经营反复",
            "lead_department": world.urban.pk,
            "report_in_minutes": 20,
        },
    )
    assert list(Whistle.objects.get().appeals.all()) == [appeal]
    assert AppealEvent.objects.filter(appeal=appeal, action=Action.WHISTLE).exists()
