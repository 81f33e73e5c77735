"""Venues of a centre, their booking rules, bookings and recurring series."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.places.models.history import StatusEvent
from gongzhi.places.workflow import BOOKING_HOLDS, BookingStatus


class Venue(TimeStamped):
    """A bookable room or ground. The booking rules are columns of the venue: one row to read and
    to lock (actions.booking_request locks it to serialise bookings of the venue)."""

    centre = models.ForeignKey("places.Centre", on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(_("名称"), max_length=120)
    capacity = models.PositiveIntegerField(_("容纳人数"), default=20)
    description = models.TextField(_("说明"), blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("时段粒度(分钟)"), default=30)
    min_minutes = models.PositiveSmallIntegerField(_("最短时长(分钟)"), default=30)
    max_minutes = models.PositiveSmallIntegerField(_("最长时长(分钟)"), default=240)
    max_days_ahead = models.PositiveSmallIntegerField(_("最多提前天数"), default=14)
    # caps count bookings that hold a slot and have not ended yet
    per_person_cap = models.PositiveSmallIntegerField(_("每人未结束预约上限"), default=2)
    per_org_cap = models.PositiveSmallIntegerField(_("每单位未结束预约上限"), default=10)
    needs_approval = models.BooleanField(_("需审核"), default=False)
    # empty means "the centre's hours"; same shape as Centre.opening_hours
    opening_hours = models.JSONField(_("开放时间"), default=dict, blank=True)
    closed_dates = models.JSONField(_("闭馆日期"), default=list, blank=True)
    active = models.BooleanField(_("开放预约"), default=True)

    class Meta:
        ordering = ["centre", "name"]
        verbose_name = _("场地")
        verbose_name_plural = _("场地")
        constraints = [
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="places_venue_slot_min"),
            models.CheckConstraint(
                condition=Q(min_minutes__lte=F("max_minutes")), name="places_venue_min_le_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre.name} · {self.name}"

    def effective_hours(self) -> dict:
        return self.opening_hours or self.centre.opening_hours

    def effective_closed_dates(self) -> set[str]:
        return set(self.closed_dates) | set(self.centre.closed_dates)


class BookingSeries(TimeStamped):
    """A recurring booking of an organisation: every `every_days` days from first_start, `count` times.
    Created all-or-nothing: one clashing date refuses the whole series (the dates are listed)."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="series")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="booking_series"
    )
    booked_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="booking_series")
    purpose = models.CharField(_("用途"), max_length=200)
    first_start = models.DateTimeField(_("首次开始"))
    minutes = models.PositiveSmallIntegerField(_("时长(分钟)"))
    every_days = models.PositiveSmallIntegerField(_("间隔天数"), default=7)
    count = models.PositiveSmallIntegerField(_("次数"))

    class Meta:
        verbose_name = _("周期预约")
        verbose_name_plural = _("周期预约")


class Booking(TimeStamped):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="bookings")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="venue_bookings")
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="venue_bookings"
    )
    series = models.ForeignKey(
        BookingSeries, null=True, blank=True, on_delete=models.CASCADE, related_name="bookings"
    )
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    purpose = models.CharField(_("用途"), max_length=200)
    attendees = models.PositiveIntegerField(_("人数"), default=1)
    status = models.CharField(_("状态"), max_length=16, choices=BookingStatus.choices, db_index=True)
    # the QR ticket carries this nonce; check-in clears it with a conditional UPDATE (single use)
    checkin_nonce = models.CharField(max_length=32, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("场地预约")
        verbose_name_plural = _("场地预约")
        indexes = [models.Index(fields=["venue", "starts_at"], name="places_booking_venue_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="places_booking_end_after_start"
            ),
            # On PostgreSQL migration 0002 adds places_booking_no_overlap, an exclusion constraint
            # over (venue, tstzrange) for the holding states — see docs/places.md.
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def holds_slot(self) -> bool:
        return self.status in BOOKING_HOLDS


class BookingEvent(StatusEvent):
    """Append-only history of a booking's states."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
