"""Refusals of places actions: each carries a Chinese message for the user and an HTTP status."""

from django.utils.translation import gettext_lazy as _


class PlacesError(ValueError):
    status = 422

    def __init__(self, message: object, *, details: list[str] | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.details = details or []


class BookingRefused(PlacesError):
    """Input that can never be booked as asked (outside hours, in the past, too long …)."""


class SlotTaken(PlacesError):
    status = 409


class SeriesClash(PlacesError):
    status = 409


class AlreadySignedUp(PlacesError):
    status = 409


class InvalidTransition(PlacesError):
    status = 409

    def __init__(self, from_status: str, to_status: str) -> None:
        super().__init__(_("当前状态“%(a)s”不能变为“%(b)s”") % {"a": from_status, "b": to_status})
        self.from_status, self.to_status = from_status, to_status


class CheckinRefused(PlacesError):
    status = 409
