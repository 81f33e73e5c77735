"""Small wishes (微心愿) of people in need. The beneficiary is stored for staff only; the public
wall shows the wish, the group and the community — never the person (decision 0015)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.service.models.history import HistoryRow
from gongzhi.service.workflow import WishStatus


class NeedGroup(models.TextChoices):
    ELDERLY = "elderly", _("老年人")
    DISABLED = "disabled", _("残疾人")
    LOW_INCOME = "low_income", _("低收入家庭")
    CHILD = "child", _("困境儿童")


class Urgency(models.TextChoices):
    LOW = "low", _("一般")
    NORMAL = "normal", _("较急")
    HIGH = "high", _("紧急")


class ClaimantKind(models.TextChoices):
    MEMBER = "member", _("党员/志愿者")
    TEAM = "team", _("服务队")
    UNIT = "unit", _("共建单位")


class WishQuerySet(ScopedQuerySet):
    scope_path_field = "path"
    scope_capability = "manage_service"


class Wish(TimeStamped):
    community = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=500, db_index=True, editable=False)  # the community's path
    beneficiary = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("对象类别"), max_length=16, choices=NeedGroup.choices)
    title = models.CharField(_("心愿"), max_length=60)
    story = models.CharField(_("心愿说明"), max_length=300, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    due_on = models.DateField(_("完成时限"))
    budget = models.DecimalField(_("预算(元)"), max_digits=8, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=12, choices=WishStatus.choices, default=WishStatus.OPEN, db_index=True
    )
    claimant_kind = models.CharField(_("认领方类别"), max_length=8, choices=ClaimantKind.choices, blank=True)
    claimant_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimant_team = models.ForeignKey(
        "service.HelperTeam", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimant_org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfil_note = models.CharField(_("实现说明"), max_length=500, blank=True)
    evidence = models.FileField(upload_to="service/wishes/%Y/%m/", blank=True)
    hours = models.DecimalField(_("服务时长"), max_digits=4, decimal_places=1, null=True, blank=True)

    objects = WishQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="wish_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "cancelled", "expired"]) | ~Q(claimant_kind=""),
                name="wish_claimed_has_claimant",
            ),
        ]
        indexes = [models.Index(fields=["path"], name="wish_path_prefix", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.title

    @property
    def claimant_label(self) -> str:
        """What the wall may show about who claimed it: a team or a unit by name, a member never."""
        if self.claimant_kind == ClaimantKind.TEAM and self.claimant_team_id:
            return self.claimant_team.name
        if self.claimant_kind == ClaimantKind.UNIT and self.claimant_org_id:
            return self.claimant_org.name
        return str(ClaimantKind.MEMBER.label) if self.claimant_kind else ""

    @property
    def is_late(self) -> bool:
        return self.status in {WishStatus.OPEN, WishStatus.CLAIMED} and self.due_on < timezone.localdate()


class WishEvent(HistoryRow):
    """Append-only history of a wish."""

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, choices=WishStatus.choices)
    note = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.wish_id} {self.from_status}→{self.to_status}"
