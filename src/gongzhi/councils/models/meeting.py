"""Meetings with agenda, attendance, minutes and decisions; each decision is tracked to done with an
append-only history and evidence files, so "decided but not done" is a query (Decision.objects.overdue)."""

from typing import Self

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.councils.rules import VoteRule


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("待召开")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class MeetingQuerySet(ScopedQuerySet):
    scope_path_field = "council__territory__path"
    scope_capability = "manage_councils"


class Meeting(TimeStamped):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("议题"), max_length=160)
    starts_at = models.DateTimeField(_("召开时间"))
    place = models.CharField(_("地点"), max_length=160, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField(_("会议纪要"), blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("会议")
        verbose_name_plural = _("会议")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("councils:meeting", args=[self.pk])


class SourceKind(models.TextChoices):
    APPEAL = "appeal", _("诉求")
    PROPOSAL = "proposal", _("微实事提案")
    RESIDENT = "resident", _("居民提议")
    HOT_ISSUE = "hot_issue", _("热点问题")
    OTHER = "other", _("其他")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("议程"), max_length=160)
    text = models.TextField(_("说明"), blank=True)
    # generic reference: where the item came from (an appeal id, a proposal id, …) plus free text
    source_kind = models.CharField(
        _("来源"), max_length=16, choices=SourceKind.choices, default=SourceKind.OTHER
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_text = models.CharField(_("来源说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    seat = models.ForeignKey("councils.Seat", on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "seat"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.seat_id}:{self.present}"


class DecisionStatus(models.TextChoices):
    REJECTED = "rejected", _("未通过")
    PENDING = "todo", _("待落实")
    DOING = "doing", _("落实中")
    DONE = "done", _("已办结")


class DecisionQuerySet(ScopedQuerySet):
    scope_path_field = "meeting__council__territory__path"
    scope_capability = "manage_councils"

    def open(self) -> Self:
        return self.filter(status__in=[DecisionStatus.PENDING, DecisionStatus.DOING])

    def overdue(self, today=None) -> Self:  # type: ignore[no-untyped-def]
        return self.open().filter(deadline__lt=today or timezone.localdate())


class Decision(TimeStamped):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("决定事项"))
    rule = models.CharField(_("表决规则"), max_length=24, choices=VoteRule.choices)
    # the vote as counted at the meeting; members and present are frozen from the seats and attendance
    members = models.PositiveSmallIntegerField(_("应到"))
    present = models.PositiveSmallIntegerField(_("实到"))
    yes = models.PositiveSmallIntegerField(_("同意"))
    no = models.PositiveSmallIntegerField(_("反对"))
    abstain = models.PositiveSmallIntegerField(_("弃权"))
    needed = models.PositiveSmallIntegerField(_("通过所需票数"))
    quorum_met = models.BooleanField(_("达到出席要求"))
    passed = models.BooleanField(_("通过"))
    # follow-through: who answers for it, by when, and where it stands
    owner_org = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("责任单位"),
    )
    owner_name = models.CharField(_("责任人/单位"), max_length=120, blank=True)
    deadline = models.DateField(_("完成期限"), null=True, blank=True)
    status = models.CharField(_("落实状态"), max_length=12, choices=DecisionStatus.choices, db_index=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("决定")
        verbose_name_plural = _("决定")
        constraints = [
            models.CheckConstraint(
                condition=Q(present__lte=F("members")) & Q(yes__lte=F("present") - F("no") - F("abstain")),
                name="decision_votes_fit",
            ),
            models.CheckConstraint(
                condition=Q(passed=True) | Q(status=DecisionStatus.REJECTED), name="decision_rejected_stays"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def owner_label(self) -> str:
        return self.owner_org.name if self.owner_org_id else self.owner_name

    def is_overdue(self, today=None) -> bool:  # type: ignore[no-untyped-def]
        return (
            self.status in (DecisionStatus.PENDING, DecisionStatus.DOING)
            and self.deadline is not None
            and self.deadline < (today or timezone.localdate())
        )


class DecisionEvent(models.Model):
    """Append-only: each status change and each note on a decision's follow-through."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor_label = models.CharField(max_length=120)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.from_status}→{self.to_status}"


class Evidence(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="councils/evidence/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    note = models.CharField(_("说明"), max_length=300, blank=True)
    uploaded_by = models.CharField(max_length=120)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.name
