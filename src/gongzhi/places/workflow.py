"""States and transition tables of bookings and sign-ups. Only actions.py moves a row, and every
move appends an event row; the tables below are the whole lifecycle (core.lifecycle tables whose
actions are the target states)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.lifecycle import StatusTable


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("待审核")
    CONFIRMED = "confirmed", _("已确认")
    DENIED = "denied", _("未通过")
    CANCELLED = "cancelled", _("已取消")
    NO_SHOW = "no_show", _("未到场")
    USED = "used", _("已使用")


# state → states it may go to; the final states (denied, cancelled, no-show, used) go nowhere
BOOKING_TABLE = StatusTable.from_moves(
    {
        BookingStatus.REQUESTED: {BookingStatus.CONFIRMED, BookingStatus.DENIED, BookingStatus.CANCELLED},
        BookingStatus.CONFIRMED: {BookingStatus.CANCELLED, BookingStatus.NO_SHOW, BookingStatus.USED},
    },
    labels=(BookingStatus,),
)
# States that hold the slot: the exclusion constraint (PostgreSQL) and the overlap check (both DBs)
# consider only these. A denied or cancelled booking frees its slot at once.
BOOKING_HOLDS = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED, BookingStatus.USED)


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已报名")
    WAITLISTED = "waitlisted", _("候补中")
    CANCELLED = "cancelled", _("已取消")
    ATTENDED = "attended", _("已签到")


SIGNUP_TABLE = StatusTable.from_moves(
    {
        SignUpStatus.WAITLISTED: {SignUpStatus.CONFIRMED, SignUpStatus.CANCELLED},
        SignUpStatus.CONFIRMED: {SignUpStatus.CANCELLED, SignUpStatus.ATTENDED},
    },
    labels=(SignUpStatus,),
)
SIGNUP_ACTIVE = (SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED, SignUpStatus.ATTENDED)
SIGNUP_SEATED = (SignUpStatus.CONFIRMED, SignUpStatus.ATTENDED)
