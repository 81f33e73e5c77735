"""Due times, computed when a stage starts and stored on the appeal."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from gongzhi.appeals.calendar import WorkCalendar
from gongzhi.appeals.models import Category, DeadlinePolicy


@dataclass(frozen=True)
class Clocks:
    sign_hours: int
    contact_hours: int
    resolve_workdays: int


DEFAULT = Clocks(sign_hours=2, contact_hours=24, resolve_workdays=5)


def clocks_for(category: Category | None, urgency: str) -> Clocks:
    """The most specific policy: the category itself, then its ancestors, then the default row,
    then the built-in default."""
    lineage = category.lineage_ids() if category is not None else []
    rows = {
        row.category_id: row
        for row in DeadlinePolicy.objects.filter(urgency=urgency).filter(
            category_id__in=lineage
        ) | DeadlinePolicy.objects.filter(urgency=urgency, category__isnull=True)
    }
    for key in [*lineage, None]:
        if key in rows:
            row = rows[key]
            return Clocks(row.sign_hours, row.contact_hours, row.resolve_workdays)
    return DEFAULT


@dataclass(frozen=True)
class DueTimes:
    sign_due_at: datetime.datetime
    contact_due_at: datetime.datetime
    resolve_due_at: datetime.datetime


def due_times(start: datetime.datetime, clocks: Clocks, calendar: WorkCalendar | None = None) -> DueTimes:
    local = timezone.localtime(start)
    calendar = calendar or WorkCalendar.load(local.date())
    return DueTimes(
        sign_due_at=start + datetime.timedelta(hours=clocks.sign_hours),
        contact_due_at=start + datetime.timedelta(hours=clocks.contact_hours),
        resolve_due_at=calendar.add_workdays(local, clocks.resolve_workdays),
    )
