"""/api/v1/places/: nearest centres, booking (single and recurring), sign-up and cancel, check-in.
Handlers parse and call one action; its refusal reaches the API's one refusal handler (core.errors),
which answers with the status it carries (409 for a taken slot, a duplicate sign-up, a used ticket or
an illegal transition; 422 for input that can never be booked); objects the caller may not touch are
404."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from gongzhi.accounts.api_auth import SessionAuth, TokenAuth
from gongzhi.core.errors import NotFound
from gongzhi.core.scoping import get_scope
from gongzhi.places import access, actions, queries

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
    made = actions.booking_request(
        venue=access.access_venue(venue_id), person_id=access.person_id_of(request.user), **payload.dict()
    )
    return Status(201, made)


@router.post("/venues/{venue_id}/series", response={201: SeriesOut, **ERRORS}, url_name="places_series")
def series(request: HttpRequest, venue_id: int, payload: SeriesIn) -> Status:
    """Recurring booking for an organisation the caller holds a role in (or any, for the centre's staff)."""
    venue = access.access_venue(venue_id)
    if payload.organisation_id not in get_scope(request.user).org_ids and not access.may_manage(
        request.user, venue.centre
    ):
        raise NotFound
    made = actions.booking_series_request(
        venue=venue, person_id=access.person_id_of(request.user), **payload.dict()
    )
    return Status(201, {"id": made.pk, "bookings": list(made.bookings.order_by("starts_at"))})


@router.post(
    "/bookings/{booking_id}/cancel", response={200: BookingOut, **ERRORS}, url_name="places_booking_cancel"
)
def booking_cancel(request: HttpRequest, booking_id: int) -> Status:
    booking = access.access_booking(request.user, booking_id)
    return Status(200, actions.booking_cancel(booking=booking, actor_person_id=request.user.person_id))


@router.post(
    "/activities/{activity_id}/signups", response={201: SignUpOut, **ERRORS}, url_name="places_signup"
)
def signup(request: HttpRequest, activity_id: int) -> Status:
    activity = access.access_activity(activity_id, actor=request.user)
    return Status(201, actions.signup_create(activity=activity, person_id=access.person_id_of(request.user)))


@router.post(
    "/signups/{signup_id}/cancel", response={200: SignUpOut, **ERRORS}, url_name="places_signup_cancel"
)
def signup_cancel(request: HttpRequest, signup_id: int) -> Status:
    mine = access.access_own_signup(request.user, signup_id)
    actions.signup_cancel(signup=mine, actor_person_id=request.user.person_id)
    mine.refresh_from_db()
    return Status(200, mine)


@router.post("/checkin", response={200: CheckinOut, **ERRORS}, url_name="places_checkin")
def checkin(request: HttpRequest, payload: CheckinIn) -> Status:
    """Staff redeem a scanned ticket; a forged, reused or foreign ticket is refused the same way."""
    result = actions.check_in(
        token=payload.token,
        staff_person_id=request.user.person_id,
        may_check=lambda c: access.may_manage(request.user, c),
        actor=request.user,
    )
    return Status(
        200, {"kind": result.kind, "id": result.row.pk, "status": result.row.status, "points": result.points}
    )
