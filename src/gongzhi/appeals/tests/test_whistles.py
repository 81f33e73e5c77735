import pytest
import time_machine
from django.http import Http404

from gongzhi.appeals import whistles
from gongzhi.appeals.models import AppealEvent, Notification, ReportIn, Whistle
from gongzhi.appeals.sweeps import sweep
from gongzhi.appeals.tests.helpers import at, backdate_roles, submit
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
    return whistles.whistle_blow(**fields)


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
        urban = whistles.report_in(actor=world.urban_handler, report_in_row=urban)
        assert whistles.report_in_status(housing) == "pending"
    with time_machine.travel(at(2026, 11, 2, 9, 45), tick=False):
        assert whistles.report_in_status(housing) == "overdue"
        housing = whistles.report_in(actor=world.housing_handler, report_in_row=housing)
    assert whistles.report_in_status(urban) == "on_time"
    assert whistles.report_in_status(housing) == "late"
    with pytest.raises(whistles.WhistleError):
        whistles.report_in(actor=world.urban_handler, report_in_row=urban)


def test_a_department_records_its_part_only_after_reporting_in(actors, world):
    whistle = blow(actors, world)
    row = whistle.report_ins.get(department=world.urban)
    with pytest.raises(whistles.WhistleError):
        whistles.record_part(actor=world.urban_handler, report_in_row=row, text="负责拆除危墙")
    whistles.report_in(actor=world.urban_handler, report_in_row=row)
    row = whistles.record_part(actor=world.urban_handler, report_in_row=row, text="负责拆除危墙")
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
        whistles.report_in(actor=world.housing_handler, report_in_row=row)
    assert ReportIn.objects.get(pk=row.pk).reported_at is None
    assert whistles.access_whistle(world.urban_handler, whistle.pk) == whistle
    assert whistles.access_whistle(actors.street_officer, whistle.pk) == whistle


def test_an_overdue_report_in_is_escalated_by_the_sweep_once(actors, world):
    with time_machine.travel(at(2026, 11, 2, 9), tick=False):
        whistle = blow(actors, world)
        whistles.report_in(
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
        whistles.whistle_close(actor=world.urban_handler, whistle=whistle)
    whistles.whistle_close(actor=actors.street_officer, whistle=whistle)
    assert sweep(now=at(2026, 11, 2, 11)).report_ins_escalated == 0
    with pytest.raises(whistles.WhistleError):
        whistles.report_in(
            actor=world.urban_handler, report_in_row=whistle.report_ins.get(department=world.urban)
        )
    assert Whistle.objects.get(pk=whistle.pk).closed_at is not None


def test_bad_input_is_refused(actors, world):
    for bad in ({"kind": "loud"}, {"reason": "  "}, {"report_in_minutes": 2}, {"lead_department": None}):
        with pytest.raises(whistles.WhistleError):
            blow(actors, world, **bad)
    assert not Whistle.objects.exists()
