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

from django.db.models import Avg, Count, Q, Sum
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
    start = datetime(month.year, month.month, 1, tzinfo=timezone.get_current_timezone())
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, datetime(nxt.year, nxt.month, 1, tzinfo=timezone.get_current_timezone())


def month_figures(centre: Centre, month: date, now: datetime | None = None) -> MonthFigures:
    now = now or timezone.now()
    start, end = _bounds(month)
    in_month = Q(activity__centre=centre, activity__starts_at__gte=start, activity__starts_at__lt=end)
    attendees = list(SignUp.objects.filter(in_month, status=SignUpStatus.ATTENDED).values_list("person_id", flat=True))
    bookings = Booking.objects.filter(venue__centre=centre, starts_at__gte=start, starts_at__lt=end)
    users = list(bookings.filter(status=BookingStatus.USED).values_list("person_id", flat=True))
    visits = Counter(attendees + users)
    fb = Feedback.objects.filter(in_month).aggregate(avg=Avg("rating"), n=Count("id"), good=Count("id", filter=Q(rating__gte=4)))
    due = bookings.filter(
        Q(status__in=[BookingStatus.USED, BookingStatus.NO_SHOW]) | Q(status=BookingStatus.CONFIRMED, ends_at__lte=now)
    ).aggregate(n=Count("id"), used=Count("id", filter=Q(status=BookingStatus.USED)))
    acts = Activity.objects.filter(centre=centre, starts_at__gte=start, starts_at__lt=end).aggregate(
        n=Count("id"), cap=Sum("capacity"), taken=Sum("seats_taken")
    )
    return MonthFigures(
        month=month,
        visits=sum(visits.values()),
        unique_residents=len(visits),
        repeat_visitors=sum(1 for n in visits.values() if n >= 2),
        rating=round(fb["avg"], 2) if fb["avg"] is not None else None,
        satisfied_share=round(fb["good"] / fb["n"], 3) if fb["n"] else None,
        ratings=fb["n"],
        booking_use_rate=round(due["used"] / due["n"], 3) if due["n"] else None,
        bookings_due=due["n"],
        fill_rate=round((acts["taken"] or 0) / acts["cap"], 3) if acts["cap"] else None,
        activities=acts["n"],
    )


def recent_months(today: date, count: int = 6) -> list[date]:
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def centre_evaluation(centre: Centre, months: int = 6) -> list[MonthFigures]:
    """The last `months` calendar months, newest first."""
    return [month_figures(centre, m) for m in recent_months(timezone.localdate(), months)]
