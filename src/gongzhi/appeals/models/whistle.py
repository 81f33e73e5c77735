"""Whistle and report-in (街乡吹哨、部门报到), the daily close-out notes, notifications, rating
exclusions and the per-day rollup behind the three rates."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped


class Whistle(TimeStamped):
    class Kind(models.TextChoices):
        KEY = "key", _("重点哨")
        TOUGH = "tough", _("攻坚哨")

    class State(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已销号")

    kind = models.CharField(_("哨类"), max_length=8, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    territory = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=500, db_index=True)
    reason = models.CharField(_("事由"), max_length=500)
    lead_department = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    appeals = models.ManyToManyField("appeals.Appeal", related_name="whistles", blank=True)
    blown_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reason[:20]}"


class ReportIn(models.Model):
    """One named department's duty on a whistle: report in before due_at, then record its part."""

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="report_ins")
    department = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(default=False)
    due_at = models.DateTimeField(db_index=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    part = models.TextField(_("承担工作"), blank=True, max_length=2000)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["whistle", "department"], name="reportin_unique_department")
        ]

    def __str__(self) -> str:
        return f"{self.whistle_id} {self.department_id} {'reported' if self.reported_at else 'due'}"


class ConsultNote(TimeStamped):
    """日会商 / 日反馈: the notes a street writes into its daily close-out ledger."""

    street = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(db_index=True)
    kind = models.CharField(max_length=12, choices=[("consult", _("会商")), ("feedback", _("反馈"))])
    text = models.TextField(max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"


class Notification(models.Model):
    """In-app inbox row; SMS is a delivery attempt recorded on it, retried by the worker."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    recipient_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    appeal = models.ForeignKey(
        "appeals.Appeal", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=24)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    sms_wanted = models.BooleanField(default=False)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    sms_attempts = models.PositiveSmallIntegerField(default=0)
    sms_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text


class RatingExclusion(TimeStamped):
    """A department applies to exclude a malicious rating; a street officer decides (audited)."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    rating = models.OneToOneField("appeals.Rating", on_delete=models.CASCADE, related_name="exclusion")
    reason = models.CharField(_("理由"), max_length=500)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"exclusion of rating {self.rating_id}: {self.state}"


class DailyStat(models.Model):
    """Rollup of the three rates' numerators and denominators per day × department × community,
    incremented by the actions that change them (F() updates, so concurrent writers add up) and
    provably equal to a recount (bench/three_rates.py, tests)."""

    day = models.DateField()
    department = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "territory.TerritoryNode", null=True, on_delete=models.CASCADE, related_name="+"
    )
    street = models.ForeignKey(
        "territory.TerritoryNode", null=True, on_delete=models.CASCADE, related_name="+"
    )
    dispatched = models.PositiveIntegerField(default=0)
    signed_on_time = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)  # satisfied + basically satisfied

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "department", "community"], name="dailystat_unique"),
            # appeals placed above any community (district-level) share one row per department
            models.UniqueConstraint(
                fields=["day", "department"],
                condition=Q(community__isnull=True),
                name="dailystat_unique_no_community",
            ),
        ]
        indexes = [models.Index(fields=["street", "day"], name="dailystat_street_day")]

    def __str__(self) -> str:
        return f"{self.day} d{self.department_id} c{self.community_id}"
