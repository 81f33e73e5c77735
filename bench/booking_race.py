"""100 simultaneous attempts to book one slot, and 100 to take the last seat of an activity.

    DATABASE_URL=postgres://… .venv/bin/python bench/booking_race.py [--attempts 100] [--threads 25]

PostgreSQL (the point is real concurrent transactions; SQLite serialises writers anyway). Migrations
must have run. Builds (idempotently) a bench centre in district 990601 with one venue and one
activity, and --attempts bench persons; every run first clears the previous run's bookings and
sign-ups. --threads connections start together behind a barrier and share the attempts (the
server's max_connections is shared with other work, so not every attempt holds its own connection;
each thread runs its attempts back to back, so the slot is contested the whole time).

Figures: `confirmed` (bookings of the slot that hold it — must be 1), `refused` (attempts told
"该时段已被预约"), `seat_confirmed` (must be 1), `seat_overbooked` (seats beyond capacity — must be
0), `waitlisted`, `orphans` (bookings or sign-ups without their history event, events of refused
attempts, and a seat counter that disagrees with the rows — must be 0), `errors` (anything else).
The last line of output is one JSON object.
"""

import argparse
import json
import os
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongzhi.people.models import Person  # noqa: E402
from gongzhi.places import actions  # noqa: E402
from gongzhi.places.errors import PlacesError, SlotTaken  # noqa: E402
from gongzhi.places.models import Activity, Booking, BookingEvent, Centre, SignUp, SignUpEvent, Venue  # noqa: E402
from gongzhi.territory.actions import build_node  # noqa: E402
from gongzhi.territory.models import TerritoryNode  # noqa: E402

ALL_DAY = {str(d): [["00:00", "24:00"]] for d in range(7)}


def world(attempts: int) -> tuple[Venue, Activity, list[int]]:
    node = TerritoryNode.objects.filter(code="990601").first()
    if node is None:
        node = build_node(
            level="district", code="990601", name="基准测试区(抢订)", parent=None, geometry=None
        )
        node.save()
    centre, _ = Centre.objects.get_or_create(
        name="bench-race-centre",
        territory=node,
        defaults={"level": "community", "lon": 113.93, "lat": 22.75, "opening_hours": ALL_DAY},
    )
    venue, _ = Venue.objects.get_or_create(
        centre=centre,
        name="bench-race-room",
        defaults={"max_days_ahead": 30, "per_person_cap": 5, "slot_minutes": 30},
    )
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    activity, _ = Activity.objects.get_or_create(
        centre=centre,
        title="bench-race-activity",
        defaults={
            "organiser": "bench",
            "starts_at": start,
            "ends_at": start + timedelta(hours=1),
            "capacity": 10,
        },
    )
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=1), capacity=10, seats_taken=0
    )
    Booking.objects.filter(venue=venue).delete()
    SignUp.objects.filter(activity=activity).delete()
    have = list(
        Person.objects.filter(name__startswith="bench-racer-").order_by("id").values_list("id", flat=True)
    )
    if len(have) < attempts + 9:
        Person.objects.bulk_create([Person(name=f"bench-racer-{i}") for i in range(len(have), attempts + 9)])
        have = list(
            Person.objects.filter(name__startswith="bench-racer-").order_by("id").values_list("id", flat=True)
        )
    activity.refresh_from_db()
    return venue, activity, have


def race(threads: int, attempts: int, work) -> list:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(threads)
    results: list = [None] * attempts

    def worker(t: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(t, attempts, threads):
                try:
                    results[i] = work(i)
                except Exception as exc:  # noqa: BLE001 - classified below
                    results[i] = exc
        finally:
            connection.close()

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=100)
    parser.add_argument("--threads", type=int, default=25)
    args = parser.parse_args()
    threads = min(args.threads, args.attempts)
    venue, activity, people = world(args.attempts)
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(days=1, hours=1)
    connection.close()

    t0 = time.perf_counter()
    booked = race(
        threads,
        args.attempts,
        lambda i: actions.booking_request(
            venue=venue,
            person_id=people[i],
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            purpose="bench",
        ),
    )
    booking_seconds = time.perf_counter() - t0

    # the last seat: 9 of 10 seats taken first
    for pid in people[args.attempts : args.attempts + 9]:
        actions.signup_create(activity=activity, person_id=pid)
    connection.close()
    t0 = time.perf_counter()
    seats = race(
        threads, args.attempts, lambda i: actions.signup_create(activity=activity, person_id=people[i])
    )
    seat_seconds = time.perf_counter() - t0

    holding = Booking.objects.filter(venue=venue, status__in=["requested", "confirmed", "used"])
    refused = sum(isinstance(r, SlotTaken) for r in booked)
    seat_confirmed = sum(getattr(r, "status", "") == "confirmed" for r in seats)
    waitlisted = sum(getattr(r, "status", "") == "waitlisted" for r in seats)
    activity.refresh_from_db()
    seated = SignUp.objects.filter(activity=activity, status__in=["confirmed", "attended"]).count()
    orphans = (
        Booking.objects.filter(venue=venue).annotate(n=Count("events")).exclude(n=1).count()
        + BookingEvent.objects.filter(booking__venue=venue).exclude(booking__in=holding).count()
        + SignUp.objects.filter(activity=activity).annotate(n=Count("events")).exclude(n=1).count()
        + SignUpEvent.objects.filter(signup__activity=activity).count()
        - SignUp.objects.filter(activity=activity).count()
        + abs(activity.seats_taken - seated)
    )
    errors = [
        repr(r) for r in [*booked, *seats] if isinstance(r, Exception) and not isinstance(r, PlacesError)
    ]
    print(
        json.dumps(
            {
                "bench": "booking_race",
                "database": connection.vendor,
                "attempts": args.attempts,
                "threads": threads,
                "confirmed": holding.count(),
                "refused": refused,
                "seat_confirmed": seat_confirmed,
                "waitlisted": waitlisted,
                "seat_overbooked": max(0, seated - activity.capacity),
                "orphans": orphans,
                "errors": len(errors),
                "booking_seconds": round(booking_seconds, 3),
                "seat_seconds": round(seat_seconds, 3),
                "first_error": errors[0] if errors else None,
            }
        )
    )


if __name__ == "__main__":
    main()
