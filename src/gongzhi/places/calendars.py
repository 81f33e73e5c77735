"""Month grid for the calendar page and ICS export (icalendar) for activities."""

import calendar
from datetime import date, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from gongzhi.core import months
from gongzhi.places.models import Activity


def month_grid(month: date, activities: list[Activity]) -> list[list[dict]]:
    """Weeks (Monday first) of {"day": date, "in_month": bool, "activities": [...]}."""
    by_day: dict[date, list[Activity]] = {}
    for act in activities:
        by_day.setdefault(timezone.localtime(act.starts_at).date(), []).append(act)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        weeks.append(
            [{"day": d, "in_month": d.month == month.month, "activities": by_day.get(d, [])} for d in week]
        )
    return weeks


def month_bounds(month: date) -> tuple[datetime, datetime]:
    first = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)[0][0]
    start = datetime(first.year, first.month, first.day, tzinfo=timezone.get_current_timezone())
    return start, start + timedelta(days=42)


def parse_month(value: str | None, today: date) -> date:
    """The month asked for, or this month for anything that is not a month of the calendar."""
    return months.parse_month(value) or today.replace(day=1)


def ics(activities: list[Activity], name: str, base_url: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//gongzhi//places//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for act in activities:
        event = Event()
        event.add("uid", f"activity-{act.pk}@gongzhi")
        event.add("summary", act.title)
        event.add("dtstart", act.starts_at)
        event.add("dtend", act.ends_at)
        event.add("dtstamp", act.updated_at)
        where = act.centre.name + (f" · {act.venue.name}" if act.venue_id else "")
        event.add("location", f"{where} {act.centre.address}".strip())
        event.add("description", act.description)
        event.add("url", f"{base_url}/places/a/{act.pk}/")
        cal.add_component(event)
    return cal.to_ical()
