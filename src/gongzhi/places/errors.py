"""Refusals of places actions, on the core refusal types (decision 0045): each carries a Chinese
message for the user and its HTTP status (`status_code`; `status` reads the same)."""

from gongzhi.core.errors import Conflict, RuleBroken
from gongzhi.core.lifecycle import InvalidTransition

__all__ = [
    "AlreadySignedUp",
    "BookingRefused",
    "CheckinRefused",
    "InvalidTransition",
    "PlacesError",
    "SeriesClash",
    "SlotTaken",
]


class PlacesError(RuleBroken):
    """Input that breaks a rule of places (422); the 409 refusals below derive from it too, so one
    `except PlacesError` still catches every refusal of this app but an illegal transition."""

    @property
    def status(self) -> int:
        return self.status_code


class BookingRefused(PlacesError):
    """Input that can never be booked as asked (outside hours, in the past, too long …)."""


class _NotNow(PlacesError, Conflict):
    status_code = 409


class SlotTaken(_NotNow):
    pass


class SeriesClash(_NotNow):
    pass


class AlreadySignedUp(_NotNow):
    pass


class CheckinRefused(_NotNow):
    pass
