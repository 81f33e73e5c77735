"""Writes of the working-day calendar: loading the official holidays (`gongzhi load_holidays`) and a
policy manager's edits on the calendar page (/appeals/calendar/<year>/), each audited."""

import datetime
from collections.abc import Iterable

from django.db import transaction

from gongzhi.appeals.access import AppealForbidden, may_manage_calendar
from gongzhi.appeals.models import CalendarDay
from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write


def load_days(rows: Iterable[tuple[datetime.date, bool, str]]) -> int:
    """Upsert (date, is_workday, name) rows; returns how many changed."""
    changed = 0
    for day, workday, name in rows:
        _obj, created = CalendarDay.objects.update_or_create(
            date=day, defaults={"is_workday": workday, "name": name}
        )
        changed += 1 if created else 0
    return changed


def _audit(actor: Actor, action: str, row: CalendarDay) -> None:
    record_write(
        actor=actor,
        action="appeals.calendar_" + action,
        obj=row,
        detail={"date": row.date.isoformat(), "is_workday": row.is_workday, "name": row.name},
    )


def _require_manager(actor: Actor) -> None:
    if not may_manage_calendar(actor):
        raise AppealForbidden("您无权修改节假日安排")


def calendar_set_day(*, actor: Actor, day: datetime.date, is_workday: bool, name: str) -> CalendarDay:
    """Add or change one exception (a holiday, or a make-up working day); audited."""
    _require_manager(actor)
    with transaction.atomic():
        row, created = CalendarDay.objects.update_or_create(
            date=day, defaults={"is_workday": is_workday, "name": name.strip()[:40]}
        )
        _audit(actor, "add" if created else "change", row)
    return row


def calendar_remove_day(*, actor: Actor, day: datetime.date) -> bool:
    """Remove an exception: the day reverts to Monday–Friday rules; audited."""
    _require_manager(actor)
    with transaction.atomic():
        row = CalendarDay.objects.filter(date=day).first()
        if row is None:
            return False
        _audit(actor, "remove", row)
        row.delete()
    return True
