"""Reads of places: nearest centres, a centre's page, a venue's taken slots, one's sign-ups and
bookings, a month of activities; the pages call these and render."""

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from gongzhi.appeals.routing import match_address
from gongzhi.core.actors import Actor
from gongzhi.places import geo
from gongzhi.places.evaluation import centre_evaluation
from gongzhi.places.models import Activity, Booking, Centre, SignUp, Venue
from gongzhi.places.needs import tags_for
from gongzhi.places.workflow import BOOKING_HOLDS, SIGNUP_ACTIVE, BookingStatus, SignUpStatus


def nearest_centres(
    lon: float, lat: float, limit: int = 10, need: str | None = None
) -> list[tuple[Centre, float]]:
    """Active centres nearest to (lon, lat), as (centre, straight-line metres), nearest first; with
    `need` ("legal aid", "法律援助", …) only centres offering it. Walking figures: geo.walking_*."""
    index = geo.get_index()
    found = index.nearest(float(lon), float(lat), int(limit), tags_for(need))
    # rows come from the index itself: no query (they are as fresh as the index version)
    return [(index.centres[cid], metres) for cid, metres in found]


def walking(metres: float) -> dict:
    return {
        "straight_m": round(metres),
        "walk_m": geo.walking_metres(metres),
        "walk_min": geo.walking_minutes(metres),
    }


def nearest_resources(lon: float, lat: float, limit: int = 5, need: str | None = None) -> list:
    """The resource library of the circles app, when it is installed (imported lazily so places
    works on its own)."""
    try:
        # sibling app, optional: places must work without circles installed
        from gongzhi.circles.queries import nearest_resources as circles_nearest
    except ImportError:
        return []
    return list(circles_nearest(lon, lat, limit, need))


def locate_address(text: str) -> tuple[float, float, str] | None:
    """An address → (lon, lat, matched name): the building named in it, else its compound
    (the appeals matcher, appeals/address.py)."""
    node = match_address(text)
    if node is None:
        return None
    geometry = node.geometry or {}
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        return float(lon), float(lat), node.name if node.parent is None else f"{node.parent.name}{node.name}"
    if node.centroid_lon is not None and node.centroid_lat is not None:
        return node.centroid_lon, node.centroid_lat, node.name
    if node.parent is not None and node.parent.centroid_lon is not None:
        return node.parent.centroid_lon, node.parent.centroid_lat, node.parent.name
    return None


def managed_centres(actor: Actor, limit: int = 30) -> list[Centre]:
    """The active centres where the actor holds manage_places (on top of the find page)."""
    return list(Centre.objects.visible_to(actor, "manage_places").filter(active=True)[:limit])


def centre_page(centre: Centre, *, manage: bool, now: datetime) -> dict[str, Any]:
    """A centre's venues and coming activities; for its staff also the staff list, the evaluation,
    the bookings waiting for approval and today's bookings."""
    context: dict[str, Any] = {
        "venues": list(centre.venues.filter(active=True)),
        "activities": list(
            Activity.objects.filter(centre=centre, published=True, ends_at__gte=now).select_related("venue")[
                :20
            ]
        ),
    }
    if manage:
        context["staff"] = list(centre.staff.select_related("person"))
        context["evaluation"] = centre_evaluation(centre)
        context["pending"] = list(
            Booking.objects.filter(venue__centre=centre, status=BookingStatus.REQUESTED).select_related(
                "venue", "person", "organisation"
            )[:50]
        )
        context["today"] = list(
            Booking.objects.filter(
                venue__centre=centre, status__in=BOOKING_HOLDS, starts_at__date=timezone.localdate()
            ).select_related("venue", "person")[:50]
        )
    return context


def taken_slots(venue: Venue, now: datetime) -> list[Booking]:
    """The venue's held slots from now to its booking horizon."""
    return list(
        Booking.objects.filter(
            venue=venue,
            status__in=BOOKING_HOLDS,
            ends_at__gte=now,
            starts_at__lte=now + timedelta(days=venue.max_days_ahead),
        ).only("starts_at", "ends_at", "status")[:200]
    )


def my_signup(activity: Activity, person_id: int | None) -> SignUp | None:
    """The person's live sign-up of the activity (seat, waitlist or attended)."""
    if not person_id:
        return None
    return SignUp.objects.filter(activity=activity, person_id=person_id, status__in=SIGNUP_ACTIVE).first()


def has_rated(activity: Activity, person_id: int | None) -> bool:
    return bool(person_id) and activity.feedback.filter(person_id=person_id).exists()


def waiting_ahead(signup: SignUp | None) -> int | None:
    """How many wait before this waitlisted sign-up (None when it is not on the waitlist)."""
    if signup is None or signup.status != SignUpStatus.WAITLISTED:
        return None
    return SignUp.objects.filter(
        activity_id=signup.activity_id, status=SignUpStatus.WAITLISTED, waitlisted_at__lt=signup.waitlisted_at
    ).count()


def month_activities(start: date, end: date, centre: Centre | None = None) -> list[Activity]:
    rows = Activity.objects.filter(published=True, starts_at__gte=start, starts_at__lt=end).select_related(
        "centre"
    )
    if centre is not None:
        rows = rows.filter(centre=centre)
    return list(rows[:500])


def my_signups_and_bookings(person_id: int) -> tuple[list[SignUp], list[Booking]]:
    """The person's latest 50 sign-ups and 50 bookings, newest first ("my activities")."""
    signups = list(
        SignUp.objects.filter(person_id=person_id)
        .select_related("activity__centre")
        .order_by("-activity__starts_at")[:50]
    )
    bookings = list(
        Booking.objects.filter(person_id=person_id)
        .select_related("venue__centre")
        .order_by("-starts_at")[:50]
    )
    return signups, bookings


def feed_activities(person_id: int) -> list[Activity]:
    """The activities the person signed up for (seated, waiting or attended), for their ICS feed."""
    return list(
        Activity.objects.filter(signups__person_id=person_id, signups__status__in=SIGNUP_ACTIVE)
        .select_related("centre", "venue")
        .distinct()[:200]
    )


def ticket_row(kind: str, row_id: int) -> Booking | SignUp | None:
    """The booking ("b") or sign-up a ticket names, with its centre and person."""
    if kind == "b":
        return Booking.objects.select_related("venue__centre__territory", "person").filter(pk=row_id).first()
    return SignUp.objects.select_related("activity__centre__territory", "person").filter(pk=row_id).first()
