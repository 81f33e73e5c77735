"""Activities of a centre, sign-ups with a waitlist, and feedback."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.places.models.history import StatusEvent
from gongzhi.places.workflow import SIGNUP_ACTIVE, SignUpStatus


class ActivityType(models.TextChoices):
    PARTY = "party", _("党建活动")
    VOLUNTEER = "volunteer", _("志愿服务")
    CULTURE = "culture", _("文体活动")
    LECTURE = "lecture", _("讲座培训")
    CHILDREN = "children", _("青少年")
    ELDERLY = "elderly", _("长者服务")
    HEALTH = "health", _("健康义诊")
    OTHER = "other", _("其他")


class Audience(models.TextChoices):
    ALL = "all", _("所有居民")
    CHILDREN = "children", _("少年儿童")
    ELDERLY = "elderly", _("长者")
    MEMBERS = "members", _("党员")
    FAMILIES = "families", _("亲子家庭")


class Activity(TimeStamped):
    centre = models.ForeignKey("places.Centre", on_delete=models.CASCADE, related_name="activities")
    venue = models.ForeignKey(
        "places.Venue", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    title = models.CharField(_("标题"), max_length=120)
    kind = models.CharField(
        _("类型"), max_length=16, choices=ActivityType.choices, default=ActivityType.OTHER
    )
    organiser = models.CharField(_("主办方"), max_length=120)
    description = models.TextField(_("内容"), blank=True)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    capacity = models.PositiveIntegerField(_("名额"))
    audience = models.CharField(_("对象"), max_length=16, choices=Audience.choices, default=Audience.ALL)
    points = models.PositiveSmallIntegerField(_("签到积分"), default=0)
    published = models.BooleanField(_("已发布"), default=True)
    # denormalised seat count, kept by actions under the activity row lock (cheap "nearly full")
    seats_taken = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="places_activity_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")), name="places_activity_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)


class SignUp(TimeStamped):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="activity_signups")
    status = models.CharField(_("状态"), max_length=16, choices=SignUpStatus.choices, db_index=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)  # queue order of the waitlist
    checkin_nonce = models.CharField(max_length=32, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        ordering = ["activity", "created_at", "id"]
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        constraints = [
            # one live sign-up per person and activity; a cancelled one may be followed by a new one
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(status__in=[s.value for s in SIGNUP_ACTIVE]),
                name="places_signup_once",
            ),
        ]


class SignUpEvent(StatusEvent):
    """Append-only history of a sign-up (signed up, waitlisted, promoted, cancelled, attended)."""

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="events")


class Feedback(TimeStamped):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="feedback")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="activity_feedback")
    rating = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("活动评价")
        verbose_name_plural = _("活动评价")
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="places_feedback_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="places_feedback_rating_1_5"
            ),
        ]
