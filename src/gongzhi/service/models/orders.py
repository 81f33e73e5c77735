"""The service catalogue of a community, orders placed on it, their append-only events and
evidence, and the in-app notices (reminders) the order flow sends."""

from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.actors import Actor
from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet, get_scope
from gongzhi.service.models.history import HistoryRow
from gongzhi.service.models.teams import Skill
from gongzhi.service.workflow import OPEN_ORDER_STATES, OrderAction, OrderStatus


class ItemQuerySet(ScopedQuerySet):
    scope_path_field = "path"
    scope_capability = "manage_service"


class ServiceItem(TimeStamped):
    community = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=500, db_index=True, editable=False)
    name = models.CharField(_("服务项目"), max_length=60)
    skill = models.CharField(_("所需技能"), max_length=16, choices=Skill.choices)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    hours = models.DecimalField(_("标准工时"), max_digits=4, decimal_places=1, default=1)
    deadline_hours = models.PositiveIntegerField(_("办结时限(小时)"), default=72)
    active = models.BooleanField(_("可点单"), default=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["path", "skill", "name"]
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="serviceitem_unique_name")]

    def __str__(self) -> str:
        return self.name


class OrderQuerySet(ScopedQuerySet):
    """Visible: orders in the actor's manage_service area, their own orders (resident), and the
    orders assigned to them (helper)."""

    scope_path_field = "path"
    scope_capability = "manage_service"

    def visible_to(self, actor: Actor | None, capability: str | None = None) -> Self:
        scope = get_scope(actor)
        if scope.is_global:
            return self.all()
        condition = Q(pk__in=[])
        for path in scope.paths_for(capability or self.scope_capability):
            condition |= Q(path__startswith=path)
        if scope.person_id is not None:
            condition |= Q(resident_id=scope.person_id) | Q(helper__person_id=scope.person_id)
        return self.filter(condition)

    def open(self) -> Self:
        return self.filter(status__in=[s.value for s in OPEN_ORDER_STATES])

    def overdue(self, now: Any = None) -> Self:
        return self.open().filter(due_at__lt=now or timezone.now())


class ServiceOrder(TimeStamped):
    number = models.CharField(_("编号"), max_length=24, unique=True)
    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="orders", verbose_name=_("服务项目")
    )
    community = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(
        "territory.TerritoryNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=500, db_index=True)  # the building's (else community's) path
    resident = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="service_orders"
    )
    description = models.TextField(_("需求描述"), max_length=1000)
    wanted_at = models.DateTimeField(_("期望上门时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.SUBMITTED, db_index=True
    )
    helper = models.ForeignKey(
        "service.Helper", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    due_at = models.DateTimeField(_("办结时限"), null=True, blank=True, db_index=True)
    overdue_marked_at = models.DateTimeField(null=True, blank=True)
    hours = models.DecimalField(_("服务时长"), max_digits=4, decimal_places=1, null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rating_comment = models.CharField(_("评价"), max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # conversion to/from an appeal (接诉即办): a link on each side, history in both event logs
    appeal = models.ForeignKey(
        "appeals.Appeal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("转为诉求"),
    )
    from_appeal = models.ForeignKey(
        "appeals.Appeal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("来自诉求"),
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("服务单")
        verbose_name_plural = _("服务单")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="serviceorder_rating_1_5",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["assigned", "accepted", "fulfilled", "rated", "closed"])
                | Q(helper__isnull=False),
                name="serviceorder_helper_when_assigned",
            ),
            models.UniqueConstraint(
                fields=["from_appeal"],
                condition=Q(from_appeal__isnull=False),
                name="serviceorder_one_per_appeal",
            ),
        ]
        indexes = [
            models.Index(fields=["path"], name="serviceorder_path_prefix", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item.name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ORDER_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()


class OrderEvent(HistoryRow):
    """Append-only: every action on an order with the state before and after; never edited."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=OrderAction.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.order_id} {self.action} {self.from_status}→{self.to_status}"


class OrderEvidence(models.Model):
    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="evidence")
    image = models.FileField(upload_to="service/evidence/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"evidence {self.pk} of order {self.order_id}"


class ServiceNotice(models.Model):
    """An in-app reminder for one person (helper, resident, member); shown on 我的提醒."""

    recipient = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(ServiceOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="servicenotice_inbox")]

    def __str__(self) -> str:
        return self.text
