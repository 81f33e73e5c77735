"""Policy that lives in rows, not settings: the category taxonomy, deadlines per category and
urgency, the working-day calendar, and versioned routing rules."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped


class Category(models.Model):
    """Three-level taxonomy (e.g. 城乡建设 › 城市建设和市政管理 › 园林绿化环卫)."""

    name = models.CharField(_("名称"), max_length=80)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("级别"), default=1)
    path = models.CharField(max_length=300, unique=True)  # "城乡建设/城市建设和市政管理/园林绿化环卫"
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="category_level_1_3")
        ]

    def __str__(self) -> str:
        return self.path.replace("/", " › ")

    def lineage_ids(self) -> list[int]:
        """Own id first, then ancestors' (for "most specific rule wins")."""
        ids: list[int] = []
        node: Category | None = self
        while node is not None:
            ids.append(node.pk)
            node = node.parent
        return ids


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class DeadlinePolicy(TimeStamped):
    """Clocks for one category (and its subtree) and urgency; category null = the default."""

    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    urgency = models.CharField(_("紧急程度"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    sign_hours = models.PositiveIntegerField(_("签收时限(小时)"), default=2)
    contact_hours = models.PositiveIntegerField(_("首次联系时限(小时)"), default=24)
    resolve_workdays = models.PositiveIntegerField(_("办结时限(工作日)"), default=5)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency"], name="deadline_unique_category_urgency"),
            models.UniqueConstraint(
                fields=["urgency"], condition=Q(category__isnull=True), name="deadline_unique_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '默认'} · {self.get_urgency_display()}"


class CalendarDay(models.Model):
    """Exceptions to Monday–Friday: official holidays (not a working day) and make-up working
    days on weekends (调休). Edited per year by district admins; loaded by `gongzhi load_holidays`."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"))
    name = models.CharField(_("说明"), max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.name}"


class RoutingRuleSet(TimeStamped):
    """A version of the routing table. Exactly one is active; editing creates a new version so every
    dispatch can say which rules routed it."""

    version = models.PositiveIntegerField(unique=True)
    is_active = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_ruleset"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}{' (active)' if self.is_active else ''}"


class RoutingRule(models.Model):
    """category × territory → department; first match by position wins. Null category = any;
    null territory = anywhere. A rule with neither is a catch-all default."""

    ruleset = models.ForeignKey(RoutingRuleSet, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveIntegerField()
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    territory = models.ForeignKey(
        "territory.TerritoryNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["ruleset", "position"]
        constraints = [models.UniqueConstraint(fields=["ruleset", "position"], name="rule_unique_position")]

    def __str__(self) -> str:
        return f"#{self.position} {self.category or '*'} @ {self.territory or '*'} → {self.department}"


class BoardSetting(models.Model):
    """公示: whether anonymised appeals and replies of this territory (and below) are public."""

    territory = models.OneToOneField("territory.TerritoryNode", on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(_("公示"), default=False)

    def __str__(self) -> str:
        return f"board {self.territory_id}: {'on' if self.enabled else 'off'}"


class ReplyTemplate(models.Model):
    """Reusable reply texts for a department (null = everyone's)."""

    department = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=60)
    text = models.TextField(_("内容"), max_length=2000)

    def __str__(self) -> str:
        return self.title
