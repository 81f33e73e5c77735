"""Service centres, venues and bookings, activities and sign-ups (issue 6 items 1-3, 8)."""

from gongzhi.places.models.activity import Activity, ActivityType, Audience, Feedback, SignUp, SignUpEvent
from gongzhi.places.models.centre import Centre, CentreLevel, CentreQuerySet, CentreStaff
from gongzhi.places.models.venue import Booking, BookingEvent, BookingSeries, Venue

__all__ = [
    "Activity",
    "ActivityType",
    "Audience",
    "Booking",
    "BookingEvent",
    "BookingSeries",
    "Centre",
    "CentreLevel",
    "CentreQuerySet",
    "CentreStaff",
    "Feedback",
    "SignUp",
    "SignUpEvent",
    "Venue",
]
