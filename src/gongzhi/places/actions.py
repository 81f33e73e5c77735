"""Every write of the places app. Concurrency (docs/places.md):

* Bookings: the venue row is locked (SELECT … FOR UPDATE) before the overlap and cap checks, so two
  bookings of one venue are decided one after the other on PostgreSQL; the exclusion constraint
  places_booking_no_overlap makes an overlap impossible even for a writer that skips this code. On
  SQLite every transaction is BEGIN IMMEDIATE (settings), so writers are serialised database-wide.
* Sign-ups: the activity row is locked; seats_taken is changed only under that lock and a CHECK keeps
  it ≤ capacity; a partial unique index allows one live sign-up per person.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write
from gongzhi.core.lifecycle import history_row, transition
from gongzhi.places import tickets
from gongzhi.places.errors import (
    AlreadySignedUp,
    BookingRefused,
    CheckinRefused,
    PlacesError,
    SeriesClash,
    SlotTaken,
)
from gongzhi.places.hours import within_hours
from gongzhi.places.models import (
    Activity,
    Booking,
    BookingEvent,
    BookingSeries,
    Centre,
    Feedback,
    SignUp,
    SignUpEvent,
    Venue,
)
from gongzhi.places.workflow import (
    BOOKING_HOLDS,
    BOOKING_TABLE,
    SIGNUP_ACTIVE,
    SIGNUP_TABLE,
    BookingStatus,
    SignUpStatus,
)


# ---------------------------------------------------------------- centres
@transaction.atomic
def centre_save(*, centre: Centre) -> Centre:
    """Create or update a centre; the nearest-centre index of every process is invalidated."""
    centre.full_clean(exclude=["territory"])
    centre.save()  # the nearest-centre index follows by signal (places.apps)
    return centre


# ---------------------------------------------------------------- bookings
def _local(value: datetime) -> datetime:
    return timezone.localtime(value)


def _check_booking_shape(venue: Venue, starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    """Rules that need no other booking: order, past, horizon, slot grid, duration, opening hours."""
    if ends_at <= starts_at:
        raise BookingRefused(_("结束时间必须晚于开始时间"))
    if starts_at < now:
        raise BookingRefused(_("不能预约已经过去的时间"))
    if not venue.active:
        raise BookingRefused(_("该场地暂停预约"))
    if starts_at > now + timedelta(days=venue.max_days_ahead):
        raise BookingRefused(_("最多只能提前%(days)d天预约") % {"days": venue.max_days_ahead})
    minutes = (ends_at - starts_at).total_seconds() / 60
    local_start = _local(starts_at)
    if (
        local_start.second
        or local_start.microsecond
        or (local_start.hour * 60 + local_start.minute) % venue.slot_minutes
    ):
        raise BookingRefused(_("开始时间须按%(slot)d分钟为单位") % {"slot": venue.slot_minutes})
    if minutes % venue.slot_minutes:
        raise BookingRefused(_("时长须为%(slot)d分钟的整数倍") % {"slot": venue.slot_minutes})
    if minutes < venue.min_minutes or minutes > venue.max_minutes:
        raise BookingRefused(
            _("时长须在%(min)d到%(max)d分钟之间") % {"min": venue.min_minutes, "max": venue.max_minutes}
        )
    if not within_hours(
        venue.effective_hours(), venue.effective_closed_dates(), local_start, _local(ends_at)
    ):
        raise BookingRefused(_("所选时间不在场地开放时间内(或当天闭馆)"))


def _clashes(venue: Venue, spans: list[tuple[datetime, datetime]]) -> list[Booking]:
    condition = Q(pk__in=[])
    for start, end in spans:
        condition |= Q(starts_at__lt=end, ends_at__gt=start)
    return list(
        Booking.objects.filter(condition, venue=venue, status__in=BOOKING_HOLDS).order_by("starts_at")
    )


def _check_caps(
    venue: Venue, person_id: int, organisation_id: int | None, adding: int, now: datetime
) -> None:
    live = Booking.objects.filter(venue=venue, status__in=BOOKING_HOLDS, ends_at__gt=now)
    if organisation_id is None:
        if live.filter(person_id=person_id, organisation=None).count() + adding > venue.per_person_cap:
            raise BookingRefused(_("每人最多同时持有%(cap)d个未结束的预约") % {"cap": venue.per_person_cap})
    elif live.filter(organisation_id=organisation_id).count() + adding > venue.per_org_cap:
        raise BookingRefused(_("每个单位最多同时持有%(cap)d个未结束的预约") % {"cap": venue.per_org_cap})


def _event(
    row: Booking | SignUp, actor_id: int | None, from_status: str, to_status: str, note: str = ""
) -> None:
    """The append-only history row of a booking (BookingEvent) or a sign-up (SignUpEvent)."""
    model, link = (BookingEvent, "booking") if isinstance(row, Booking) else (SignUpEvent, "signup")
    fields: dict[str, Any] = {link: row, "from_status": from_status, "to_status": to_status, "note": note}
    history_row(model, actor_id=actor_id, **fields)


def _insert_booking(
    venue: Venue, person_id: int, span: tuple[datetime, datetime], note: str = "", **fields: Any
) -> Booking:
    """INSERT a booking with its first event: confirmed, or requested where the venue needs approval
    (unless `status` is given), with a fresh ticket (unless `checkin_nonce` is). The INSERT runs in
    a savepoint: on PostgreSQL the exclusion constraint is the last word on overlaps."""
    fields.setdefault("status", BookingStatus.REQUESTED if venue.needs_approval else BookingStatus.CONFIRMED)
    fields.setdefault("checkin_nonce", tickets.new_nonce())
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                venue=venue, person_id=person_id, starts_at=span[0], ends_at=span[1], **fields
            )
    except IntegrityError as exc:
        if "places_booking_no_overlap" in str(exc):
            raise SlotTaken(_("该时段已被预约,请选择其他时间")) from exc
        raise
    _event(booking, person_id, "", booking.status, note)
    return booking


@transaction.atomic
def booking_request(
    *,
    venue: Venue,
    person_id: int,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str,
    organisation_id: int | None = None,
    attendees: int = 1,
    now: datetime | None = None,
) -> Booking:
    """Book a slot: confirmed at once, or requested when the venue needs approval."""
    now = now or timezone.now()
    purpose = (purpose or "").strip()
    if not purpose:
        raise BookingRefused(_("请填写用途"))
    locked = Venue.objects.select_for_update(of=("self",)).select_related("centre").get(pk=venue.pk)
    _check_booking_shape(locked, starts_at, ends_at, now)
    if attendees < 1 or attendees > locked.capacity:
        raise BookingRefused(_("人数须在1到%(cap)d之间") % {"cap": locked.capacity})
    _check_caps(locked, person_id, organisation_id, 1, now)
    if _clashes(locked, [(starts_at, ends_at)]):
        raise SlotTaken(_("该时段已被预约,请选择其他时间"))
    return _insert_booking(
        locked,
        person_id,
        (starts_at, ends_at),
        organisation_id=organisation_id,
        purpose=purpose[:200],
        attendees=attendees,
    )


@transaction.atomic
def booking_series_request(
    *,
    venue: Venue,
    person_id: int,
    organisation_id: int,
    first_start: datetime,
    minutes: int,
    every_days: int,
    count: int,
    purpose: str,
    now: datetime | None = None,
) -> BookingSeries:
    """A recurring booking of an organisation, all or nothing: one clash refuses the series and the
    message lists every clashing date."""
    now = now or timezone.now()
    if count < 2 or count > 52:
        raise BookingRefused(_("周期预约次数须在2到52次之间"))
    if every_days < 1:
        raise BookingRefused(_("间隔天数至少为1天"))
    if not (purpose or "").strip():
        raise BookingRefused(_("请填写用途"))
    locked = Venue.objects.select_for_update(of=("self",)).select_related("centre").get(pk=venue.pk)
    spans = []
    for i in range(count):
        # step in local wall time so a weekly 19:00 stays 19:00
        start = timezone.make_aware(_local(first_start).replace(tzinfo=None) + timedelta(days=every_days * i))
        spans.append((start, start + timedelta(minutes=minutes)))
    # the horizon applies to the first meeting only: a series is planned ahead on purpose
    horizon = locked.max_days_ahead
    locked.max_days_ahead = max(horizon, every_days * count + horizon)
    for start, end in spans:
        try:
            _check_booking_shape(locked, start, end, now)
        except BookingRefused as exc:
            raise BookingRefused(f"{_local(start):%Y-%m-%d}: {exc.message}") from exc
    locked.max_days_ahead = horizon
    _check_caps(locked, person_id, organisation_id, count, now)
    clashes = _clashes(locked, spans)
    if clashes:
        dates = sorted({f"{_local(b.starts_at):%Y-%m-%d %H:%M}" for b in clashes})
        raise SeriesClash(
            _("周期预约与已有预约冲突,冲突日期:%(dates)s") % {"dates": "、".join(dates)}, details=dates
        )
    series = BookingSeries.objects.create(
        venue=locked,
        organisation_id=organisation_id,
        booked_by_id=person_id,
        purpose=purpose.strip()[:200],
        first_start=first_start,
        minutes=minutes,
        every_days=every_days,
        count=count,
    )
    for span in spans:
        _insert_booking(
            locked,
            person_id,
            span,
            f"series:{series.pk}",
            organisation_id=organisation_id,
            series=series,
            purpose=series.purpose,
        )
    return series


@transaction.atomic
def booking_transition(
    *, booking: Booking, to: str, actor_person_id: int | None, note: str = "", actor: Actor | None = None
) -> Booking:
    """Move a booking along BOOKING_TABLE (InvalidTransition, 409, otherwise); the event row is
    appended in the same transaction (and, for a staff decision — `actor` given — an audit row)."""
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    previous, to = transition(BOOKING_TABLE, locked, to)
    if to not in BOOKING_HOLDS:
        locked.checkin_nonce = ""
    locked.save(update_fields=["status", "checkin_nonce", "updated_at"])
    _event(locked, actor_person_id, previous, to, note)
    if actor is not None:
        record_write(
            actor=actor,
            action="places.booking_transition",
            obj=locked,
            scope_path=locked.venue.centre.territory.path,
            detail={"from": previous, "to": to},
        )
    return locked


def booking_cancel(*, booking: Booking, actor_person_id: int, now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    if booking.ends_at <= now:
        raise BookingRefused(_("预约已结束,不能取消"))
    return booking_transition(booking=booking, to=BookingStatus.CANCELLED, actor_person_id=actor_person_id)


# ---------------------------------------------------------------- activities
@transaction.atomic
def signup_create(*, activity: Activity, person_id: int, now: datetime | None = None) -> SignUp:
    """A seat if one is left, else a place on the waitlist. Signing up twice is refused."""
    now = now or timezone.now()
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if not locked.published:
        raise BookingRefused(_("活动尚未发布"))
    if locked.starts_at <= now:
        raise BookingRefused(_("活动已开始或已结束,不能报名"))
    existing = SignUp.objects.filter(activity=locked, person_id=person_id, status__in=SIGNUP_ACTIVE).first()
    if existing is not None:
        if existing.status == SignUpStatus.WAITLISTED:
            raise AlreadySignedUp(_("您已在该活动的候补名单中,请勿重复报名"))
        raise AlreadySignedUp(_("您已报名该活动,请勿重复报名"))
    seated = locked.seats_taken < locked.capacity
    status = SignUpStatus.CONFIRMED if seated else SignUpStatus.WAITLISTED
    try:
        with transaction.atomic():
            signup = SignUp.objects.create(
                activity=locked,
                person_id=person_id,
                status=status,
                waitlisted_at=None if seated else now,
                checkin_nonce=tickets.new_nonce(),
            )
    except IntegrityError as exc:  # only reachable by a writer that skipped the lock
        raise AlreadySignedUp(_("您已报名该活动,请勿重复报名")) from exc
    if seated:
        locked.seats_taken += 1
        locked.save(update_fields=["seats_taken", "updated_at"])
    _event(signup, person_id, "", status)
    return signup


def _promote_next(activity: Activity, actor_id: int | None) -> SignUp | None:
    """Give a freed seat to the longest-waiting person (caller holds the activity lock)."""
    nxt = (
        SignUp.objects.select_for_update()
        .filter(activity=activity, status=SignUpStatus.WAITLISTED)
        .order_by("waitlisted_at", "id")
        .first()
    )
    if nxt is None:
        return None
    nxt.status = SignUpStatus.CONFIRMED
    nxt.save(update_fields=["status", "updated_at"])
    activity.seats_taken += 1
    activity.save(update_fields=["seats_taken", "updated_at"])
    _event(nxt, actor_id, SignUpStatus.WAITLISTED, SignUpStatus.CONFIRMED, note="waitlist promotion")
    return nxt


@transaction.atomic
def signup_cancel(
    *, signup: SignUp, actor_person_id: int | None, now: datetime | None = None
) -> SignUp | None:
    """Cancel a sign-up; a freed seat goes to the first on the waitlist in the same transaction.
    Returns the promoted sign-up, if any."""
    now = now or timezone.now()
    activity = Activity.objects.select_for_update().get(pk=signup.activity_id)
    locked = SignUp.objects.select_for_update().get(pk=signup.pk)
    SIGNUP_TABLE.next(locked.status, SignUpStatus.CANCELLED)  # InvalidTransition before the time rule
    if activity.starts_at <= now:
        raise BookingRefused(_("活动已开始,不能取消报名"))
    previous, _to = transition(SIGNUP_TABLE, locked, SignUpStatus.CANCELLED)
    locked.checkin_nonce = ""
    locked.save(update_fields=["status", "checkin_nonce", "updated_at"])
    _event(locked, actor_person_id, previous, SignUpStatus.CANCELLED)
    if previous == SignUpStatus.CONFIRMED:
        activity.seats_taken -= 1
        activity.save(update_fields=["seats_taken", "updated_at"])
        return _promote_next(activity, actor_person_id)
    return None


# ---------------------------------------------------------------- check-in
CHECKIN_EARLY = timedelta(minutes=60)


@dataclass
class CheckinResult:
    kind: str  # "booking" | "signup"
    row: Booking | SignUp
    points: int = 0
    points_note: str = ""


def _award(signup: SignUp, activity: Activity) -> tuple[int, str]:
    if activity.points <= 0:
        return 0, ""
    try:
        # sibling app, optional: a check-in works without points installed
        from gongzhi.points.actions import PointsRefused, award_points
    except ImportError:
        return 0, _("积分功能未启用")
    person = signup.person
    community = person.household.community() if person.household_id else None
    if community is None:
        community = activity.centre.territory.community()  # None for a street centre: award_points refuses
    try:
        award_points(
            rule="activity_checkin",
            recipient=person,
            source=f"places.checkin:{signup.pk}",
            community=community,
            points=activity.points,
            awarded_by=None,
        )
    except PointsRefused as exc:
        return 0, str(exc)
    return activity.points, ""


@transaction.atomic
def check_in(  # type: ignore[no-untyped-def]
    *,
    token: str,
    staff_person_id: int | None,
    now: datetime | None = None,
    may_check=None,
    actor: Actor | None = None,
) -> CheckinResult:
    """Redeem a QR ticket once. `may_check(centre)` says whether this staff member may check in at
    the ticket's centre (outsiders get the same answer as a forged code)."""
    now = now or timezone.now()
    parsed = tickets.read_token(token)
    if parsed is None:
        raise CheckinRefused(_("签到码无效"))
    kind, row_id, nonce = parsed
    model = Booking if kind == "b" else SignUp
    row = model.objects.select_for_update().filter(pk=row_id).first()
    if row is None:
        raise CheckinRefused(_("签到码无效"))
    centre = row.venue.centre if kind == "b" else row.activity.centre
    if may_check is not None and not may_check(centre):
        raise CheckinRefused(_("签到码无效"))
    if row.checked_in_at is not None or not row.checkin_nonce:
        raise CheckinRefused(_("该签到码已使用或已失效"))
    if row.checkin_nonce != nonce:
        raise CheckinRefused(_("签到码无效"))
    starts_at, ends_at = (
        (row.starts_at, row.ends_at) if kind == "b" else (row.activity.starts_at, row.activity.ends_at)
    )
    if now < starts_at - CHECKIN_EARLY or now > ends_at:
        raise CheckinRefused(_("不在签到时间内(开始前1小时至结束)"))
    if kind == "b":
        if row.status != BookingStatus.CONFIRMED:
            raise CheckinRefused(_("该预约当前状态不能签到"))
        previous, row.status = row.status, BookingStatus.USED
    else:
        if row.status != SignUpStatus.CONFIRMED:
            raise CheckinRefused(_("只有已报名(非候补)的居民可以签到"))
        previous, row.status = row.status, SignUpStatus.ATTENDED
    row.checked_in_at = now
    row.checkin_nonce = ""
    row.save(update_fields=["status", "checked_in_at", "checkin_nonce", "updated_at"])
    if actor is not None:
        record_write(
            actor=actor,
            action="places.check_in",
            obj=row,
            scope_path=centre.territory.path,
            detail={"kind": kind},
        )
    _event(row, staff_person_id, previous, row.status, "qr check-in")
    if kind == "b":
        return CheckinResult("booking", row)
    points, note = _award(row, row.activity)
    return CheckinResult("signup", row, points, note)


