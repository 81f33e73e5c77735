"""Yearly rounds, proposals and everything shown on a proposal's public page."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.projects.workflow import Phase

DEFAULT_BUDGET = 2_000_000  # yuan per community and year (Shenzhen 民生微实事)


class RoundQuerySet(ScopedQuerySet):
    scope_path_field = "community__path"
    scope_capability = "manage_projects"


class Round(TimeStamped):
    """One community's micro-project year: the budget and the dates of each phase."""

    community = models.ForeignKey(
        "territory.TerritoryNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=120)
    budget = models.PositiveBigIntegerField(_("年度预算（元）"), default=DEFAULT_BUDGET)
    collect_from = models.DateField(_("需求征集开始"))
    collect_until = models.DateField(_("需求征集截止"))
    review_until = models.DateField(_("可行性审核截止"))
    deliberate_until = models.DateField(_("协商议事截止"))

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "community__path"]
        verbose_name = _("微实事年度")
        verbose_name_plural = _("微实事年度")
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="projects_round_one_per_year"),
            models.CheckConstraint(
                condition=Q(collect_from__lte=models.F("collect_until")), name="projects_round_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SourceKind(models.TextChoices):
    RESIDENT = "resident", _("居民提议")
    APPEAL = "appeal", _("诉求")
    WISH = "wish", _("微心愿")
    HOT_ISSUE = "hot_issue", _("热点问题")
    IMPORTED = "imported", _("导入")


class ProposalQuerySet(ScopedQuerySet):
    scope_path_field = "round__community__path"
    scope_capability = "manage_projects"

    def public(self) -> "ProposalQuerySet":
        return self.exclude(phase=Phase.WITHDRAWN)


class Proposal(TimeStamped):
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("年度")
    )
    title = models.CharField(_("项目名称"), max_length=80)
    description = models.TextField(_("项目内容"), max_length=3000)
    place = models.CharField(_("实施地点"), max_length=120, blank=True)
    proposer = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提议人"),
    )
    # Generic reference: the appeal, wish or hot issue a staff member promoted (no FK, so the
    # sources' apps stay independent of this one).
    source_kind = models.CharField(
        _("来源"), max_length=16, choices=SourceKind.choices, default=SourceKind.RESIDENT
    )
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    phase = models.CharField(
        _("阶段"), max_length=16, choices=Phase.choices, default=Phase.COLLECTING, db_index=True
    )
    cost_estimate = models.PositiveBigIntegerField(_("估算费用（元）"), null=True, blank=True)
    responsible_unit = models.CharField(_("责任单位"), max_length=120, blank=True)
    rejection_reason = models.TextField(_("不通过理由"), blank=True)
    council_meeting_id = models.PositiveBigIntegerField(_("议事会议"), null=True, blank=True)
    vote = models.ForeignKey(
        "projects.Vote",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("投票"),
    )
    contractor = models.CharField(_("实施单位或团队"), max_length=120, blank=True)
    approved_budget = models.PositiveBigIntegerField(_("立项预算（元）"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    pb_id = models.CharField(_("pabulib 项目编号"), max_length=40, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("微实事项目")
        verbose_name_plural = _("微实事项目")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="projects_progress_max_100"),
            models.CheckConstraint(
                condition=~Q(phase="rejected") | ~Q(rejection_reason=""), name="projects_rejected_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def public_id(self) -> str:
        return self.pb_id or str(self.pk)


class ProposalEvent(models.Model):
    """Append-only: one row per phase change (the public page's timeline)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_phase = models.CharField(max_length=16, choices=Phase.choices, blank=True)
    to_phase = models.CharField(max_length=16, choices=Phase.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_phase} -> {self.to_phase}"


class ProposalDocument(models.Model):
    """A public document of one phase: feasibility report, minutes, approval notice, acceptance report."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="documents")
    phase = models.CharField(_("阶段"), max_length=16, choices=Phase.choices)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), max_length=10000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("意见"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.proposal_id}"


class Milestone(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=120)
    due_on = models.DateField(_("计划完成"))
    done_on = models.DateField(_("实际完成"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class Spending(models.Model):
    """Append-only ledger against the approved budget; a correction is a negative entry."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="spending")
    amount = models.BigIntegerField(_("金额（元）"))
    note = models.CharField(_("用途"), max_length=200)
    spent_on = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["spent_on", "id"]

    def __str__(self) -> str:
        return f"{self.amount} {self.note}"


class Evaluation(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="evaluations")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "person"], name="projects_one_evaluation_per_person"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="projects_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ on {self.proposal_id}"
