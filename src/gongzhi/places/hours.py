"""Opening hours: {"0": [["09:00", "18:00"]], …} keyed by date.weekday(), plus closed dates."""

from datetime import date, datetime, time

from django.utils.translation import gettext_lazy as _

WEEKDAY_NAMES = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    if hours == "24" and minutes == "00":
        return time(23, 59, 59)
    return time(int(hours), int(minutes))


def within_hours(hours: dict, closed: set[str], start: datetime, end: datetime) -> bool:
    """True when [start, end) (local, aware) lies inside one opening interval of a day that is not
    closed. Bookings never span midnight."""
    day: date = start.date()
    if end.date() != day and not (end.time() == time(0) and (end.date() - day).days == 1):
        return False
    if day.isoformat() in closed:
        return False
    end_time = time(23, 59, 59) if end.date() != day else end.time()
    for opens, closes in hours.get(str(day.weekday()), []):
        if parse_hhmm(opens) <= start.time() and end_time <= parse_hhmm(closes):
            return True
    return False


def hours_table(hours: dict) -> list[tuple[object, str]]:
    rows = []
    for weekday, name in enumerate(WEEKDAY_NAMES):
        spans = hours.get(str(weekday), [])
        rows.append((name, "、".join(f"{a}–{b}" for a, b in spans) if spans else str(_("闭馆"))))
    return rows


def standard_hours(weekend: bool = True) -> dict:
    days = {str(d): [["09:00", "12:00"], ["14:00", "21:00"]] for d in range(5)}
    if weekend:
        days |= {"5": [["09:00", "17:00"]], "6": [["09:00", "17:00"]]}
    return days