def ticket_for(row: Booking | SignUp) -> str | None:
    """The QR token of a live booking or seat, or None once used/cancelled."""
    if not row.checkin_nonce:
        return None
    return tickets.make_token("b" if isinstance(row, Booking) else "s", row.pk, row.checkin_nonce)


# ---------------------------------------------------------------- feedback
@transaction.atomic
def feedback_give(*, activity: Activity, person_id: int, rating: int, comment: str = "") -> Feedback:
    """Only those who attended rate, once."""
    if not 1 <= int(rating) <= 5:
        raise PlacesError(_("评分须为1到5分"))
    if not SignUp.objects.filter(
        activity=activity, person_id=person_id, status=SignUpStatus.ATTENDED
    ).exists():
        raise PlacesError(_("签到参加活动后才能评价"))
    if Feedback.objects.filter(activity=activity, person_id=person_id).exists():
        raise AlreadySignedUp(_("您已评价过该活动"))
    return Feedback.objects.create(
        activity=activity, person_id=person_id, rating=int(rating), comment=comment[:500]
    )


# ---------------------------------------------------------------- publishing activities
@transaction.atomic
def activity_publish(
    *,
    centre: Centre,
    actor_person_id: int,
    title: str,
    kind: str,
    organiser: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    audience: str = "all",
    points: int = 0,
    description: str = "",
    venue: Venue | None = None,
    now: datetime | None = None,
    actor: Actor | None = None,
) -> Activity:
    """Publish an activity; with a venue, its slot is booked for the activity in the same
    transaction (so the room cannot also be booked by someone else)."""
    now = now or timezone.now()
    if ends_at <= starts_at:
        raise BookingRefused(_("结束时间必须晚于开始时间"))
    if starts_at < now:
        raise BookingRefused(_("不能发布已经开始的活动"))
    if capacity < 1:
        raise BookingRefused(_("名额至少为1"))
    if not title.strip():
        raise BookingRefused(_("请填写标题"))
    if venue is not None:
        if venue.centre_id != centre.pk:
            raise BookingRefused(_("场地不属于该中心"))
        locked = Venue.objects.select_for_update().get(pk=venue.pk)
        if _clashes(locked, [(starts_at, ends_at)]):
            raise SlotTaken(_("该时段场地已被预约,请换时间或场地"))
        _insert_booking(
            locked,
            actor_person_id,
            (starts_at, ends_at),
            "activity",
            purpose=title.strip()[:200],
            status=BookingStatus.CONFIRMED,
            checkin_nonce="",
        )
    activity = Activity.objects.create(
        centre=centre,
        venue=venue,
        title=title.strip(),
        kind=kind,
        organiser=organiser.strip() or centre.name,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        audience=audience,
        points=points,
        description=description,
    )
    if actor is not None:
        record_write(
            actor=actor, action="places.activity_publish", obj=activity, scope_path=centre.territory.path
        )
    return activity
