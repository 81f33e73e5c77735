"""What points buy: items of merchants (Organisation kind merchant) and of reward lockers (暖心柜),
with stock; a redemption holds the pickup code the counter staff verify exactly once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.lifecycle import StatusTable
from gongzhi.core.scoping import ScopedQuerySet


class LockerQuerySet(ScopedQuerySet):
    scope_path_field = "community__path"
    scope_capability = "manage_points"


class Locker(models.Model):
    """A reward locker (暖心柜): a place in a community holding stock residents collect with a code."""

    community = models.ForeignKey(
        "territory.TerritoryNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属社区")
    )
    name = models.CharField(_("名称"), max_length=120)
    address = models.CharField(_("位置"), max_length=200, blank=True)
    # the organisation whose staff hand out (verify) the locker's items, e.g. the service centre
    operator = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("管理单位"),
    )

    objects = LockerQuerySet.as_manager()

    class Meta:
        ordering = ["community__path", "name"]
        verbose_name = _("暖心柜")
        verbose_name_plural = _("暖心柜")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="points_locker_unique")]

    def __str__(self) -> str:
        return self.name


class ItemQuerySet(ScopedQuerySet):
    scope_path_field = "community__path"
    scope_capability = "manage_points"

    def on_offer(self) -> "ItemQuerySet":
        return self.filter(active=True)


class CatalogueItem(models.Model):
    community = models.ForeignKey(
        "territory.TerritoryNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属社区")
    )
    merchant = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points_items",
        verbose_name=_("商户"),
    )
    locker = models.ForeignKey(
        Locker,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("暖心柜"),
    )
    name = models.CharField(_("名称"), max_length=120)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    points = models.PositiveIntegerField(_("所需积分"))
    stock = models.IntegerField(_("库存"), default=0)
    active = models.BooleanField(_("上架"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["community__path", "points", "name"]
        verbose_name = _("兑换商品")
        verbose_name_plural = _("兑换商品")
        constraints = [
            # stock never below zero, whatever the interleaving of redemptions (the decrement is a
            # conditional UPDATE ... WHERE stock >= n; this CHECK is the last line)
            models.CheckConstraint(condition=Q(stock__gte=0), name="points_item_stock_nonnegative"),
            models.CheckConstraint(condition=Q(points__gt=0), name="points_item_points_positive"),
            # exactly one of merchant / locker provides the item
            models.CheckConstraint(
                condition=(Q(merchant__isnull=False) & Q(locker__isnull=True))
                | (Q(merchant__isnull=True) & Q(locker__isnull=False)),
                name="points_item_one_provider",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def provider_name(self) -> str:
        return self.merchant.name if self.merchant_id else self.locker.name


class RedemptionStatus(models.TextChoices):
    ISSUED = "issued", _("待取货")
    VERIFIED = "verified", _("已核销")
    CANCELLED = "cancelled", _("已取消")
    EXPIRED = "expired", _("已过期")


REDEMPTION_TRANSITIONS: dict[str, frozenset[str]] = {
    RedemptionStatus.ISSUED: frozenset(
        {RedemptionStatus.VERIFIED, RedemptionStatus.CANCELLED, RedemptionStatus.EXPIRED}
    ),
    RedemptionStatus.VERIFIED: frozenset(),
    RedemptionStatus.CANCELLED: frozenset(),
    RedemptionStatus.EXPIRED: frozenset(),
}
REDEMPTION_TABLE = StatusTable.from_moves(REDEMPTION_TRANSITIONS, (RedemptionStatus,))


class Redemption(models.Model):
    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="redemptions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="points_redemptions")
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    points = models.PositiveIntegerField(_("积分"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=RedemptionStatus.choices,
        default=RedemptionStatus.ISSUED,
        db_index=True,
    )
    # random digits; unique so a code names one redemption (generated with `secrets`)
    code = models.CharField(_("取货码"), max_length=12, unique=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)
    transaction = models.OneToOneField(
        "points.Transaction", on_delete=models.PROTECT, related_name="redemption"
    )
    refund = models.OneToOneField(
        "points.Transaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunded_redemption",
    )
    created_at = models.DateTimeField(_("兑换时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("取货截止"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("兑换记录")
        verbose_name_plural = _("兑换记录")
        constraints = [
            # a double-submitted redemption (same Idempotency-Key) is one redemption
            models.UniqueConstraint(
                fields=["person", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="points_redemption_idempotent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"

    @property
    def is_open(self) -> bool:
        return self.status == RedemptionStatus.ISSUED
