"""Calendar months typed by people (`?month=YYYY-MM`), one parser for every page and API.

Issue 13: `month=9999-12` passed `strptime` and then overflowed when the statement, the hot issues
or the calendar asked for the month after it (500). A month is accepted only while its neighbours
exist in the calendar, so "the next month" and a six-week grid around it can always be computed."""

import datetime
import re

_MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
FIRST_YEAR = 1000
LAST_YEAR = datetime.MAXYEAR - 1  # 9998: December's next month and the grid after it still exist


def parse_month(value: str | None) -> datetime.date | None:
    """The first day of 'YYYY-MM', or None when the text is not such a month (or out of range)."""
    found = _MONTH.fullmatch((value or "").strip())
    if not found:
        return None
    year, month = int(found[1]), int(found[2])
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)
