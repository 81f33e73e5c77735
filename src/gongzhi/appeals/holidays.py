"""China's official public holidays and make-up working days (调休), as data.

Source: the State Council General Office's annual notice (国务院办公厅关于<年>部分节假日安排的通知).
Only the exceptions to Monday–Friday are listed: holidays that fall on weekdays are harmless to
list either way, so every day of each holiday block is listed; make-up working days are weekend
dates marked as working days. Loaded into CalendarDay rows by `gongzhi load_holidays`; the rows
(not this module) are what the deadlines use, so a district can correct them on the calendar page
(edits: actions_calendar).

2027 is PROVISIONAL: its notice had not been published when this was written, so only the
statutory holiday days themselves (全国年节及纪念日放假办法, as amended 2024) are listed, without
bridging days or make-up working days. Reload 2027 once the notice is out (docs/appeals.md).
"""

import datetime
from collections.abc import Iterator

# year -> list of (first day, last day, name, is_workday)
Block = tuple[str, str, str, bool]

HOLIDAYS: dict[int, list[Block]] = {
    2025: [
        ("2025-01-01", "2025-01-01", "元旦", False),
        ("2025-01-26", "2025-01-26", "春节调休上班", True),
        ("2025-01-28", "2025-02-04", "春节", False),
        ("2025-02-08", "2025-02-08", "春节调休上班", True),
        ("2025-04-04", "2025-04-06", "清明节", False),
        ("2025-04-27", "2025-04-27", "劳动节调休上班", True),
        ("2025-05-01", "2025-05-05", "劳动节", False),
        ("2025-05-31", "2025-06-02", "端午节", False),
        ("2025-09-28", "2025-09-28", "国庆节调休上班", True),
        ("2025-10-01", "2025-10-08", "国庆节、中秋节", False),
        ("2025-10-11", "2025-10-11", "国庆节调休上班", True),
    ],
    2026: [
        ("2026-01-01", "2026-01-03", "元旦", False),
        ("2026-01-04", "2026-01-04", "元旦调休上班", True),
        ("2026-02-14", "2026-02-14", "春节调休上班", True),
        ("2026-02-15", "2026-02-23", "春节", False),
        ("2026-02-28", "2026-02-28", "春节调休上班", True),
        ("2026-04-04", "2026-04-06", "清明节", False),
        ("2026-05-01", "2026-05-05", "劳动节", False),
        ("2026-05-09", "2026-05-09", "劳动节调休上班", True),
        ("2026-06-19", "2026-06-21", "端午节", False),
        ("2026-09-20", "2026-09-20", "国庆节调休上班", True),
        ("2026-09-25", "2026-09-27", "中秋节", False),
        ("2026-10-01", "2026-10-07", "国庆节", False),
        ("2026-10-10", "2026-10-10", "国庆节调休上班", True),
    ],
    # PROVISIONAL (see module docstring): statutory days only.
    2027: [
        ("2027-01-01", "2027-01-01", "元旦", False),
        ("2027-02-05", "2027-02-08", "春节", False),
        ("2027-04-05", "2027-04-05", "清明节", False),
        ("2027-05-01", "2027-05-02", "劳动节", False),
        ("2027-06-09", "2027-06-09", "端午节", False),
        ("2027-09-15", "2027-09-15", "中秋节", False),
        ("2027-10-01", "2027-10-03", "国庆节", False),
    ],
}

PROVISIONAL_YEARS = frozenset({2027})


def days_for(year: int) -> Iterator[tuple[datetime.date, bool, str]]:
    """(date, is_workday, name) for every exception day of the year."""
    for first, last, name, workday in HOLIDAYS[year]:
        day = datetime.date.fromisoformat(first)
        end = datetime.date.fromisoformat(last)
        while day <= end:
            yield day, workday, name
            day += datetime.timedelta(days=1)
