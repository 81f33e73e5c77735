"""Who may do what with places. Centres, venues and published activities are public to signed-in
residents; managing them (approving bookings, checking people in, the evaluation) needs
manage_places on the centre's territory. Outsiders get 404."""

from django.http import Http404

from gongzhi.core.actors import Actor
from gongzhi.core.scoping import get_scope
from gongzhi.orgs.models import Organisation
from gongzhi.places.models import Activity, Booking, Centre, SignUp, Venue


def may_manage(actor: Actor | None, centre: Centre) -> bool:
    return get_scope(actor).can("manage_places", centre.territory.path)


def person_id_of(actor: Actor) -> int:
    """The signed-in person; an account without a person record cannot book or sign up."""
    person_id = getattr(actor, "person_id", None)
    if person_id is None:
        raise Http404
    return person_id


def access_centre(centre_id: int, *, actor: Actor | None = None, manage: bool = False) -> Centre:
    centre = Centre.objects.select_related("territory").filter(pk=centre_id).first()
    if (
        centre is None
        or (manage and not may_manage(actor, centre))
        or (not centre.active and not may_manage(actor, centre))
    ):
        raise Http404
    return centre


def access_venue(venue_id: int) -> Venue:
    venue = Venue.objects.select_related("centre__territory").filter(pk=venue_id, centre__active=True).first()
    if venue is None:
        raise Http404
    return venue


def access_activity(activity_id: int, *, actor: Actor | None = None) -> Activity:
    activity = Activity.objects.select_related("centre__territory", "venue").filter(pk=activity_id).first()
    if activity is None or (not activity.published and not may_manage(actor, activity.centre)):
        raise Http404
    return activity


def access_own_signup(actor: Actor, signup_id: int) -> SignUp:
    signup = (
        SignUp.objects.select_related("activity").filter(pk=signup_id, person_id=person_id_of(actor)).first()
    )
    if signup is None:
        raise Http404
    return signup


def access_booking(actor: Actor, booking_id: int, *, manage: bool = False) -> Booking:
    """Own booking, or (manage=True) a booking at a centre the actor manages."""
    booking = Booking.objects.select_related("venue__centre__territory").filter(pk=booking_id).first()
    if booking is None:
        raise Http404
    if manage:
        if not may_manage(actor, booking.venue.centre):
            raise Http404
    elif booking.person_id != getattr(actor, "person_id", None):
        raise Http404
    return booking


def series_organisations(user: Actor, venue: Venue) -> list:
    """Organisations the user may book a series for: those they hold a role in; the centre's staff
    may book for any organisation of the centre's area."""
    ids = set(get_scope(user).org_ids)
    rows = Organisation.objects.filter(pk__in=ids)
    if may_manage(user, venue.centre):
        rows = Organisation.objects.filter(territory__path__startswith=venue.centre.territory.path) | rows
    return list(rows.order_by("name")[:200])
