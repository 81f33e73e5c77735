"""Report-in (双报到): in-service party members register with their home community, pick posts
(认岗) and claim items of the community's service list (认领); an hours target per year. The
service record (纪实台账) is not stored: queries.service_record derives it from what they did."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet


class ReportQuerySet(ScopedQuerySet):
    scope_path_field = "path"
    scope_capability = "manage_service"


class PostKind(models.TextChoices):
    POST = "post", _("服务岗位")
    LIST_ITEM = "list_item", _("服务清单")


class ServicePost(TimeStamped):
    community = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=500, db_index=True, editable=False)
    kind = models.CharField(_("类别"), max_length=12, choices=PostKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField(_("人数上限"), default=10)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "kind", "name"], name="servicepost_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ReportIn(TimeStamped):
    member = models.ForeignKey("people.PartyMember", on_delete=models.PROTECT, related_name="report_ins")
    community = models.ForeignKey("territory.TerritoryNode", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=500, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    hours_target = models.DecimalField(_("年度服务时长目标"), max_digits=5, decimal_places=1, default=24)
    registered_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("报到")
        verbose_name_plural = _("报到")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=Q(withdrawn_at__isnull=True),
                name="reportin_one_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.person.name} {self.year}"


class PostClaim(TimeStamped):
    report_in = models.ForeignKey(ReportIn, on_delete=models.CASCADE, related_name="claims")
    post = models.ForeignKey(ServicePost, on_delete=models.PROTECT, related_name="claims")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report_in", "post"], name="postclaim_unique")]

    def __str__(self) -> str:
        return f"{self.report_in_id} {self.post_id}"
