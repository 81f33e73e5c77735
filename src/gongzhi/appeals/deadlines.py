"""Due times, computed when a stage starts and stored on the appeal."""

import datetime
import threading
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from gongzhi.appeals import sql
from gongzhi.appeals.calendar import WorkCalendar
from gongzhi.appeals.models import CalendarDay, Category, DeadlinePolicy


@dataclass(frozen=True)
class Clocks:
    sign_hours: int
    contact_hours: int
    resolve_workdays: int


DEFAULT = Clocks(sign_hours=2, contact_hours=24, resolve_workdays=5)


# Cached per process: deadline policies and the holiday calendar change a few times a year, but
# every dispatch read both (two queries and a few dozen model rows per intake). One cheap
# aggregate over the two small tables is the version: a row added, deleted or edited (policy
# updated_at and a checksum of its hours; calendar ids and which of them are working days) changes it, and so does a
# rolled-back edit (appeals/sql.py reads it). Saves and deletes in this process also drop the cache
# at once (signals below).
_lock = threading.Lock()
_cache: dict[str, Any] = {"version": None, "policies": {}, "calendars": {}}


def _current(version: tuple | None = None) -> dict[str, Any]:
    """The cache for the current version (read now unless given), reloading the policies when the
    version moved."""
    global _cache
    version = sql.deadline_version() if version is None else tuple(version)
    cache = _cache
    if cache["version"] == version:
        return cache
    with _lock:
        policies = {
            (row.category_id, row.urgency): Clocks(row.sign_hours, row.contact_hours, row.resolve_workdays)
            for row in DeadlinePolicy.objects.all()
        }
        _cache = {"version": version, "policies": policies, "calendars": {}}
        return _cache


def reset_cache(**_kwargs: Any) -> None:
    global _cache
    _cache = {"version": None, "policies": {}, "calendars": {}}


for _model in (DeadlinePolicy, CalendarDay):
    post_save.connect(reset_cache, sender=_model, dispatch_uid=f"deadlines_reset_{_model.__name__}")
    post_delete.connect(reset_cache, sender=_model, dispatch_uid=f"deadlines_reset_del_{_model.__name__}")


def clocks_for(category: Category | None, urgency: str) -> Clocks:
    """The most specific policy: the category itself, then its ancestors, then the default row,
    then the built-in default."""
    return _clocks(_current(), category, urgency)


def _clocks(cache: dict[str, Any], category: Category | None, urgency: str) -> Clocks:
    lineage = category.lineage_ids() if category is not None else []
    policies = cache["policies"]
    for key in [*lineage, None]:
        found = policies.get((key, urgency))
        if found is not None:
            return found
    return DEFAULT


def calendar_for(day: datetime.date) -> WorkCalendar:
    """WorkCalendar.load(day), cached per process under the same version as the policies (the
    calendar is read-only once loaded, so threads share it)."""
    return _calendar(_current(), day)


def _calendar(cache: dict[str, Any], day: datetime.date) -> WorkCalendar:
    calendars = cache["calendars"]
    found = calendars.get(day)
    if found is None:
        found = WorkCalendar.load(day)
        if len(calendars) > 16:  # one entry per local day in practice
            calendars.clear()
        calendars[day] = found
    return found


def clocks_and_due(
    start: datetime.datetime, category: Category | None, urgency: str, version: tuple | None = None
) -> "DueTimes":
    """due_times(start, clocks_for(category, urgency)) with one version check for both (none when
    the caller passes the version it has just read with sql.intake_prefetch)."""
    cache = _current(version)
    return due_times(
        start, _clocks(cache, category, urgency), _calendar(cache, timezone.localtime(start).date())
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
