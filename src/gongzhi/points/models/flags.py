"""Review flags: unusual award patterns that staff with manage_points look at, then clear or reverse."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.lifecycle import StatusTable
from gongzhi.core.scoping import ScopedQuerySet


class FlagKind(models.TextChoices):
    PAIR = "pair", _("同一对人频繁奖励")
    BURST = "burst", _("短时间内集中获奖")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("待复核")
    CLEARED = "cleared", _("已确认无误")
    REVERSED = "reversed", _("已冲正")


FLAG_TRANSITIONS: dict[str, frozenset[str]] = {
    FlagStatus.OPEN: frozenset({FlagStatus.CLEARED, FlagStatus.REVERSED}),
    FlagStatus.CLEARED: frozenset(),
    FlagStatus.REVERSED: frozenset(),
}
FLAG_TABLE = StatusTable.from_moves(FLAG_TRANSITIONS, (FlagStatus,))


class FlagQuerySet(ScopedQuerySet):
    scope_path_field = "community__path"
    scope_capability = "manage_points"


class Flag(models.Model):
    kind = models.CharField(_("类别"), max_length=16, choices=FlagKind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    community = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    awarded_by_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # one flag per pattern and period: "pair:<giver>:<recipient>:2026-11" or "burst:<recipient>:<window>"
    key = models.CharField(max_length=120, unique=True)
    award_count = models.PositiveIntegerField(_("奖励次数"), default=0)
    transactions = models.ManyToManyField("points.Transaction", related_name="flags", blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("复核意见"), max_length=300, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("复核标记")
        verbose_name_plural = _("复核标记")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.recipient}"
