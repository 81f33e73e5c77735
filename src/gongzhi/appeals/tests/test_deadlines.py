import pytest
import time_machine
from django.core.management import call_command

from gongzhi.appeals import actions
from gongzhi.appeals.deadlines import DEFAULT, Clocks, clocks_for
from gongzhi.appeals.models import DeadlinePolicy, ExtensionRequest
from gongzhi.appeals.tests.helpers import at, backdate_roles, submit


@pytest.fixture
def holidays(db):
    call_command("load_holidays", "--year", "2026", verbosity=0)


@pytest.fixture(autouse=True)
def _roles_from_last_year(world):
    backdate_roles()


def test_clocks_come_from_the_most_specific_policy_for_the_urgency(world):
    assert clocks_for(world.cat_urban, "urgent") == DEFAULT
    DeadlinePolicy.objects.create(
        category=None, urgency="urgent", sign_hours=1, contact_hours=4, resolve_workdays=3
    )
    assert clocks_for(world.cat_urban, "urgent") == Clocks(1, 4, 3)
    DeadlinePolicy.objects.create(
        category=world.cat_urban.parent, urgency="urgent", sign_hours=1, contact_hours=2, resolve_workdays=2
    )
    assert clocks_for(world.cat_urban, "urgent") == Clocks(1, 2, 2)  # the parent beats the default
    DeadlinePolicy.objects.create(
        category=world.cat_urban, urgency="urgent", sign_hours=1, contact_hours=1, resolve_workdays=1
    )
    assert clocks_for(world.cat_urban, "urgent") == Clocks(1, 1, 1)  # the category itself beats its parent
    assert clocks_for(world.cat_other, "urgent") == Clocks(1, 4, 3)
    assert clocks_for(world.cat_urban, "normal") == DEFAULT  # another urgency is another clock


def test_dispatch_before_spring_festival_stores_due_times_past_the_holiday(actors, world, holidays):
    DeadlinePolicy.objects.create(
        category=world.cat_urban.parent, urgency="normal", sign_hours=2, contact_hours=24, resolve_workdays=2
    )
    with time_machine.travel(at(2026, 2, 13, 10), tick=False):
        appeal = submit(actors, world)
    assert appeal.sign_due_at == at(2026, 2, 13, 12)
    assert appeal.contact_due_at == at(2026, 2, 14, 10)
    # Sat 14 Feb is a make-up working day, 15–23 Feb are off: two working days end on Tue 24 Feb.
    assert appeal.resolve_due_at == at(2026, 2, 24, 10)


def test_an_approved_extension_moves_the_resolution_deadline_by_working_days(actors, world, holidays):
    with time_machine.travel(at(2026, 9, 28, 10), tick=False):  # Monday
        appeal = submit(actors, world)
        assert appeal.resolve_due_at == at(2026, 10, 10, 10)  # 29, 30 Sep, 8, 9, 10 Oct (1–7 off, 10th 调休)
        appeal = actions.appeal_sign(appeal=appeal, actor=world.urban_handler)
        request = actions.extension_request(
            appeal=appeal, actor=world.urban_handler, workdays=2, reason="需协调供电局"
        )
        actions.extension_decide(request=request, actor=actors.street_officer, approve=True)
    appeal.refresh_from_db()
    assert appeal.resolve_due_at == at(2026, 10, 13, 10)  # Mon 12 and Tue 13 Oct
    assert ExtensionRequest.objects.get(pk=request.pk).state == ExtensionRequest.State.APPROVED


def test_a_refused_extension_leaves_the_deadline(actors, world, holidays):
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        appeal = actions.appeal_sign(appeal=submit(actors, world), actor=world.urban_handler)
        due = appeal.resolve_due_at
        request = actions.extension_request(
            appeal=appeal, actor=world.urban_handler, workdays=3, reason="材料未齐"
        )
        actions.extension_decide(request=request, actor=actors.street_officer, approve=False)
    appeal.refresh_from_db()
    assert appeal.resolve_due_at == due


def test_only_a_street_officer_may_decide_an_extension(actors, world):
    appeal = actions.appeal_sign(appeal=submit(actors, world), actor=world.urban_handler)
    request = actions.extension_request(
        appeal=appeal, actor=world.urban_handler, workdays=1, reason="等待检测结果"
    )
    with pytest.raises(PermissionError):
        actions.extension_decide(request=request, actor=actors.staff_a, approve=True)
