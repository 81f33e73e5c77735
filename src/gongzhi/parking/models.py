"""Shared parking: partner units offer spaces in weekly time windows; residents apply with a plate;
a draw (need first, then a lottery with a published seed) issues permits; no space is held by two
active permits of the same offer (a partial unique constraint, decision 0019)."""

import hashlib
import secrets
from datetime import date, datetime, time

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.parking.workflow import ApplicationStatus, PermitStatus, Tier


def unique_while(status: str, fields: list[str], name: str) -> models.UniqueConstraint:
    """`fields` are unique among the rows in `status` (a partial unique index)."""
    return models.UniqueConstraint(fields=fields, condition=Q(status=status), name=name)


def new_draw_seed() -> str:
    """128 random bits from the operating system (`secrets`), as 32 hex digits."""
    return secrets.token_hex(16)


def seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


WEEKDAY_LABELS = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]


class OfferQuerySet(ScopedQuerySet):
    scope_path_field = "organisation__territory__path"
    scope_capability = "manage_parking"

    def open(self) -> "OfferQuerySet":
        return self.filter(active=True)


def weekdays_label(days: str) -> str:
    """'12345' -> 周一、周二…; '' never occurs (a check constraint)."""
    if days == "12345":
        return str(_("工作日"))
    if days == "67":
        return str(_("周末"))
    if days == "1234567":
        return str(_("每天"))
    return "、".join(str(WEEKDAY_LABELS[int(d) - 1]) for d in days)


def hours_label(start: time, end: time) -> str:
    if start == end:
        return str(_("全天"))
    tail = str(_("次日")) if end < start else ""
    return f"{start:%H:%M}–{tail}{end:%H:%M}"


