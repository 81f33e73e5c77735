import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from gongzhi.appeals import actions
from gongzhi.appeals.actions_sweeps import sweep
from gongzhi.appeals.models import Appeal, AppealEvent, Notification
from gongzhi.appeals.tasks_sweeps import appeals_sweep
from gongzhi.appeals.tests.helpers import at, backdate_roles, submit
from gongzhi.appeals.workflow import Action


@pytest.fixture(autouse=True)
def _roles_from_last_year(world):
    backdate_roles()


@pytest.fixture
def appeal(actors, world):
    # Monday 2 March 2026 10:00: sign by 12:00, resolve in 5 working days → Monday 9 March 10:00
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        return submit(actors, world)


def counts(result) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    d = result.as_dict()
    return d["near_due"], d["sign_reminded"], d["overdue"], d["report_ins_escalated"]


def test_nothing_happens_while_the_clocks_are_young(appeal):
    assert counts(sweep(now=at(2026, 3, 2, 11))) == (0, 0, 0, 0)


def test_an_unsigned_appeal_past_its_signing_deadline_is_reminded_once(appeal, world):
    assert counts(sweep(now=at(2026, 3, 2, 13))) == (0, 1, 0, 0)
    assert (
        Notification.objects.filter(appeal=appeal, kind="sign_overdue", recipient=world.urban_handler).count()
        == 1
    )
    assert counts(sweep(now=at(2026, 3, 2, 14))) == (0, 0, 0, 0)
    assert Notification.objects.filter(appeal=appeal, kind="sign_overdue").count() == 1


def test_near_due_at_eighty_percent_of_the_resolution_clock_notifies_the_department_once(appeal, world):
    actions.appeal_sign(appeal=appeal, actor=world.urban_handler)
    assert counts(sweep(now=at(2026, 3, 7, 10))) == (0, 0, 0, 0)  # 5 of 7 days: 71 %
    assert counts(sweep(now=at(2026, 3, 8, 10))) == (1, 0, 0, 0)  # 6 of 7 days: 86 %
    appeal.refresh_from_db()
    assert appeal.near_due_notified_at == at(2026, 3, 8, 10)
    assert Notification.objects.filter(appeal=appeal, kind="near_due", recipient=world.urban_handler).exists()
    assert counts(sweep(now=at(2026, 3, 8, 11))) == (0, 0, 0, 0)


def test_resolution_overdue_is_marked_and_escalated_to_the_street_once(appeal, actors, world):
    actions.appeal_sign(appeal=appeal, actor=world.urban_handler)
    assert counts(sweep(now=at(2026, 3, 9, 11))) == (0, 0, 1, 0)  # past due: escalated, not "near"
    appeal.refresh_from_db()
    assert appeal.overdue_marked_at == at(2026, 3, 9, 11)
    assert appeal.escalated_at == at(2026, 3, 9, 11)
    note = AppealEvent.objects.get(appeal=appeal, action=Action.NOTE)
    assert (note.note, note.actor) == ("超期升级", None)
    assert (
        Notification.objects.filter(
            appeal=appeal, kind="overdue_escalated", recipient=actors.street_officer
        ).count()
        == 1
    )
    assert not Notification.objects.filter(kind="overdue_escalated", recipient=actors.staff_b).exists()
    before = (AppealEvent.objects.count(), Notification.objects.count())
    assert counts(sweep(now=at(2026, 3, 10, 11))) == (0, 0, 0, 0)
    assert (AppealEvent.objects.count(), Notification.objects.count()) == before


def test_a_replied_appeal_is_not_escalated(appeal, world):
    appeal = actions.appeal_sign(appeal=appeal, actor=world.urban_handler)
    actions.appeal_reply(appeal=appeal, actor=world.urban_handler, text="已现场处理完毕,请评价")
    assert counts(sweep(now=at(2026, 3, 12, 10)))[2] == 0


def test_an_extension_after_escalation_rearms_the_overdue_mark(appeal, actors, world):
    actions.appeal_sign(appeal=appeal, actor=world.urban_handler)
    sweep(now=at(2026, 3, 9, 11))
    with time_machine.travel(at(2026, 3, 9, 12), tick=False):
        request = actions.extension_request(
            appeal=appeal, actor=world.urban_handler, workdays=2, reason="等待材料"
        )
        actions.extension_decide(request=request, actor=actors.street_officer, approve=True)
    appeal.refresh_from_db()
    assert (appeal.resolve_due_at, appeal.overdue_marked_at) == (at(2026, 3, 11, 10), None)
    assert counts(sweep(now=at(2026, 3, 10, 10)))[2] == 0
    assert counts(sweep(now=at(2026, 3, 11, 11)))[2] == 1


def test_the_command_and_the_task_run_the_same_idempotent_sweep(appeal):
    with time_machine.travel(at(2026, 3, 2, 13), tick=False):
        call_command("appeals_sweep", verbosity=0)
        assert appeals_sweep.call() == {
            "near_due": 0,
            "sign_reminded": 0,
            "overdue": 0,
            "report_ins_escalated": 0,
        }
    assert Appeal.objects.get(pk=appeal.pk).overdue_marked_at is None


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrent writers")
def test_two_sweeps_at_once_escalate_and_remind_exactly_once(actors, world):
    from gongzhi.appeals.tests.test_concurrency_api import run_together

    backdate_roles()
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        appeals = [submit(actors, world) for _ in range(5)]
    for a in appeals[:3]:
        actions.appeal_sign(appeal=a, actor=world.urban_handler)
    results = run_together(2, lambda _i: sweep(now=at(2026, 3, 10, 10)))
    assert all(not isinstance(r, Exception) for r in results), results
    assert sum(r.overdue for r in results) == 5  # all five are past resolve_due_at
    assert sum(r.sign_reminded for r in results) == 2  # two were never signed
    assert AppealEvent.objects.filter(action=Action.NOTE, note="超期升级").count() == 5
    assert Notification.objects.filter(kind="overdue_escalated", recipient=actors.street_officer).count() == 5
    assert Notification.objects.filter(kind="sign_overdue", recipient=world.urban_handler).count() == 2
