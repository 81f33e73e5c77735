"""/api/v1/places/: nearest centres, booking (single and recurring), sign-up and cancel, check-in.
Handlers parse, call one action and map its refusal to the status it carries (409 for a taken slot,
a duplicate sign-up, a used ticket or an illegal transition; 422 for input that can never be booked);
objects the caller may not touch are 404."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from gongzhi.accounts.api_auth import SessionAuth, TokenAuth
from gongzhi.core.scoping import get_scope
from gongzhi.places import actions, queries
from gongzhi.places.access import (
    access_activity,
    access_booking,
    access_own_signup,
    access_venue,
    may_manage,
    person_id_of,
)
from gongzhi.places.errors import PlacesError

router = Router(tags=["places"], auth=[TokenAuth(), SessionAuth()])


class ErrorOut(Schema):
    detail: str
    details: list[str] = []


class CentreOut(Schema):
    id: int
    name: str
    level: str
    lon: float
    lat: float
    address: str
    services: list[str]
    straight_m: int
    walk_m: int
    walk_min: int


class BookingIn(Schema):
    starts_at: datetime
    ends_at: datetime
    purpose: str
    attendees: int = 1


class SeriesIn(Schema):
    organisation_id: int
    first_start: datetime
    minutes: int
    every_days: int = 7
    count: int
    purpose: str


class BookingOut(Schema):
    id: int
    venue_id: int
    starts_at: datetime
    ends_at: datetime
    status: str


class SeriesOut(Schema):
    id: int
    bookings: list[BookingOut]


class SignUpOut(Schema):
    id: int
    activity_id: int
    status: str


class CheckinIn(Schema):
    token: str


class CheckinOut(Schema):
    kind: str
    id: int
    status: str
    points: int


ERRORS: dict[int | str, Any] = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def refused(exc: PlacesError) -> Status:
    return Status(exc.status, {"detail": exc.message, "details": exc.details})


@router.get("/centres/nearest", response=list[CentreOut], url_name="places_nearest")
def nearest(
    request: HttpRequest,
    # Bounded in the schema: nan, inf and 1e308 reached the geo index and came back as a 500.
    lon: float = Query(..., ge=-180, le=180, allow_inf_nan=False),
    lat: float = Query(..., ge=-90, le=90, allow_inf_nan=False),
    need: str | None = None,
    limit: int = 10,
) -> list[dict]:
    found = queries.nearest_centres(lon, lat, max(1, min(limit, 50)), need)
    return [
        {
            "id": c.pk,
            "name": c.name,
            "level": c.level,
            "lon": c.lon,
            "lat": c.lat,
            "address": c.address,
            "services": c.services,
            **queries.walking(m),
        }
        for c, m in found
    ]


@router.post("/venues/{venue_id}/bookings", response={201: BookingOut, **ERRORS}, url_name="places_book")
def book(request: HttpRequest, venue_id: int, payload: BookingIn) -> Status:
    venue = access_venue(venue_id)
    try:
        made = actions.booking_request(
            venue=venue,
            person_id=person_id_of(request.user),
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            purpose=payload.purpose,
            attendees=payload.attendees,
        )
    except PlacesError as exc:
        return refused(exc)
    return Status(201, made)


@router.post("/venues/{venue_id}/series", response={201: SeriesOut, **ERRORS}, url_name="places_series")
def series(request: HttpRequest, venue_id: int, payload: SeriesIn) -> Status:
    """Recurring booking for an organisation the caller holds a role in (or any, for the centre's staff)."""
    venue = access_venue(venue_id)
    if payload.organisation_id not in get_scope(request.user).org_ids and not may_manage(
        request.user, venue.centre
    ):
        return Status(404, {"detail": "未找到"})
    try:
        made = actions.booking_series_request(
            venue=venue,
            person_id=person_id_of(request.user),
            organisation_id=payload.organisation_id,
            first_start=payload.first_start,
            minutes=payload.minutes,
            every_days=payload.every_days,
            count=payload.count,
            purpose=payload.purpose,
        )
    except PlacesError as exc:
        return refused(exc)
    return Status(201, {"id": made.pk, "bookings": list(made.bookings.order_by("starts_at"))})


@router.post(
    "/bookings/{booking_id}/cancel", response={200: BookingOut, **ERRORS}, url_name="places_booking_cancel"
)
def booking_cancel(request: HttpRequest, booking_id: int) -> Status:
    booking = access_booking(request.user, booking_id)
    try:
        return Status(200, actions.booking_cancel(booking=booking, actor_person_id=request.user.person_id))
    except PlacesError as exc:
        return refused(exc)


@router.post(
    "/activities/{activity_id}/signups", response={201: SignUpOut, **ERRORS}, url_name="places_signup"
)
def signup(request: HttpRequest, activity_id: int) -> Status:
    activity = access_activity(activity_id, actor=request.user)
    try:
        return Status(201, actions.signup_create(activity=activity, person_id=person_id_of(request.user)))
    except PlacesError as exc:
        return refused(exc)


@router.post(
    "/signups/{signup_id}/cancel", response={200: SignUpOut, **ERRORS}, url_name="places_signup_cancel"
)
def signup_cancel(request: HttpRequest, signup_id: int) -> Status:
    mine = access_own_signup(request.user, signup_id)
    try:
        actions.signup_cancel(signup=mine, actor_person_id=request.user.person_id)
    except PlacesError as exc:
        return refused(exc)
    mine.refresh_from_db()
    return Status(200, mine)


@router.post("/checkin", response={200: CheckinOut, **ERRORS}, url_name="places_checkin")
def checkin(request: HttpRequest, payload: CheckinIn) -> Status:
    """Staff redeem a scanned ticket; a forged, reused or foreign ticket is refused the same way."""
    try:
        result = actions.check_in(
            token=payload.token,
            staff_person_id=request.user.person_id,
            may_check=lambda c: may_manage(request.user, c),
            actor=request.user,
        )
    except PlacesError as exc:
        return refused(exc)
    return Status(
        200, {"kind": result.kind, "id": result.row.pk, "status": result.row.status, "points": result.points}
    )