class ParkingOffer(TimeStamped):
    """One window of one unit: on `weekdays` (ISO digits 1=Mon..7=Sun) from `starts_at` to `ends_at`
    (an end at or before the start runs into the next morning; equal times mean all day), `spaces`
    spaces. Each offer is its own pool: space numbers 1..spaces."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="parking_offers",
        verbose_name=_("共建单位"),
    )
    title = models.CharField(_("名称"), max_length=120)
    address = models.CharField(_("停车场地址"), max_length=200)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    weekdays = models.CharField(_("开放日"), max_length=7)
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    spaces = models.PositiveIntegerField(_("车位数"))
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"))
    rules = models.TextField(_("使用须知"), blank=True)
    active = models.BooleanField(_("开放申请"), default=True)
    # The next draw's seed, drawn by the system when the offer opens (and again after each draw);
    # only its SHA-256 is shown until the draw reveals it (commit-reveal, decision 0042).
    next_seed = models.CharField(max_length=64, default=new_draw_seed, editable=False)
    seed_committed_at = models.DateTimeField(_("种子承诺公布时间"), default=timezone.now, editable=False)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "title"]
        verbose_name = _("共享车位")
        verbose_name_plural = _("共享车位")
        constraints = [
            models.CheckConstraint(condition=Q(spaces__gte=1), name="parking_offer_has_spaces"),
            models.CheckConstraint(
                condition=Q(weekdays__regex=r"^1?2?3?4?5?6?7?$") & ~Q(weekdays=""),
                name="parking_offer_weekdays_valid",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="parking_offer_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.title}"

    @property
    def window_label(self) -> str:
        return f"{weekdays_label(self.weekdays)} {hours_label(self.starts_at, self.ends_at)}"

    @property
    def scope_path(self) -> str:
        return self.organisation.territory.path

    @property
    def seed_commitment(self) -> str:
        """The published SHA-256 (hex) of the seed the next draw will use."""
        return seed_hash(self.next_seed)

    def get_absolute_url(self) -> str:
        return reverse("parking:offer", args=[self.pk])


class ApplicationQuerySet(ScopedQuerySet):
    scope_path_field = "offer__organisation__territory__path"
    scope_capability = "manage_parking"
    own_row_field = "applicant_id"


class ParkingApplication(TimeStamped):
    """A resident's request for a window of an offer. `tier` is fixed when the application is made
    (need first), so the published list and the draw can be re-run from the stored rows."""

    offer = models.ForeignKey(ParkingOffer, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="parking_applications"
    )
    number = models.CharField(_("申请编号"), max_length=20, unique=True)
    plate = models.CharField(_("车牌号"), max_length=8)
    weekdays = models.CharField(_("申请日"), max_length=7)
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    has_own_space = models.BooleanField(_("已有自有车位"), default=False)
    tier = models.PositiveSmallIntegerField(_("优先顺位"), choices=Tier.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    draw = models.ForeignKey(
        "parking.ParkingDraw", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    rank = models.PositiveIntegerField(_("摇号顺序"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("停车申请")
        verbose_name_plural = _("停车申请")
        constraints = [
            # one open application per person and offer (a second click cannot queue twice)
            unique_while("pending", ["offer", "applicant"], "parking_one_pending_application"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def window_label(self) -> str:
        return f"{weekdays_label(self.weekdays)} {hours_label(self.starts_at, self.ends_at)}"

    @property
    def plate_masked(self) -> str:
        return mask_plate(self.plate)


def mask_plate(plate: str) -> str:
    """粤B·***45: province and letter, the last two characters."""
    if len(plate) < 5:
        return "*" * len(plate)
    return plate[:2] + "*" * (len(plate) - 4) + plate[-2:]


class DrawQuerySet(ScopedQuerySet):
    scope_path_field = "offer__organisation__territory__path"
    scope_capability = "manage_parking"


class ParkingDraw(TimeStamped):
    """One completed draw for one offer. The seed and the ordered entry list are stored and
    published; `lottery.draw_order` re-derives every rank from them."""

    offer = models.ForeignKey(ParkingOffer, on_delete=models.PROTECT, related_name="draws")
    seed = models.CharField(_("公开种子"), max_length=64)
    # the commitment this draw revealed, and when it was published; blank for draws from before
    # commit-reveal (their seed was typed at draw time)
    seed_hash = models.CharField(_("种子承诺(SHA-256)"), max_length=64, blank=True)
    seed_committed_at = models.DateTimeField(_("种子承诺公布时间"), null=True, blank=True)
    entries = models.JSONField(_("参与名单"), default=list)  # [[number, tier], ...] in number order
    free_spaces = models.PositiveIntegerField(_("可分配车位"))
    run_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    objects = DrawQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("摇号")
        verbose_name_plural = _("摇号")

    def __str__(self) -> str:
        return f"{self.offer} · {self.seed}"


def new_permit_code() -> str:
    return secrets.token_urlsafe(16)


class PermitQuerySet(ScopedQuerySet):
    scope_path_field = "offer__organisation__territory__path"
    scope_capability = "manage_parking"
    own_row_field = "holder_id"

    def active(self) -> "PermitQuerySet":
        return self.filter(status=PermitStatus.ACTIVE)


class ParkingPermit(TimeStamped):
    offer = models.ForeignKey(ParkingOffer, on_delete=models.PROTECT, related_name="permits")
    application = models.OneToOneField(ParkingApplication, on_delete=models.PROTECT, related_name="permit")
    holder = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="parking_permits")
    plate = models.CharField(_("车牌号"), max_length=8)
    space_no = models.PositiveIntegerField(_("车位编号"))
    code = models.CharField(max_length=32, unique=True, default=new_permit_code, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=PermitStatus.choices, default=PermitStatus.ACTIVE
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    objects = PermitQuerySet.as_manager()

    class Meta:
        ordering = ["offer", "space_no"]
        verbose_name = _("停车证")
        verbose_name_plural = _("停车证")
        constraints = [
            # the guarantee: an active permit owns its space number in its offer's window
            unique_while("active", ["offer", "space_no"], "parking_space_once"),
            unique_while("active", ["offer", "plate"], "parking_plate_once"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} #{self.space_no} {self.plate_masked}"

    @property
    def plate_masked(self) -> str:
        return mask_plate(self.plate)

    def valid_on(self, day: date) -> bool:
        return self.status == PermitStatus.ACTIVE and self.offer.valid_from <= day <= self.offer.valid_until

    def in_window_at(self, moment: datetime) -> bool:
        """Whether `moment` (local time) lies in the window the permit was granted for."""
        from gongzhi.parking.windows import window_intervals

        minute = moment.weekday() * 1440 + moment.hour * 60 + moment.minute
        a = self.application
        return any(s <= minute < e for s, e in window_intervals(a.weekdays, a.starts_at, a.ends_at))
