"""Working days: Monday–Friday, except official holidays, plus weekend make-up days (调休).
The exceptions live in CalendarDay rows so each year's State Council notice is data, not code
(written by actions_calendar)."""

import datetime

from gongzhi.appeals.models import CalendarDay


class WorkCalendar:
    """Loaded once per use from CalendarDay rows for a window; pure functions after that."""

    def __init__(self, exceptions: dict[datetime.date, bool]) -> None:
        self.exceptions = exceptions

    @classmethod
    def load(cls, start: datetime.date | None = None, years: int = 2) -> "WorkCalendar":
        rows = CalendarDay.objects.all()
        if start is not None:
            rows = rows.filter(
                date__gte=start - datetime.timedelta(days=30),
                date__lte=start + datetime.timedelta(days=366 * years),
            )
        return cls(dict(rows.values_list("date", "is_workday")))

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def add_workdays(self, start: datetime.datetime, workdays: int) -> datetime.datetime:
        """The same clock time `workdays` working days later; a start on a non-working day counts
        from the next working day's start of business (the clock does not run on holidays)."""
        moment = start
        if not self.is_workday(moment.date()):
            moment = moment.replace(hour=9, minute=0, second=0, microsecond=0)
            while not self.is_workday(moment.date()):
                moment += datetime.timedelta(days=1)
        remaining = workdays
        while remaining > 0:
            moment += datetime.timedelta(days=1)
            if self.is_workday(moment.date()):
                remaining -= 1
        return moment

    def workdays_between(self, start: datetime.date, end: datetime.date) -> int:
        days, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            days += self.is_workday(day)
        return days
