"""The owners' register of a compound: exclusive parts (专有部分, one per household-level node) with
their area, and who owns them. Ownership rows are ended, never deleted, so the register's history
stays readable; an assembly freezes a copy of it when voting opens (SnapshotVoter)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet


class PartQuerySet(ScopedQuerySet):
    scope_path_field = "compound__path"
    scope_capability = "manage_assemblies"


class ExclusivePart(TimeStamped):
    # A household-level TerritoryNode is the door; this row adds what the property register says.
    household = models.OneToOneField(
        "territory.TerritoryNode",
        on_delete=models.PROTECT,
        related_name="exclusive_part",
        verbose_name=_("房屋"),
    )
    compound = models.ForeignKey(
        "territory.TerritoryNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("小区")
    )
    area = models.DecimalField(
        _("专有部分面积(㎡)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    objects = PartQuerySet.as_manager()

    class Meta:
        ordering = ["household__path"]
        verbose_name = _("专有部分")
        verbose_name_plural = _("专有部分")
        constraints = [models.CheckConstraint(condition=Q(area__gt=0), name="exclusivepart_area_positive")]

    def __str__(self) -> str:
        return f"{self.household.full_name} {self.area}㎡"


class OwnershipQuerySet(ScopedQuerySet):
    scope_path_field = "part__compound__path"
    scope_capability = "manage_assemblies"

    def current(self) -> "OwnershipQuerySet":
        return self.filter(ended_on__isnull=True)


class Ownership(TimeStamped):
    part = models.ForeignKey(ExclusivePart, on_delete=models.PROTECT, related_name="ownerships")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="ownerships")
    started_on = models.DateField(_("登记日期"))
    ended_on = models.DateField(_("注销日期"), null=True, blank=True)

    objects = OwnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("产权登记")
        verbose_name_plural = _("产权登记")
        constraints = [
            models.UniqueConstraint(
                fields=["part", "person"], condition=Q(ended_on__isnull=True), name="ownership_one_current"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="ownership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}:{self.person_id}"
