import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from gongzhi.appeals.calendar import WorkCalendar
from gongzhi.appeals.holidays import HOLIDAYS, days_for
from gongzhi.appeals.models import CalendarDay

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, h: int = 10) -> datetime.datetime:
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


@pytest.fixture
def cal() -> WorkCalendar:
    call_command("load_holidays", "--year", "2026", verbosity=0)
    return WorkCalendar.load(datetime.date(2026, 1, 1))


def test_every_make_up_day_is_a_weekend_and_every_holiday_block_is_listed():
    for year in HOLIDAYS:
        for day, workday, _name in days_for(year):
            assert day.year == year
            if workday:
                assert day.weekday() >= 5, day


def test_load_holidays_is_idempotent():
    call_command("load_holidays", "--year", "2026", verbosity=0)
    first = CalendarDay.objects.count()
    call_command("load_holidays", "--year", "2026", verbosity=0)
    assert CalendarDay.objects.count() == first == len(list(days_for(2026)))
    assert CalendarDay.objects.get(date=datetime.date(2026, 2, 14)).is_workday is True


def test_add_workdays_skips_a_plain_weekend(cal):
    assert cal.add_workdays(at(2026, 3, 13), 1) == at(2026, 3, 16)  # Friday → Monday
    assert cal.add_workdays(at(2026, 3, 12), 5) == at(2026, 3, 19)


def test_add_workdays_across_spring_festival_counts_the_make_up_saturdays(cal):
    # Fri 13 Feb → Sat 14 Feb (调休上班) is the first working day; 15–23 Feb are off.
    assert cal.add_workdays(at(2026, 2, 13), 1) == at(2026, 2, 14)
    assert cal.add_workdays(at(2026, 2, 13), 2) == at(2026, 2, 24)
    # Tue 24 → Fri 27 is 3 days, Sat 28 Feb is a make-up working day, then Mon 2 Mar.
    assert cal.add_workdays(at(2026, 2, 24), 4) == at(2026, 2, 28)
    assert cal.add_workdays(at(2026, 2, 24), 5) == at(2026, 3, 2)


def test_a_start_on_a_holiday_counts_from_the_next_working_days_opening(cal):
    # Submitted on 国庆 (Sat 3 Oct): the clock starts at 09:00 on Thu 8 Oct, the first working day;
    # two working days on is Sat 10 Oct (调休上班), three is Mon 12 Oct.
    assert cal.add_workdays(at(2026, 10, 3, 22), 1) == at(2026, 10, 9, 9)
    assert cal.add_workdays(at(2026, 10, 3, 22), 2) == at(2026, 10, 10, 9)
    assert cal.add_workdays(at(2026, 10, 3, 22), 3) == at(2026, 10, 12, 9)


def test_workdays_between(cal):
    assert cal.workdays_between(datetime.date(2026, 3, 13), datetime.date(2026, 3, 16)) == 1
    assert (
        cal.workdays_between(datetime.date(2026, 2, 13), datetime.date(2026, 3, 2)) == 7
    )  # 14, 24–27, 28, 2 Mar
    assert cal.workdays_between(datetime.date(2026, 9, 30), datetime.date(2026, 10, 7)) == 0
    assert cal.workdays_between(datetime.date(2026, 10, 8), datetime.date(2026, 10, 10)) == 2


def test_is_workday_without_rows_is_monday_to_friday():
    plain = WorkCalendar({})
    assert plain.is_workday(datetime.date(2026, 10, 1))  # Thursday, no rows loaded
    assert not plain.is_workday(datetime.date(2026, 10, 3))
