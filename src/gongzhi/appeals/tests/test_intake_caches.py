"""The per-process caches on the intake path (decision: issue #3 — appeals) see every change:
policy and calendar rows through the version query (also edits that fire no signal), categories,
departments and territory rows through save/delete signals."""

import datetime

import pytest
import time_machine

from gongzhi.appeals import api, deadlines, intake, routing
from gongzhi.appeals.calendar import WorkCalendar
from gongzhi.appeals.deadlines import DEFAULT, Clocks, calendar_for, clocks_for
from gongzhi.appeals.intake import IntakeError
from gongzhi.appeals.models import CalendarDay, Category, DeadlinePolicy, RoutingRule
from gongzhi.appeals.tests.helpers import at, submit
from gongzhi.orgs.models import OrgKind


def test_a_policy_change_reaches_the_cached_clocks(world):
    assert clocks_for(world.cat_urban, "normal") == DEFAULT
    row = DeadlinePolicy.objects.create(
        category=None, urgency="normal", sign_hours=1, contact_hours=4, resolve_workdays=3
    )
    assert clocks_for(world.cat_urban, "normal") == Clocks(1, 4, 3)
    # a bulk update fires no signal: the version query still sees it
    DeadlinePolicy.objects.filter(pk=row.pk).update(resolve_workdays=7)
    assert clocks_for(world.cat_urban, "normal") == Clocks(1, 4, 7)
    DeadlinePolicy.objects.filter(pk=row.pk).delete()
    assert clocks_for(world.cat_urban, "normal") == DEFAULT


def test_the_cached_clocks_are_not_read_again_while_nothing_changed(world, django_assert_num_queries):
    DeadlinePolicy.objects.create(
        category=None, urgency="normal", sign_hours=1, contact_hours=4, resolve_workdays=3
    )
    clocks_for(world.cat_urban, "normal")
    with django_assert_num_queries(1):  # the version only
        assert clocks_for(world.cat_urban, "normal") == Clocks(1, 4, 3)


def test_a_calendar_change_reaches_the_cached_calendar(db):
    day = datetime.date(2026, 6, 1)  # a Monday
    assert calendar_for(day).is_workday(day)
    row = CalendarDay.objects.create(date=day, is_workday=False, name="test")
    assert not calendar_for(day).is_workday(day)
    CalendarDay.objects.filter(pk=row.pk).update(is_workday=True)  # no signal
    assert calendar_for(day).is_workday(day)
    CalendarDay.objects.all().delete()
    assert calendar_for(day).is_workday(day)
    assert calendar_for(day).exceptions == WorkCalendar.load(day).exceptions


def test_due_times_of_an_intake_follow_a_new_holiday(actors, world):
    with time_machine.travel(at(2026, 6, 1, 10), tick=False):  # Monday
        before = submit(actors, world)
        CalendarDay.objects.create(date=datetime.date(2026, 6, 2), is_workday=False, name="test")
        after = submit(actors, world)
    assert after.resolve_due_at == before.resolve_due_at + datetime.timedelta(days=1)


def test_a_deactivated_category_is_refused_at_once(world):
    assert api.find_category(world.cat_urban.pk, None) == world.cat_urban
    world.cat_urban.active = False
    world.cat_urban.save()
    with pytest.raises(IntakeError):
        api.find_category(world.cat_urban.pk, None)
    Category.objects.filter(pk=world.cat_urban.pk).update(active=True)


def test_a_department_change_reaches_the_cached_row(world):
    first = intake._department(world.urban.pk, 1)
    assert first.kind == world.urban.kind
    world.urban.kind = OrgKind.SOCIAL_ORG
    world.urban.save()
    assert intake._department(world.urban.pk, 1).kind == OrgKind.SOCIAL_ORG


def test_a_bump_forces_a_reload(world, django_assert_num_queries):
    clocks_for(world.cat_urban, "normal")
    with django_assert_num_queries(1):  # the version only
        clocks_for(world.cat_urban, "normal")
    deadlines.DEADLINES.bump()
    with django_assert_num_queries(2):  # the version, then the policies again
        clocks_for(world.cat_urban, "normal")


# No fixture resets the caches on the intake path (decision 0046): what one test changed is kept
# with its transaction only, so the next test, with the same ids and the same ruleset version,
# reads its own rows.


def test_1_a_rule_and_a_department_changed_in_one_test_are_seen_there(world):
    rule = RoutingRule.objects.get(ruleset__version=1, position=1)
    rule.department = world.housing
    rule.save()
    world.urban.kind = OrgKind.SOCIAL_ORG
    world.urban.save()
    assert routing.route_department(category=world.cat_urban, path="") == (world.housing.pk, 1)
    assert intake._department(world.urban.pk, 1).kind == OrgKind.SOCIAL_ORG
    DeadlinePolicy.objects.create(
        category=None, urgency="normal", sign_hours=1, contact_hours=4, resolve_workdays=3
    )
    assert clocks_for(world.cat_urban, "normal") == Clocks(1, 4, 3)


def test_2_and_not_by_the_next_after_its_rollback(world):
    assert routing.route_department(category=world.cat_urban, path="") == (world.urban.pk, 1)
    assert intake._department(world.urban.pk, 1).kind == OrgKind.DEPARTMENT
    assert clocks_for(world.cat_urban, "normal") == DEFAULT


def test_the_department_handlers_read_with_the_intake_are_the_current_ones(actors, world):
    """On PostgreSQL the handlers come with the intake's first query when the cached rules already
    name the department (the second intake here); the inbox rows are the same either way."""
    from gongzhi.accounts.models import RoleAssignment
    from gongzhi.appeals.models import Notification

    first, second = submit(actors, world), submit(actors, world)
    for appeal in (first, second):
        assert appeal.department_id == world.urban.pk
        assert set(
            Notification.objects.filter(appeal=appeal, kind="assigned").values_list("recipient_id", flat=True)
        ) == {world.urban_handler.pk}
    RoleAssignment.objects.filter(person=world.urban_handler.person, organisation=world.urban).delete()
    third = submit(actors, world)
    assert not Notification.objects.filter(appeal=third, kind="assigned").exists()
