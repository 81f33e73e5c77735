"""The project library (项目库): residents' needs, what partner units offer, and the pairings made."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet


class Category(models.TextChoices):
    ELDERLY = "elderly", _("为老服务")
    CHILDREN = "children", _("儿童青少年")
    ENVIRONMENT = "environment", _("环境美化")
    FACILITIES = "facilities", _("设施维修")
    CULTURE = "culture", _("文体活动")
    SAFETY = "safety", _("平安建设")
    HEALTH = "health", _("健康医疗")
    EMPLOYMENT = "employment", _("就业帮扶")
    OTHER = "other", _("其他")


class Measure(models.TextChoices):
    """What a quantity counts, so a need and a resource are comparable only in the same measure."""

    YUAN = "yuan", _("元")
    SQM = "sqm", _("平方米")
    HOURS = "hours", _("小时")
    PEOPLE = "people", _("人")
    TIMES = "times", _("场次")


class NeedSource(models.TextChoices):
    RESIDENT = "resident", _("居民提出")
    APPEAL = "appeal", _("诉求转入")
    WISH = "wish", _("微心愿转入")
    HOT_ISSUE = "hot_issue", _("热点问题转入")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待对接")
    PAIRED = "paired", _("已对接")
    MET = "met", _("已满足")
    CLOSED = "closed", _("已关闭")


class LibraryQuerySet(ScopedQuerySet):
    scope_path_field = "community__path"
    scope_capability = "manage_projects"


class Need(TimeStamped):
    community = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("需求"), max_length=120)
    text = models.TextField(_("说明"), blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    tags = models.CharField(_("标签"), max_length=200, blank=True, help_text=_("用空格或逗号分隔"))
    quantity = models.PositiveIntegerField(_("数量"), null=True, blank=True)
    measure = models.CharField(_("单位"), max_length=8, choices=Measure.choices, blank=True)
    source = models.CharField(
        _("来源"), max_length=12, choices=NeedSource.choices, default=NeedSource.RESIDENT
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=8, choices=NeedStatus.choices, default=NeedStatus.OPEN)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("需求")
        verbose_name_plural = _("需求")
        constraints = [
            # one need per promoted appeal / wish / hot issue: promoting twice returns the first
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=Q(source_id__isnull=False),
                name="need_promoted_once",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ResourceKind(models.TextChoices):
    MONEY = "money", _("资金")
    SPACE = "space", _("场地")
    SKILL = "skill", _("技能服务")
    VOLUNTEERS = "volunteers", _("志愿者")
    GOODS = "goods", _("物资")


OFFERING_KINDS = ("partner_unit", "resident_unit", "social_org", "merchant")


class Resource(TimeStamped):
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("资源"), max_length=120)
    text = models.TextField(_("说明"), blank=True)
    kind = models.CharField(_("资源类型"), max_length=12, choices=ResourceKind.choices)
    category = models.CharField(_("适用类别"), max_length=16, choices=Category.choices)
    tags = models.CharField(_("标签"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), null=True, blank=True)
    measure = models.CharField(_("单位"), max_length=8, choices=Measure.choices, blank=True)
    available = models.BooleanField(_("可对接"), default=True)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("资源")
        verbose_name_plural = _("资源")

    def __str__(self) -> str:
        return self.title


class PairingStatus(models.TextChoices):
    PROPOSED = "proposed", _("已撮合")
    AGREED = "agreed", _("已达成")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class PairingQuerySet(ScopedQuerySet):
    scope_path_field = "need__community__path"
    scope_capability = "manage_projects"


class Pairing(TimeStamped):
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="pairings")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="pairings")
    status = models.CharField(
        _("状态"), max_length=12, choices=PairingStatus.choices, default=PairingStatus.PROPOSED
    )
    score = models.PositiveSmallIntegerField(_("匹配分"), default=0)
    outcome = models.TextField(_("成效"), blank=True)
    created_by = models.CharField(max_length=120)

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("对接")
        verbose_name_plural = _("对接")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "resource"], condition=~Q(status="cancelled"), name="pairing_once_live"
            )
        ]

    def __str__(self) -> str:
        return f"{self.need_id}↔{self.resource_id}"
