"""Centre evaluation (issue 6 item 8), per centre and calendar month. Formulas (docs/places.md):

* visits: attended sign-ups of the centre's activities + used bookings of its venues, in the month
* unique residents: distinct persons among those visits; repeat visitors: persons with ≥ 2 visits
* satisfaction: mean feedback rating (1-5) on the month's activities, and the share rated 4 or 5
* booking use rate: used ÷ (used + no-show + confirmed whose slot has passed) for bookings that
  started in the month — the share of reserved slots actually used
* fill rate: seats taken ÷ capacity of the month's activities
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from gongzhi.places.models import Activity, Booking, Centre, Feedback, SignUp
from gongzhi.places.workflow import BookingStatus, SignUpStatus


@dataclass
class MonthFigures:
    month: date
    visits: int
    unique_residents: int
    repeat_visitors: int
    rating: float | None
    satisfied_share: float | None
    ratings: int
    booking_use_rate: float | None
    bookings_due: int
    fill_rate: float | None
    activities: int


def _bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return datetime(month.year, month.month, 1, tzinfo=tz), datetime(nxt.year, nxt.month, 1, tzinfo=tz)


def _month(value: datetime) -> date:
    return timezone.localtime(value).date().replace(day=1)


def _ratio(part: int, whole: int, digits: int = 3) -> float | None:
    return round(part / whole, digits) if whole else None


def figures(centre: Centre, months: list[date], now: datetime | None = None) -> list[MonthFigures]:
    """The figures of each month, from four queries over the whole span (not four per month)."""
    now = now or timezone.now()
    start, end = _bounds(min(months))[0], _bounds(max(months))[1]
    visits: dict[date, Counter] = {m: Counter() for m in months}
    ratings: dict[date, list[int]] = {m: [] for m in months}
    due: dict[date, list[bool]] = {m: [] for m in months}
    acts: dict[date, list[tuple[int, int]]] = {m: [] for m in months}
    for person_id, at in SignUp.objects.filter(
        activity__centre=centre,
        activity__starts_at__gte=start,
        activity__starts_at__lt=end,
        status=SignUpStatus.ATTENDED,
    ).values_list("person_id", "activity__starts_at"):
        visits.setdefault(_month(at), Counter())[person_id] += 1
    for person_id, at, ends, status in Booking.objects.filter(
        venue__centre=centre, starts_at__gte=start, starts_at__lt=end
    ).values_list("person_id", "starts_at", "ends_at", "status"):
        month = _month(at)
        if status == BookingStatus.USED:
            visits.setdefault(month, Counter())[person_id] += 1
        if status in (BookingStatus.USED, BookingStatus.NO_SHOW) or (
            status == BookingStatus.CONFIRMED and ends <= now
        ):
            due.setdefault(month, []).append(status == BookingStatus.USED)
    for rating, at in Feedback.objects.filter(
        activity__centre=centre, activity__starts_at__gte=start, activity__starts_at__lt=end
    ).values_list("rating", "activity__starts_at"):
        ratings.setdefault(_month(at), []).append(rating)
    for at, capacity, taken in Activity.objects.filter(
        centre=centre, starts_at__gte=start, starts_at__lt=end
    ).values_list("starts_at", "capacity", "seats_taken"):
        acts.setdefault(_month(at), []).append((capacity, taken))
    out = []
    for month in months:
        seen, rated, used, held = visits[month], ratings[month], due[month], acts[month]
        capacity = sum(c for c, _t in held)
        out.append(
            MonthFigures(
                month=month,
                visits=sum(seen.values()),
                unique_residents=len(seen),
                repeat_visitors=sum(1 for n in seen.values() if n >= 2),
                rating=round(sum(rated) / len(rated), 2) if rated else None,
                satisfied_share=_ratio(sum(1 for r in rated if r >= 4), len(rated)),
                ratings=len(rated),
                booking_use_rate=_ratio(sum(used), len(used)),
                bookings_due=len(used),
                fill_rate=_ratio(sum(t for _c, t in held), capacity),
                activities=len(held),
            )
        )
    return out


def recent_months(today: date, count: int = 6) -> list[date]:
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def centre_evaluation(centre: Centre, months: int = 6) -> list[MonthFigures]:
    """The last `months` calendar months, newest first."""
    return figures(centre, recent_months(timezone.localdate(), months))
