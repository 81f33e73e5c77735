"""Earning rules and the per-area points policy. Rows on a community override those on its street
or district (the nearest ancestor wins); with no row at all the built-in DEFAULTS apply."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet


class RuleCode(models.TextChoices):
    SERVICE_HOUR = "service_hour", _("志愿服务(每小时)")
    ORDER_RATED = "order_rated", _("服务订单获评")
    ACTIVITY_CHECKIN = "activity_checkin", _("活动签到")
    WISH_FULFILLED = "wish_fulfilled", _("认领完成微心愿")
    PAIRING_VISIT = "pairing_visit", _("结对走访")
    MANUAL = "manual", _("人工奖励")


# (points per unit, daily cap, monthly cap); None = no cap. Used when no EarningRule row applies.
DEFAULTS: dict[str, tuple[int, int | None, int | None]] = {
    RuleCode.SERVICE_HOUR: (10, 80, 600),
    RuleCode.ORDER_RATED: (5, 30, 200),
    RuleCode.ACTIVITY_CHECKIN: (2, 10, 60),
    RuleCode.WISH_FULFILLED: (20, 40, 200),
    RuleCode.PAIRING_VISIT: (5, 10, 100),
    RuleCode.MANUAL: (0, None, 500),
}


class RuleQuerySet(ScopedQuerySet):
    scope_path_field = "territory__path"
    scope_capability = "manage_points"


class EarningRule(models.Model):
    territory = models.ForeignKey(
        "territory.TerritoryNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("适用区域")
    )
    code = models.CharField(_("规则"), max_length=32, choices=RuleCode.choices)
    points_per_unit = models.PositiveIntegerField(_("每单位积分"))
    daily_cap = models.PositiveIntegerField(_("每人每日上限"), null=True, blank=True)
    monthly_cap = models.PositiveIntegerField(_("每人每月上限"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RuleQuerySet.as_manager()

    class Meta:
        ordering = ["territory__path", "code"]
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        constraints = [models.UniqueConstraint(fields=["territory", "code"], name="points_rule_unique")]

    def __str__(self) -> str:
        return f"{self.territory} · {self.get_code_display()}"


class PolicyQuerySet(ScopedQuerySet):
    scope_path_field = "territory__path"
    scope_capability = "manage_points"


class PointsPolicy(models.Model):
    """Expiry and review thresholds for an area (nearest ancestor wins, as for rules)."""

    territory = models.OneToOneField(
        "territory.TerritoryNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("适用区域")
    )
    # points earned in year Y expire at the end of year Y + N; null = points never expire
    expiry_years = models.PositiveSmallIntegerField(_("有效年数"), null=True, blank=True)
    pair_threshold = models.PositiveSmallIntegerField(_("同一对人每月奖励次数上限"), default=5)
    burst_count = models.PositiveSmallIntegerField(_("短时奖励次数上限"), default=10)
    burst_minutes = models.PositiveSmallIntegerField(_("短时窗口(分钟)"), default=60)
    pickup_days = models.PositiveSmallIntegerField(_("取货码有效天数"), default=30)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分政策")
        verbose_name_plural = _("积分政策")
        constraints = [
            models.CheckConstraint(
                condition=Q(burst_count__gt=0) & Q(pair_threshold__gt=0), name="points_policy_pos"
            )
        ]

    def __str__(self) -> str:
        return str(self.territory)
