"""Due times, computed when a stage starts and stored on the appeal."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from gongzhi.appeals import sql
from gongzhi.appeals.calendar import WorkCalendar
from gongzhi.appeals.models import CalendarDay, Category, DeadlinePolicy
from gongzhi.core.cache import Namespace


@dataclass(frozen=True)
class Clocks:
    sign_hours: int
    contact_hours: int
    resolve_workdays: int


DEFAULT = Clocks(sign_hours=2, contact_hours=24, resolve_workdays=5)


# Cached per process (core.cache, decision 0046): deadline policies and the holiday calendar change
# a few times a year, but every dispatch read both (two queries and a few dozen model rows per
# intake). The values are kept under one cheap aggregate over the two small tables (appeals/sql.py
# reads it, in the intake's one round trip): a row added, deleted or edited (policy updated_at and
# a checksum of its hours; calendar ids and which of them are working days) changes it, also an
# edit that sends no signal, in any process. Saves and deletes bump the namespace as well, so rows
# written in a transaction that rolls back (every test) are never answered from the memo.
#
# The aggregate already tells every process of every change, so a process may trust its last reading
# of the namespace's version for a while outside a transaction (its own bumps it sees at once).
RECHECK_SECONDS = 5.0
DEADLINES = Namespace("appeals.deadlines", recheck_seconds=RECHECK_SECONDS, maxsize=64)
DEADLINES.watch(DeadlinePolicy, CalendarDay)


def _version(version: tuple[Any, ...] | None) -> tuple[Any, ...]:
    return sql.deadline_version() if version is None else tuple(version)


def _policies(version: tuple[Any, ...]) -> dict[tuple[int | None, str], Clocks]:
    """The policies as they were at the aggregate `version`, loaded once per version."""

    def load() -> dict[tuple[int | None, str], Clocks]:
        return {
            (row.category_id, row.urgency): Clocks(row.sign_hours, row.contact_hours, row.resolve_workdays)
            for row in DeadlinePolicy.objects.all()
        }

    return DEADLINES.get(("policies", version), load)


def clocks_for(category: Category | None, urgency: str) -> Clocks:
    """The most specific policy: the category itself, then its ancestors, then the default row,
    then the built-in default."""
    return _clocks(_version(None), category, urgency)


def _clocks(version: tuple[Any, ...], category: Category | None, urgency: str) -> Clocks:
    lineage = category.lineage_ids() if category is not None else []
    policies = _policies(version)
    for key in [*lineage, None]:
        found = policies.get((key, urgency))
        if found is not None:
            return found
    return DEFAULT


def calendar_for(day: datetime.date) -> WorkCalendar:
    """WorkCalendar.load(day), cached per process under the same version as the policies (the
    calendar is read-only once loaded, so threads share it)."""
    return _calendar(_version(None), day)


def _calendar(version: tuple[Any, ...], day: datetime.date) -> WorkCalendar:
    return DEADLINES.get(("calendar", version, day), lambda: WorkCalendar.load(day))


def clocks_and_due(
    start: datetime.datetime, category: Category | None, urgency: str, version: tuple[Any, ...] | None = None
) -> "DueTimes":
    """due_times(start, clocks_for(category, urgency)) with one version check for both (none when
    the caller passes the version it has just read with sql.intake_prefetch)."""
    version = _version(version)
    return due_times(
        start, _clocks(version, category, urgency), _calendar(version, timezone.localtime(start).date())
    )


@dataclass(frozen=True)
class DueTimes:
    sign_due_at: datetime.datetime
    contact_due_at: datetime.datetime
    resolve_due_at: datetime.datetime


def due_times(start: datetime.datetime, clocks: Clocks, calendar: WorkCalendar | None = None) -> DueTimes:
    local = timezone.localtime(start)
    calendar = calendar or calendar_for(local.date())
    return DueTimes(
        sign_due_at=start + datetime.timedelta(hours=clocks.sign_hours),
        contact_due_at=start + datetime.timedelta(hours=clocks.contact_hours),
        resolve_due_at=calendar.add_workdays(local, clocks.resolve_workdays),
    )
